"""The check-in load shared by the surge benchmark and its scale run: clients posting the floor,
clients tapping their own families through the arrival steps as the tablet does, and the count
in the database afterwards of what was lost or doubled."""

from __future__ import annotations

import json
import os
import statistics
import threading
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.cpu import Snapshot, added, per_request
from bench.cpu import in_words as cpu_in_words
from bench.load import LoadResult, Session, pooled, run_clients
from bench.report import emit

CLIENTS = 32
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "3"))  # as the Dockerfile runs it
# Issue 20: the check-in's verdicts, ratios to the floor measured beside it.
CHECKIN_RATE_RATIO = 0.5  # taps/s ≥ 0.5× the floor's requests/s, 32 clients each
CHECKIN_P95_RATIO = 2.5  # tap p95 ≤ 2.5× the floor's p95 at 32 clients
# The floor, then a round of taps and the floor again, so many times; the verdicts are the
# median round's (a shared machine's load moves in seconds: see ``checkin_rounds``).
CHECKIN_ROUNDS = int(os.environ.get("BENCH_CHECKIN_ROUNDS", "3"))


def floor_posts(
    sessions: list[Session], per_client: int
) -> Callable[[int], list[Callable[[], tuple[str, int, float]]]]:
    """Each client posts the floor ``per_client`` times."""

    def task(i: int) -> list[Callable[[], tuple[str, int, float]]]:
        def one() -> tuple[str, int, float]:
            status, elapsed = sessions[i].post("/bench/floor/", {}, htmx=False)
            return "", status, elapsed

        return [one] * per_client

    return task


def dealt(expected: dict[int, list[tuple[int, int]]], clients: int) -> list[list[tuple[int, int]]]:
    """The people each client taps, whole families each: the largest family first, each to the
    client with the fewest people so far, so the shares differ by less than a family (dealt
    round-robin, the surge day's ATL families gave one client 19 people and another 42). Each
    client's families in case order, large and small mixed, so that the rounds of
    ``checkin_rounds`` do not differ in the size of the families they tap."""
    families: list[list[tuple[int, list[tuple[int, int]]]]] = [[] for _ in range(clients)]
    for case, people in sorted(expected.items(), key=lambda item: (-len(item[1]), item[0])):
        min(families, key=lambda share: sum(len(p) for _c, p in share)).append((case, people))
    return [[person for _c, people in sorted(share) for person in people] for share in families]


def checkin_task(
    sessions: list[Session],
    expected: dict[int, list[tuple[int, int]]],
    people_per_client: int,
    skip: int = 0,
) -> Callable[[int], list[Callable[[], tuple[str, int, float]]]]:
    """Each client moves its own families (``dealt``): every person expected → met, then
    met → CBP cleared, one fresh key per tap, as the tablet posts it. ``skip``: the people of
    each client's share already tapped in an earlier pass."""
    shares = dealt(expected, len(sessions))
    if min(len(share) for share in shares) < skip + people_per_client:
        raise RuntimeError("not enough people still expected at ATL for the check-in load")

    def task(i: int) -> list[Callable[[], tuple[str, int, float]]]:
        steps: list[Callable[[], tuple[str, int, float]]] = []
        for pk, flight in shares[i][skip : skip + people_per_client]:
            for step in ("met", "cbp_cleared"):
                steps.append(tap(sessions[i], pk, flight, step))
        return steps

    return task


def tap(session: Session, pk: int, flight: int, step: str) -> Callable[[], tuple[str, int, float]]:
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


def integrity(log: list[tuple[str, int]]) -> Integrity:
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


@dataclass
class Mixed:
    """Taps and floor requests taking turns in every client, at once: each one's time in the
    application (``bench/wsgi.py``), in seconds."""

    taps: list[float]
    floors: list[float]
    load: LoadResult

    @property
    def ratio(self) -> float:
        """The floor's mean time ÷ the tap's: the share of the floor's rate a server busy with
        taps alone keeps (its workers are busy all along at 32 clients: rate = workers ÷ mean
        time)."""
        return statistics.fmean(self.floors) / statistics.fmean(self.taps)


def mixed_run(
    sessions: list[Session],
    expected: dict[int, list[tuple[int, int]]],
    people_per_client: int,
    skip: int,
) -> Mixed:
    """Every client taps its own people (``checkin_task``) with a floor request after each tap;
    each answer's time in the application is kept by kind. A tap and a floor request a few
    milliseconds apart meet the same machine, whatever a neighbour does from one second to the
    next: their times' ratio is the check-in's rate, as a share of the floor's, measured
    where a shared machine's load cannot fall on one and not the other."""
    taps = checkin_task(sessions, expected, people_per_client, skip=skip)
    floor = floor_posts(sessions, 1)
    lock = threading.Lock()
    found: dict[str, list[float]] = {"tap": [], "floor": []}

    def timed(
        session: Session, kind: str, call: Callable[[], tuple[str, int, float]]
    ) -> Callable[[], tuple[str, int, float]]:
        def step() -> tuple[str, int, float]:
            label, status, elapsed = call()
            if 200 <= status < 300 and session.app_seconds is not None:
                with lock:
                    found[kind].append(session.app_seconds)
            return label, status, elapsed

        return step

    def task(i: int) -> list[Callable[[], tuple[str, int, float]]]:
        (one_floor,) = floor(i)
        steps: list[Callable[[], tuple[str, int, float]]] = []
        for one_tap in taps(i):
            steps += [timed(sessions[i], "tap", one_tap), timed(sessions[i], "floor", one_floor)]
        return steps

    load = run_clients(sessions, task)
    if not found["tap"] or not found["floor"]:
        raise RuntimeError("no answer said its time in the application (bench/wsgi.py)")
    return Mixed(found["tap"], found["floor"], load)


@dataclass
class Round:
    """One round of the check-in: its taps, and the floor just before and just after them
    (pooled: the same machine as the taps, on either side)."""

    taps: LoadResult
    floor: LoadResult

    @property
    def ratio(self) -> float:
        return self.taps.rate / self.floor.rate

    @property
    def p95_ratio(self) -> float:
        return self.taps.latencies.p95_ms / self.floor.latencies.p95_ms


@dataclass
class Rounds:
    rounds: list[Round]
    floors: list[LoadResult]  # every floor run, in order (each between two rounds is in both)
    tap_cpu: dict[str, float]  # ms of CPU per tap, by kind of process
    floor_cpu: dict[str, float]  # ms of CPU per floor request

    def median(self, key: Callable[[Round], float]) -> Round:
        return sorted(self.rounds, key=key)[len(self.rounds) // 2]

    def each(self, key: Callable[[Round], float], spec: str) -> str:
        return ", ".join(f"{key(one):{spec}}×" for one in self.rounds)


def checkin_rounds(
    sessions: list[Session],
    expected: dict[int, list[tuple[int, int]]],
    rounds: int,
    people_per_client: int,
    floor_per_client: int,
) -> Rounds:
    """The floor, then ``rounds`` times: a round of taps (each client ``people_per_client``
    people of its own, others each round) and the floor again. Each round's taps are compared
    with the floor on either side of them; the verdicts take the median round. A shared
    machine's load moves within seconds — a neighbour's burst halved the floor between its run
    before the taps and its run after — so one long run of taps against one floor measured
    elsewhere in time gave a ratio that moved with the neighbour, not with the code (0.45× to
    0.57× on the same tree with a test suite running beside). The CPU each kind of process
    spends (``bench/cpu.py``) is summed over the taps and over the floor runs."""
    floor_task = floor_posts(sessions, floor_per_client)
    snapshots = [Snapshot.take()]
    floors = [run_clients(sessions, floor_task)]
    snapshots.append(Snapshot.take())
    tapped: list[LoadResult] = []
    for n in range(rounds):
        task = checkin_task(sessions, expected, people_per_client, skip=n * people_per_client)
        tapped.append(run_clients(sessions, task))
        snapshots.append(Snapshot.take())
        floors.append(run_clients(sessions, floor_task))
        snapshots.append(Snapshot.take())
    spans = [snapshots[i + 1].since(snapshots[i]) for i in range(len(snapshots) - 1)]
    return Rounds(
        rounds=[Round(taps, pooled(floors[n], floors[n + 1])) for n, taps in enumerate(tapped)],
        floors=floors,
        tap_cpu=per_request(added(*spans[1::2]), sum(len(t.latencies.seconds) for t in tapped)),
        floor_cpu=per_request(added(*spans[0::2]), sum(len(f.latencies.seconds) for f in floors)),
    )


def report_checkin(found: Rounds, mixed: Mixed) -> int:
    taps = pooled(*(one.taps for one in found.rounds), mixed.load)
    counted = integrity(taps.log)
    if any(found.tap_cpu.values()):
        emit(
            "checkin_cpu",
            "check-in: CPU per tap by process, ms (the floor's per request)",
            sum(found.tap_cpu.values()),
            "ms",
            ratio=f"{sum(found.tap_cpu.values()) / max(sum(found.floor_cpu.values()), 1e-9):.2f}"
            "× floor",
            detail=cpu_in_words(found.tap_cpu, found.floor_cpu),
        )
    floor_all = pooled(*found.floors)
    emit(
        "floor_load",
        f"floor, gunicorn, {CLIENTS} clients: requests/s (p95), before, between and after the "
        "rounds of taps",
        floor_all.rate,
        "req/s",
        p95=round(floor_all.latencies.p95_ms, 1),
        errors=len(floor_all.latencies.seconds) - floor_all.ok,
        detail=", ".join(f"{one.rate:.0f}" for one in found.floors),
    )
    by_rate = found.median(lambda one: one.ratio)
    emit(
        "checkin_blocks",
        f"check-in taps, gunicorn, {CLIENTS} clients: taps/s, the median of "
        f"{len(found.rounds)} rounds (each beside the floor run before and after it)",
        by_rate.taps.rate,
        "taps/s",
        ratio=f"{by_rate.ratio:.2f}× floor (rounds: {found.each(lambda one: one.ratio, '.2f')})",
        elapsed=round(by_rate.taps.elapsed, 2),
    )
    tap_ms = statistics.fmean(mixed.taps) * 1000
    floor_ms = statistics.fmean(mixed.floors) * 1000
    emit(
        "checkin_rate",
        f"check-in rate as a share of the floor's, {CLIENTS} clients each tapping with a floor "
        "request after every tap: the floor's mean time in the application ÷ the tap's",
        mixed.ratio,
        "×",
        f"≥ {CHECKIN_RATE_RATIO:g}× floor",
        mixed.ratio >= CHECKIN_RATE_RATIO,
        ratio=f"{mixed.ratio:.2f}× floor",
        detail=f"tap {tap_ms:.2f} ms, floor {floor_ms:.2f} ms (means of {len(mixed.taps)} and "
        f"{len(mixed.floors)})",
        taps=counted.taps,
    )
    by_p95 = found.median(lambda one: one.p95_ratio)
    emit(
        "checkin_p95",
        f"check-in tap latency, {CLIENTS} clients, p95 (p50), the median of "
        f"{len(found.rounds)} rounds",
        by_p95.taps.latencies.p95_ms,
        "ms",
        f"≤ {CHECKIN_P95_RATIO:g}× floor p95",
        by_p95.p95_ratio <= CHECKIN_P95_RATIO,
        p50=round(by_p95.taps.latencies.p50_ms, 1),
        ratio=f"{by_p95.p95_ratio:.1f}× floor p95 (rounds: "
        f"{found.each(lambda one: one.p95_ratio, '.1f')})",
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
