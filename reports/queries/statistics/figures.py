"""The figures of a period: each port's (``PortFigures``), all together, the breakdowns, and what
either count of the people returns (``Arrivals``)."""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from poe_ops.models import Port
from reports.queries.periods import Period
from reports.queries.statistics.definitions import HANDOVER_BUCKETS


@dataclass
class Spread:
    """Minutes from landing: how many, the median and the 90th percentile."""

    count: int = 0
    median: float | None = None
    p90: float | None = None

    @classmethod
    def of(cls, minutes: Sequence[float]) -> Spread:
        values = sorted(minutes)
        return cls(len(values), percentile(values, 0.5), percentile(values, 0.9))


def percentile(ordered: Sequence[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of the sorted ``ordered`` by linear interpolation (as
    PostgreSQL's ``percentile_cont``); None when there are none."""
    if not ordered:
        return None
    rank = fraction * (len(ordered) - 1)
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def spreads_of(
    minutes: Mapping[tuple[int, str], Sequence[float]],
) -> dict[tuple[int | None, str], Spread]:
    """Each (port, step)'s spread of minutes, and each step's at all the ports (None)."""
    spreads: dict[tuple[int | None, str], Spread] = {}
    pooled: dict[str, list[float]] = {}
    for (port_id, step), values in minutes.items():
        spreads[(port_id, step)] = Spread.of(values)
        pooled.setdefault(step, []).extend(values)
    for step, values in pooled.items():
        spreads[(None, step)] = Spread.of(values)
    return spreads


def bucket_counts(minutes: Sequence[float]) -> list[int]:
    """How many of ``minutes`` fall in each of ``HANDOVER_BUCKETS``: found by bisecting them
    sorted."""
    ordered = sorted(minutes)
    below = [bisect_left(ordered, upper) for upper, _label in HANDOVER_BUCKETS if upper is not None]
    below.append(len(ordered))
    return [n - (below[k - 1] if k else 0) for k, n in enumerate(below)]


@dataclass
class PortFigures:
    """One port's figures of the period (or, with ``port=None``, all of them together)."""

    port: Port | None
    people: int = 0
    cases: int = 0
    no_shows: int = 0
    transits: int = 0
    same_day: int = 0
    misconnections: int = 0
    hospital: int = 0
    minors: dict[str, int] = field(default_factory=dict)
    room_nights: int = 0
    hotel_cost: Decimal = Decimal("0")
    meal_cost: Decimal = Decimal("0")
    ground_cost: Decimal = Decimal("0")
    staff_hours: Decimal = Decimal("0")
    incidents: int = 0
    to_handover: Spread = field(default_factory=Spread)
    to_departure: Spread = field(default_factory=Spread)

    @property
    def name(self) -> str:
        return self.port.iata if self.port else "All ports"

    @property
    def cost(self) -> Decimal:
        return self.hotel_cost + self.meal_cost + self.ground_cost

    @property
    def cost_per_case(self) -> Decimal | None:
        return (self.cost / self.cases).quantize(Decimal("0.01")) if self.cases else None

    @property
    def people_per_staff_hour(self) -> Decimal | None:
        if not self.staff_hours:
            return None
        return (Decimal(self.people) / self.staff_hours).quantize(Decimal("0.01"))


@dataclass
class Row:
    """A line of a breakdown: a label and how many people and cases."""

    label: str
    people: int
    cases: int


@dataclass
class Statistics:
    period: Period
    ports: list[Port]
    by_port: list[PortFigures]
    total: PortFigures
    breakdowns: dict[str, list[Row]]
    causes: list[tuple[str, str, int]]  # (code, label, people)
    incidents: list[tuple[str, str, str, int]]  # (port, category label, severity label, count)
    daily: dict[str, list[int]]  # port → people arrived each day of the period
    handover_buckets: dict[str, list[int]]  # port → hand-overs in each of HANDOVER_BUCKETS

    @property
    def empty(self) -> bool:
        return not self.total.people and not self.total.no_shows and not self.total.incidents


@dataclass
class Arrivals:
    """What is counted person by person over the people who landed in the period, whichever way
    it is counted (``sql_count``, ``python_count``). The rest of each port's figures
    (misconnections, hotels, costs, hours, incidents) are read the same way on every database."""

    people: dict[int, int]  # port → people arrived
    cases: dict[int, int]  # port → cases that arrived
    no_shows: dict[int, int]
    transits: dict[int, int]
    same_day: dict[int, int]
    minors: dict[int, dict[str, int]]  # port → minor_counts
    total_cases: int
    total_minors: dict[str, int]
    daily: dict[int, dict[dt.date, int]]  # port → local day → people arrived
    breakdowns: dict[str, list[Row]]
    # (port, step) → the minutes from landing to the step; (None, step) for all the ports.
    spreads: dict[tuple[int | None, str], Spread]
    handover_buckets: dict[int, list[int]]  # port → hand-overs in each of HANDOVER_BUCKETS


def sum_figures(rows: Sequence[PortFigures]) -> PortFigures:
    total = PortFigures(None)
    for row in rows:
        for name in (
            "people",
            "no_shows",
            "transits",
            "same_day",
            "misconnections",
            "hospital",
            "room_nights",
            "hotel_cost",
            "meal_cost",
            "ground_cost",
            "staff_hours",
            "incidents",
        ):
            setattr(total, name, getattr(total, name) + getattr(row, name))
    return total


def as_mapping(stats: Statistics) -> Mapping[str, Any]:
    """The headline totals by name (the monthly report's text, the tests)."""
    t = stats.total
    return {
        "people": t.people,
        "cases": t.cases,
        "no_shows": t.no_shows,
        "transits": t.transits,
        "same_day": t.same_day,
        "misconnections": t.misconnections,
        "hospital": t.hospital,
        "room_nights": t.room_nights,
        "cost": t.cost,
        "incidents": t.incidents,
    }
