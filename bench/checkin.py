"""The check-in load shared by the surge benchmark and its scale run: clients posting the floor,
clients tapping their own families through the arrival steps as the tablet does, and the count
in the database afterwards of what was lost or doubled."""

from __future__ import annotations

import json
import os
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.load import LoadResult, Session
from bench.report import emit

CLIENTS = 32
WORKERS = int(os.environ.get("BENCH_GUNICORN_WORKERS", "3"))  # as the Dockerfile runs it
# Issue 20: the check-in's verdicts, ratios to the floor measured beside it.
CHECKIN_RATE_RATIO = 0.5  # taps/s ≥ 0.5× the floor's requests/s, 32 clients each
CHECKIN_P95_RATIO = 2.5  # tap p95 ≤ 2.5× the floor's p95 at 32 clients


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


def checkin_task(
    sessions: list[Session],
    expected: dict[int, list[tuple[int, int]]],
    people_per_client: int,
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


def report_checkin(checkin: LoadResult, floor_load: LoadResult) -> int:
    counted = integrity(checkin.log)
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
