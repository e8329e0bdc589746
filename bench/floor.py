"""The in-process floor for the benchmarks that call the project's services directly (the
import, the hand-over): one ``UPDATE`` of one row through the ORM, in the same process, on the
same database — the least a service call can do. Measured just before and just after what it is
compared with (pooled), so both meet the same machine (issue 20 point 1)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

RUNS = 15  # each side of a measurement


def orm_update(user: Any) -> Callable[[], None]:
    """One UPDATE of the user's own row (their last sign-in time)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    model = get_user_model()

    def call() -> None:
        model.objects.filter(pk=user.pk).update(last_login=timezone.now())

    return call


def timed(call: Callable[[], object], runs: int = RUNS) -> list[float]:
    found = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        found.append(time.perf_counter() - started)
    return found


class Beside:
    """The floor's p50 from its runs just before and just after a measurement::

    with Beside(floor) as beside:
        ... the measurement ...
    beside.p50  # seconds
    """

    def __init__(self, floor: Callable[[], object]) -> None:
        self.floor = floor
        self.samples: list[float] = []

    def __enter__(self) -> Beside:
        self.floor()  # warm
        self.samples += timed(self.floor)
        return self

    def __exit__(self, *exc: object) -> None:
        self.samples += timed(self.floor)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)
