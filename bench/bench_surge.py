"""Benchmark: the HQ board on a surge day and tablet check-in under 32 clients, against a floor.

`make bench` runs it (through ``bench/run.py``) on a throwaway PostgreSQL and Redis. By hand,
from the repository root, with DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS set::

    python bench/bench_surge.py [--profile]

It creates a throwaway test database, seeds the surge day (``bench/surge.py``) and a quiet day
of 30 people, then measures (see bench/README.md): the board through the Django test client and
through gunicorn on loopback, the floor (a signed-in POST doing one row update), and check-in
taps from 32 signed-in clients; it counts lost and doubled steps in the database; then (issue 20
point 5) the same check-in against the running gunicorn and a second one with twice the workers,
in turns, with lock waits sampled from PostgreSQL; it stops both gunicorns and destroys the
database. Each figure is printed as a ``BENCH-ROW`` JSON line for the runner.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import json
import os
import pstats
import statistics
import sys
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench._setup import on_throwaway_database  # noqa: E402
from bench.cpu import Snapshot, added, per_request  # noqa: E402
from bench.cpu import in_words as cpu_in_words  # noqa: E402
from bench.load import LoadResult, Session, interleaved, login, pooled, run_clients  # noqa: E402
from bench.server import start_gunicorn, stop_gunicorn  # noqa: E402
from tests.second_factor import SignedInClient  # noqa: E402

REPEATS = 30
CLIENTS = 32
TAPS_PER_CLIENT = 40  # 20 people each: expected → met → CBP cleared
FLOOR_PER_CLIENT = 50  # before the taps, and again after them
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "3"))  # as the Dockerfile runs it
PASSWORD = "bench-password-not-secret"  # noqa: S105
PROFILE = "--profile" in sys.argv
# Issue 20: every verdict a ratio to a floor measured in the same run.
BOARD_RATIO = 15.0  # surge board p50 ≤ 15× the floor's p50 (test client, both)
SCALE_RATIO = 2.0  # board(3,000) ÷ board(30)
CHECKIN_RATE_RATIO = 0.5  # taps/s ≥ 0.5× the floor's requests/s, 32 clients each
CHECKIN_P95_RATIO = 2.5  # tap p95 ≤ 2.5× the floor's p95 at 32 clients
# Issue 20 point 5: the same check-in against gunicorn with the normal worker count and with
# twice as many, taking turns (normal, double, double, normal) on people of their own.
SCALE_PASSES = ("normal", "double", "double", "normal")
SCALE_PEOPLE_PER_CLIENT = 10  # a pass: 20 taps a client, 640 in all
SCALE_SEED_PEOPLE = 3200  # ATL only, ≈ 60% still expected: 40 a client for four passes
# The verdict is about locks (docs/decisions.md, 2026-11-30): backends waiting on a lock, on
# average over the passes of each server, at most this — about none. The taps/s ratio of 2× the
# workers to the normal count is printed beside it; where it falls below SCALE_RATE_RATIO with
# no lock waits, the lost rate is CPU contention (the load client, both gunicorns and
# PostgreSQL on the same cores), not locking, and the output says so.
SCALE_LOCK_WAITS = 0.1
SCALE_RATE_RATIO = 0.8
LOCK_SAMPLE_SECONDS = 0.05


def emit(
    key: str, what: str, value: float, unit: str, target: str = "", ok: Any = None, **extra: Any
) -> None:
    row = {
        "key": key,
        "what": what,
        "value": round(value, 2),
        "unit": unit,
        "target": target,
        "ok": ok,
        **extra,
    }
    print("BENCH-ROW " + json.dumps(row), flush=True)


def _users() -> tuple[Any, list[Any]]:
    from poe_ops.models import OperationsOffice, Port
    from poe_ops.roles import Role, add_to_office, assign_port_role
    from tests.factories import make_user

    hq = make_user("bench.hq")
    hq.set_password(PASSWORD)
    hq.save()
    for office in OperationsOffice.objects.all():
        add_to_office(hq, office)  # sees all seven ports
    atl = Port.objects.get(iata="ATL")
    associates = []
    for i in range(CLIENTS):
        user = make_user(f"bench.associate{i:02d}")
        user.set_password(PASSWORD)
        user.save()
        assign_port_role(user, atl, Role.ASSOCIATE)
        associates.append(user)
    return hq, associates


def _past_second_factor(session: Session, user: Any) -> Session:
    """HQ signs in with a second factor (issue 19): mark the signed-in session as past it, as
    the code page would, so the board is measured, not the code page."""
    from importlib import import_module

    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.second_factor import app_of

    store = import_module(settings.SESSION_ENGINE).SessionStore(session.cookies["sessionid"])
    store[DEVICE_ID_SESSION_KEY] = app_of(user).persistent_id
    store.save()
    return session


def _timed_get(client: Client, url: str, expect: str = "") -> Callable[[], float]:
    def call() -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        assert not expect or expect in response.content.decode(), f"{url}: no {expect!r}"
        return elapsed

    return call


def _profile(label: str, call: Callable[[], object]) -> None:
    with CaptureQueriesContext(connection) as queries:
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        call()
        profiler.disable()
        elapsed = time.perf_counter() - started
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"\n=== profile: {label}: {elapsed * 1000:.0f} ms under cProfile, "
        f"{len(queries)} queries, {sql * 1000:.0f} ms in SQL ==="
    )
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(15)
    print(out.getvalue())


def run() -> int:
    from bench.surge import seed_quiet, seed_surge

    surge_day = dt.date.today()
    quiet_day = surge_day + dt.timedelta(days=1)
    started = time.perf_counter()
    surge = seed_surge(surge_day)
    seed_quiet(quiet_day)
    hq, associates = _users()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum keeps them on a live database: without them the
        # planner takes the just-loaded tables for empty and joins the board's queries by
        # nested loops over thousands of rows (20 ms instead of 1 for the quiet day's legs).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    emit(
        "seed",
        "seed the surge day (3,000 people, 800 cases, 90 flights, 7 ports) and a quiet day",
        time.perf_counter() - started,
        "s",
    )
    board_url = f"/board/?date={surge_day}"
    quiet_url = f"/board/?date={quiet_day}"

    # --- Django test client: server time, in process -----------------------------------------
    client = SignedInClient()
    client.force_login(hq)  # past the second factor, as HQ is after signing in
    with CaptureQueriesContext(connection) as captured:
        client.get(board_url)
    board_queries = len(captured.captured_queries)
    floor_client = Client()
    floor_client.force_login(associates[0])

    def floor_call() -> float:
        t = time.perf_counter()
        assert floor_client.post("/bench/floor/").status_code == 200
        return time.perf_counter() - t

    # Taking turns (board, quiet board, floor, …): the ratios compare like with like.
    surge_tc, quiet_tc, floor_tc = interleaved(
        [
            _timed_get(client, board_url, "<dt>People</dt><dd>3000</dd>"),
            _timed_get(client, quiet_url, "<dt>People</dt><dd>30</dd>"),
            floor_call,
        ],
        REPEATS,
    )
    emit("floor_tc", "floor (one row update), Django test client, p50", floor_tc.p50_ms, "ms")
    emit(
        "board_tc",
        "board, surge day, Django test client, p50 (p95)",
        surge_tc.p50_ms,
        "ms",
        f"p50 ≤ {BOARD_RATIO:g}× floor",
        surge_tc.p50_ms <= BOARD_RATIO * floor_tc.p50_ms,
        p95=round(surge_tc.p95_ms, 1),
        ratio=f"{surge_tc.p50_ms / floor_tc.p50_ms:.0f}× floor",
        queries=board_queries,
    )
    emit(
        "board_quiet_tc",
        "board, 30 people, Django test client, p50 (p95)",
        quiet_tc.p50_ms,
        "ms",
        p95=round(quiet_tc.p95_ms, 1),
        ratio=f"{quiet_tc.p50_ms / floor_tc.p50_ms:.0f}× floor",
    )
    scale = surge_tc.p50_ms / quiet_tc.p50_ms
    emit(
        "board_scale",
        "board 3,000 people ÷ board 30 people (p50, test client)",
        scale,
        "×",
        f"≤ {SCALE_RATIO:g}×",
        scale <= SCALE_RATIO,
    )

    # The same, each request rendering afresh (as the first screen after a change does): the
    # figures above are what the 30-second polls of every HQ screen get, these what one of
    # them pays once per change and interval (issue 20 point 3: the body cached per port set).
    from poe_ops import versions

    def cold(call: Callable[[], float]) -> Callable[[], float]:
        def after_a_change() -> float:
            versions.changed([None])
            return call()

        return after_a_change

    surge_cold, quiet_cold, floor_cold = interleaved(
        [
            cold(_timed_get(client, board_url, "<dt>People</dt><dd>3000</dd>")),
            cold(_timed_get(client, quiet_url, "<dt>People</dt><dd>30</dd>")),
            floor_call,
        ],
        REPEATS,
    )
    emit(
        "board_cold_tc",
        "board, surge day, rendered afresh (after a change), test client, p50 (p95)",
        surge_cold.p50_ms,
        "ms",
        p95=round(surge_cold.p95_ms, 1),
        ratio=f"{surge_cold.p50_ms / floor_cold.p50_ms:.0f}× floor",
    )
    quiet_ratio = quiet_cold.p50_ms / floor_cold.p50_ms
    emit(
        "board_cold_scale",
        "board rendered afresh: 3,000 people ÷ 30 people (p50, test client)",
        surge_cold.p50_ms / quiet_cold.p50_ms,
        "×",
        ratio=f"quiet {quiet_cold.p50_ms:.0f} ms: {quiet_ratio:.0f}× floor",
    )

    if PROFILE:
        versions.changed([None])  # the profile is of a render, not of a cache hit
        _profile("board, surge day", lambda: client.get(board_url))
        case_id, people = next(iter(surge.expected_atl.items()))
        surge.expected_atl.pop(case_id)
        tablet = Client()
        tablet.force_login(associates[0])
        tablet.post("/bench/floor/")  # the first request loads the middleware: not profiled
        # One tap first, not profiled either, so the profile is of a warm process (templates
        # compiled and cached, as in a gunicorn worker after its first tap), not of loading.
        warm_case, warm_people = next(iter(surge.expected_atl.items()))
        surge.expected_atl.pop(warm_case)
        warm_pk, warm_flight = warm_people[0]
        tablet.post(
            f"/ports/ATL/individuals/{warm_pk}/step/",
            {"step": "met", "key": str(uuid.uuid4()), "flight": str(warm_flight)},
            headers={"HX-Request": "true"},
        )
        pk, flight = people[0]
        _profile(
            "check-in step (expected → met), htmx",
            lambda: tablet.post(
                f"/ports/ATL/individuals/{pk}/step/",
                {"step": "met", "key": str(uuid.uuid4()), "flight": str(flight)},
                headers={"HX-Request": "true"},
            ),
        )

    # --- gunicorn on loopback ----------------------------------------------------------------
    process, port = start_gunicorn(WORKERS)
    try:
        hq_session = _past_second_factor(login(port, "bench.hq", PASSWORD), hq)

        def get(url: str) -> Callable[[], float]:
            def call() -> float:
                status, _body, elapsed = hq_session.request("GET", url)
                assert status == 200, (url, status)
                return elapsed

            return call

        sessions = [login(port, u.username, PASSWORD) for u in associates]

        def floor_post(s: Session) -> Callable[[], float]:
            def call() -> float:
                status, elapsed = s.post("/bench/floor/", {}, htmx=False)
                assert status == 200, status
                return elapsed

            return call

        surge_gu, quiet_gu, floor_seq = interleaved(
            [get(board_url), get(quiet_url), floor_post(sessions[0])], REPEATS, warmup=2 * WORKERS
        )
        emit("floor_seq", "floor, gunicorn, one client, p50", floor_seq.p50_ms, "ms")
        emit(
            "board_gu",
            "board, surge day, gunicorn, one client, p50 (p95)",
            surge_gu.p50_ms,
            "ms",
            p95=round(surge_gu.p95_ms, 1),
            ratio=f"{surge_gu.p50_ms / floor_seq.p50_ms:.0f}× floor",
        )
        emit(
            "board_quiet_gu",
            "board, 30 people, gunicorn, one client, p50 (p95)",
            quiet_gu.p50_ms,
            "ms",
            p95=round(quiet_gu.p95_ms, 1),
            ratio=f"{quiet_gu.p50_ms / floor_seq.p50_ms:.0f}× floor",
        )

        floor_task = _floor_posts(sessions, FLOOR_PER_CLIENT)
        # Half the floor's load just before the taps and half just after, pooled: the taps'
        # ratios are to a floor that saw the same machine (bench_replay.py does the same).
        # The CPU each kind of process spends per request (bench/cpu.py), to say which side a
        # tap's cost is on.
        cpu = [Snapshot.take()]
        floor_before = run_clients(sessions, floor_task)
        cpu.append(Snapshot.take())
        checkin = run_clients(sessions, _checkin_task(sessions, surge.expected_atl))
        cpu.append(Snapshot.take())
        floor_after = run_clients(sessions, floor_task)
        cpu.append(Snapshot.take())
        floor_load = pooled(floor_before, floor_after)
        floor_cpu = per_request(
            added(cpu[1].since(cpu[0]), cpu[3].since(cpu[2])),
            len(floor_before.latencies.seconds) + len(floor_after.latencies.seconds),
        )
        tap_cpu = per_request(cpu[2].since(cpu[1]), len(checkin.latencies.seconds))
        if any(tap_cpu.values()):
            emit(
                "checkin_cpu",
                "check-in: CPU per tap by process, ms (the floor's per request)",
                sum(tap_cpu.values()),
                "ms",
                ratio=f"{sum(tap_cpu.values()) / max(sum(floor_cpu.values()), 1e-9):.2f}× floor",
                detail=cpu_in_words(tap_cpu, floor_cpu),
            )
        emit(
            "floor_load",
            f"floor, gunicorn, {CLIENTS} clients: requests/s (p95), before and after the taps",
            floor_load.rate,
            "req/s",
            p95=round(floor_load.latencies.p95_ms, 1),
            errors=len(floor_load.latencies.seconds) - floor_load.ok,
            detail=f"{floor_before.rate:.0f} before, {floor_after.rate:.0f} after",
        )
        status = _report_checkin(checkin, floor_load)
        _scale_run(surge_day, sessions, port)
    finally:
        stop_gunicorn(process)
    return status


def _floor_posts(
    sessions: list[Session], per_client: int
) -> Callable[[int], list[Callable[[], tuple[str, int, float]]]]:
    """Each client posts the floor ``per_client`` times."""

    def task(i: int) -> list[Callable[[], tuple[str, int, float]]]:
        def one() -> tuple[str, int, float]:
            status, elapsed = sessions[i].post("/bench/floor/", {}, htmx=False)
            return "", status, elapsed

        return [one] * per_client

    return task


def _checkin_task(
    sessions: list[Session],
    expected: dict[int, list[tuple[int, int]]],
    people_per_client: int = TAPS_PER_CLIENT // 2,
    skip: int = 0,
) -> Callable[[int], list[Callable[[], tuple[str, int, float]]]]:
    """Each client moves its own families (cases dealt round-robin): every person expected →
    met, then met → CBP cleared, one fresh key per tap, as the tablet posts it. ``skip``: the
    people of each client's share already tapped in an earlier pass."""
    cases = sorted(expected.items())
    shares = [
        [person for _case, people in cases[i :: len(sessions)] for person in people]
        for i in range(len(sessions))
    ]
    if sum(len(share) for share in shares) < (skip + people_per_client) * len(sessions):
        raise RuntimeError("not enough people still expected at ATL for the check-in load")

    def task(i: int) -> list[Callable[[], tuple[str, int, float]]]:
        steps: list[Callable[[], tuple[str, int, float]]] = []
        for pk, flight in shares[i][skip : skip + people_per_client]:
            for step in ("met", "cbp_cleared"):
                steps.append(_tap(sessions[i], pk, flight, step))
        return steps

    return task


def _tap(session: Session, pk: int, flight: int, step: str) -> Callable[[], tuple[str, int, float]]:
    def call() -> tuple[str, int, float]:
        key = str(uuid.uuid4())
        status, elapsed = session.post(
            f"/ports/ATL/individuals/{pk}/step/", {"step": step, "key": key, "flight": str(flight)}
        )
        return json.dumps([key, pk, step]), status, elapsed

    return call


@dataclass
class Integrity:
    taps: int
    lost: int
    doubled: int
    refused: int
    errors: int

    @property
    def ok(self) -> bool:
        return self.lost == 0 and self.doubled == 0

    def __str__(self) -> str:
        return (
            f"{self.lost} lost, {self.doubled} doubled, {self.refused} refused, "
            f"{self.errors} HTTP errors of {self.taps} taps"
        )


def _integrity(log: list[tuple[str, int]]) -> Integrity:
    """Counted in the database: every 2xx tap has exactly one StepEvent with its key (else
    lost), no key twice and no person moved twice to the same step (else doubled)."""
    from arrivals.models import StepEvent

    taps = [(json.loads(label), status) for label, status in log if label]
    ok_keys = {key: (pk, step) for (key, pk, step), status in taps if 200 <= status < 300}
    events = list(
        StepEvent.objects.filter(idempotency_key__in=[key for (key, _p, _s), _st in taps]).values(
            "idempotency_key", "individual_id", "to_step", "accepted"
        )
    )
    per_key = Counter(e["idempotency_key"] for e in events)
    lost = sum(1 for key in ok_keys if per_key[key] == 0)
    doubled_keys = sum(1 for n in per_key.values() if n > 1)
    moves = Counter((e["individual_id"], e["to_step"]) for e in events if e["accepted"])
    doubled_moves = sum(n - 1 for n in moves.values() if n > 1)
    refused = sum(1 for e in events if not e["accepted"])
    errors = len(taps) - len(ok_keys)
    return Integrity(len(taps), lost, doubled_keys + doubled_moves, refused, errors)


def _report_checkin(checkin: LoadResult, floor_load: LoadResult) -> int:
    counted = _integrity(checkin.log)
    ratio = checkin.rate / floor_load.rate
    p95 = checkin.latencies.p95_ms
    p95_ratio = p95 / floor_load.latencies.p95_ms
    emit(
        "checkin_rate",
        f"check-in taps, gunicorn, {CLIENTS} clients: taps/s",
        checkin.rate,
        "taps/s",
        f"≥ {CHECKIN_RATE_RATIO:g}× floor",
        ratio >= CHECKIN_RATE_RATIO,
        ratio=f"{ratio:.2f}× floor",
        taps=counted.taps,
        elapsed=round(checkin.elapsed, 2),
    )
    emit(
        "checkin_p95",
        f"check-in tap latency, {CLIENTS} clients, p95 (p50)",
        p95,
        "ms",
        f"≤ {CHECKIN_P95_RATIO:g}× floor p95",
        p95_ratio <= CHECKIN_P95_RATIO,
        p50=round(checkin.latencies.p50_ms, 1),
        ratio=f"{p95_ratio:.1f}× floor p95",
    )
    emit(
        "checkin_integrity",
        "check-in: lost / doubled / refused / HTTP errors",
        counted.lost + counted.doubled,
        "lost+doubled",
        "0 lost, 0 doubled",
        counted.ok,
        detail=str(counted),
    )
    return 0


@dataclass
class LockWaits:
    """What ``pg_stat_activity`` and ``pg_locks`` showed, sampled every
    ``LOCK_SAMPLE_SECONDS`` while a load ran: per sample, the backends of the bench's database
    waiting on a lock (a row, a tuple, a transaction: ``wait_event_type = 'Lock'``), the
    ungranted entries in ``pg_locks``, the backends running a statement and those inside a
    transaction (running or between statements: a tap holding its case's row lock)."""

    waiting: list[int] = field(default_factory=list)
    ungranted: list[int] = field(default_factory=list)
    active: list[int] = field(default_factory=list)
    in_transaction: list[int] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)

    def add(self, other: LockWaits) -> LockWaits:
        return LockWaits(
            self.waiting + other.waiting,
            self.ungranted + other.ungranted,
            self.active + other.active,
            self.in_transaction + other.in_transaction,
            self.events + other.events,
        )

    @property
    def mean(self) -> float:
        return statistics.fmean(self.waiting) if self.waiting else 0.0

    def __str__(self) -> str:
        if not self.waiting:
            return "no samples"
        waited = sum(1 for n in self.waiting if n)
        kinds = ", ".join(f"{k} {n}" for k, n in self.events.most_common(3))
        return (
            f"{len(self.waiting)} samples: waiting on a lock at most {max(self.waiting)}, "
            f"mean {self.mean:.2f} (in {waited} samples); ungranted pg_locks at most "
            f"{max(self.ungranted)}; backends running a statement mean "
            f"{statistics.fmean(self.active):.2f}, in a transaction mean "
            f"{statistics.fmean(self.in_transaction):.2f} (at most {max(self.in_transaction)})"
            + (f"; waits: {kinds}" if kinds else "")
        )


class LockSampler:
    """A thread with its own connection to the bench's database, sampling lock waits until
    stopped. ``with LockSampler() as sampler: …`` then ``sampler.found``."""

    SQL = """
        SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),
               count(*) FILTER (WHERE state = 'active'),
               count(*) FILTER (WHERE xact_start IS NOT NULL),
               (SELECT count(*) FROM pg_locks WHERE NOT granted),
               coalesce(string_agg(wait_event, ',') FILTER (WHERE wait_event_type = 'Lock'), '')
          FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()
    """

    def __init__(self) -> None:
        self.found = LockWaits()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> LockSampler:
        import psycopg

        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        test_db = connection.settings_dict["NAME"]
        self._conn = psycopg.connect(urllib.parse.urlunsplit(url._replace(path=f"/{test_db}")))
        self._conn.autocommit = True
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(LOCK_SAMPLE_SECONDS):
            row = self._conn.execute(self.SQL).fetchone()
            if row is None:
                continue
            waiting, active, in_transaction, ungranted, events = row
            self.found.waiting.append(int(waiting))
            self.found.active.append(int(active))
            self.found.in_transaction.append(int(in_transaction))
            self.found.ungranted.append(int(ungranted))
            self.found.events.update(e for e in str(events).split(",") if e)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self._conn.close()


def _scale_run(day: dt.date, sessions: list[Session], normal_port: int) -> None:
    """Issue 20 point 5: the check-in at ``CLIENTS`` clients against gunicorn with the normal
    worker count (the server already running) and with twice as many (a second gunicorn on the
    same database), in turns — normal, double, double, normal — each pass on people of its
    own, with lock waits sampled from PostgreSQL throughout. Both servers share the machine
    with the load client and PostgreSQL, so on 2 cores the point is not a speed-up but that
    taps do not queue on locks and 2× the processes lose no throughput to locking."""
    from bench.surge import seed_day

    began = time.perf_counter()
    seeded = seed_day(
        day, SCALE_SEED_PEOPLE, 700, 40, prefix="SCALE", shares={"ATL": 1.0}, seed=7
    ).expected_atl
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    double_process, double_port = start_gunicorn(2 * WORKERS)
    try:
        ports = {"normal": normal_port, "double": double_port}
        # The same signed-in tablets against either server (sessions live in PostgreSQL).
        clients = {
            kind: [Session(port, dict(s.cookies)) for s in sessions] for kind, port in ports.items()
        }
        for kind in ports:  # warm every worker of both servers before anything is counted
            warm = run_clients(clients[kind], _floor_posts(clients[kind], 3))
            assert warm.ok == len(warm.latencies.seconds), warm.statuses
        results: dict[str, list[LoadResult]] = {"normal": [], "double": []}
        waits = {"normal": LockWaits(), "double": LockWaits()}
        for n, kind in enumerate(SCALE_PASSES):
            task = _checkin_task(
                clients[kind], seeded, SCALE_PEOPLE_PER_CLIENT, skip=n * SCALE_PEOPLE_PER_CLIENT
            )
            with LockSampler() as sampler:
                result = run_clients(clients[kind], task)
            results[kind].append(result)
            waits[kind] = waits[kind].add(sampler.found)
            print(
                f"scale pass {n + 1} ({kind}, {WORKERS * (2 if kind == 'double' else 1)} "
                f"workers): {result.rate:.1f} taps/s, p95 {result.latencies.p95_ms:.0f} ms; "
                f"{sampler.found}; load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    finally:
        stop_gunicorn(double_process)
    normal, double = pooled(*results["normal"]), pooled(*results["double"])
    counted = _integrity(normal.log + double.log)
    rate_ratio = double.rate / normal.rate
    locks_ok = max(waits["normal"].mean, waits["double"].mean) <= SCALE_LOCK_WAITS
    concurrency = {
        kind: statistics.fmean(found.in_transaction) if found.in_transaction else 0.0
        for kind, found in waits.items()
    }
    for kind, pooled_result in (("normal", normal), ("double", double)):
        workers = WORKERS * (2 if kind == "double" else 1)
        emit(
            f"scale_{kind}",
            f"check-in, {CLIENTS} clients, gunicorn with {workers} workers: taps/s "
            "(p95; lock waits sampled from pg_stat_activity / pg_locks)",
            pooled_result.rate,
            "taps/s",
            p95=round(pooled_result.latencies.p95_ms, 1),
            detail=str(waits[kind]),
        )
    ok = locks_ok and counted.ok
    emit(
        "scale_ratio",
        f"check-in with {2 * WORKERS} workers ÷ with {WORKERS}: taps/s (p95 ratio); "
        "lock waits; lost / doubled",
        rate_ratio,
        "×",
        f"lock waits ≤ {SCALE_LOCK_WAITS:g} backends on average, 0 lost/doubled "
        "(the ratio beside it: no speed-up on 2 shared cores)",
        ok,
        ratio=f"p95 {double.latencies.p95_ms / normal.latencies.p95_ms:.2f}×",
        detail=(
            f"{counted}; in a transaction at once, mean {concurrency['normal']:.2f} with "
            f"{WORKERS} workers, {concurrency['double']:.2f} with {2 * WORKERS}"
        ),
    )
    if not ok:
        verdict = "NOT shown: taps waited on locks, or were lost or doubled (see above)"
    elif rate_ratio >= SCALE_RATE_RATIO:
        verdict = (
            "taps scale with processes, not with locks: no tap waited on a lock, and twice "
            "the workers kept the rate"
        )
    else:
        verdict = (
            f"no tap waited on a lock, yet twice the workers gave {rate_ratio:.2f}× the rate: "
            "with no lock waits that is contention for the CPU (more processes on the same "
            "cores), not locking"
        )
    print(
        f"scale: {2 * WORKERS} workers {double.rate:.1f} taps/s (p95 "
        f"{double.latencies.p95_ms:.0f} ms) vs {WORKERS} workers {normal.rate:.1f} taps/s (p95 "
        f"{normal.latencies.p95_ms:.0f} ms) = {rate_ratio:.2f}×; lock waits mean "
        f"{waits['normal'].mean:.2f} / {waits['double'].mean:.2f}; taps inside a transaction "
        f"at once, mean {concurrency['normal']:.2f} / {concurrency['double']:.2f}; {counted}.\n"
        f"  {verdict}. On a machine whose {os.cpu_count()} cores also run the load client and "
        "PostgreSQL, more workers cannot add CPU, so no speed-up is expected here; what this "
        "shows is whether the taps queued on locks. On separate hosts the rate grows with the "
        "cores given to the web processes until PostgreSQL's CPU is the limit.\n"
        f"  (the scale run took {time.perf_counter() - began:.0f} s, seeding included)",
        flush=True,
    )


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
