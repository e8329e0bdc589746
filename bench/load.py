"""A small, bounded HTTP client for the benchmarks: loopback only, standard library only.

Sessions are made the way a tablet makes them — the login form, its CSRF token and the session
cookie — and requests carry the headers htmx sends. Concurrency is a fixed number of threads
doing a fixed number of requests each, with a deadline, so every run stops by itself."""

from __future__ import annotations

import http.client
import re
import statistics
import threading
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

HOST = "127.0.0.1"
_CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


APP_SECONDS = "X-Bench-App-Seconds"  # set by bench/wsgi.py: the application's time


@dataclass
class Session:
    port: int
    cookies: dict[str, str] = field(default_factory=dict)
    # The last answer's time in the application (``bench/wsgi.py``), if it said.
    app_seconds: float | None = None

    def request(
        self,
        method: str,
        path: str,
        body: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, float]:
        """(status, body, seconds) — a fresh connection each time, as gunicorn's sync workers
        close it after every response."""
        all_headers = {"Host": HOST, "User-Agent": "poe-bench/1"}
        if self.cookies:
            all_headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        all_headers.update(headers or {})
        started = time.perf_counter()
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            conn.request(method, path, body=data, headers=all_headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        elapsed = time.perf_counter() - started
        app = response.getheader(APP_SECONDS)
        self.app_seconds = float(app) if app else None
        for cookie in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content, elapsed

    def post(self, path: str, body: dict[str, str], htmx: bool = True) -> tuple[int, float]:
        headers = {"X-CSRFToken": self.cookies.get("csrftoken", "")}
        if htmx:
            headers["HX-Request"] = "true"
        status, _content, elapsed = self.request("POST", path, body, headers)
        return status, elapsed


def login(port: int, username: str, password: str) -> Session:
    """Sign in through the login form, as a browser does."""
    session = Session(port)
    status, page, _ = session.request("GET", "/accounts/login/")
    found = _CSRF_INPUT.search(page.decode())
    if status != 200 or not found:
        raise RuntimeError(f"login page: HTTP {status}")
    status, _body, _ = session.request(
        "POST",
        "/accounts/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": found.group(1)},
    )
    if status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login as {username} failed: HTTP {status}")
    return session


def wait_until_up(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            status, _body, _ = Session(port).request("GET", "/healthz")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within {seconds:.0f} s")


@dataclass
class Latencies:
    seconds: list[float]

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.seconds) * 1000

    @property
    def p95_ms(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] * 1000


def repeat(call: Callable[[], float], times: int, warmup: int = 3) -> Latencies:
    """Run ``call`` (which returns its own duration) ``warmup`` + ``times`` times, one after
    another; keep the last ``times``."""
    for _ in range(warmup):
        call()
    return Latencies([call() for _ in range(times)])


def interleaved(
    calls: Sequence[Callable[[], float]], times: int, warmup: int = 3
) -> list[Latencies]:
    """Like ``repeat`` for several calls at once, taking turns — a, b, c, a, b, c, … — so a
    shared machine's drift during the run falls on all of them alike: a ratio of two of them
    (a page to the floor) then means the same on a busy machine as on a quiet one."""
    for call in calls:
        for _ in range(warmup):
            call()
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(times):
        for found, call in zip(samples, calls, strict=True):
            found.append(call())
    return [Latencies(found) for found in samples]


@dataclass
class LoadResult:
    clients: int
    elapsed: float
    latencies: Latencies
    statuses: dict[int, int]
    log: list[tuple[str, int]]  # (what the task recorded, HTTP status), in completion order

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if 200 <= status < 300)

    @property
    def rate(self) -> float:
        return len(self.latencies.seconds) / self.elapsed


def pooled(*results: LoadResult) -> LoadResult:
    """Several runs of the same load as one: all their requests over all their time."""
    statuses: dict[int, int] = {}
    for result in results:
        for status, n in result.statuses.items():
            statuses[status] = statuses.get(status, 0) + n
    return LoadResult(
        clients=max(r.clients for r in results),
        elapsed=sum(r.elapsed for r in results),
        latencies=Latencies([s for r in results for s in r.latencies.seconds]),
        statuses=statuses,
        log=[entry for r in results for entry in r.log],
    )


# A client's work: given its index, yields requests; each returns (label, status, seconds).
Task = Callable[[int], Sequence[Callable[[], tuple[str, int, float]]]]


def run_clients(sessions: list[Session], task: Task, deadline_seconds: float = 60) -> LoadResult:
    """Every session runs its own list of requests, all starting together; a client stops at
    the end of its list or at the deadline."""
    barrier = threading.Barrier(len(sessions) + 1)
    lock = threading.Lock()
    seconds: list[float] = []
    statuses: dict[int, int] = {}
    log: list[tuple[str, int]] = []
    plans = [task(i) for i in range(len(sessions))]

    def client(i: int) -> None:
        barrier.wait()
        stop = time.monotonic() + deadline_seconds
        for step in plans[i]:
            if time.monotonic() > stop:
                break
            try:
                label, status, elapsed = step()
            except OSError:
                label, status, elapsed = "", 599, 0.0
            with lock:
                seconds.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1
                log.append((label, status))

    threads = [
        threading.Thread(target=client, args=(i,), daemon=True) for i in range(len(sessions))
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(deadline_seconds + 35)
    elapsed = time.perf_counter() - started
    return LoadResult(len(sessions), elapsed, Latencies(seconds), statuses, log)
