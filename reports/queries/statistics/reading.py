"""What both counts read with the ORM: the period's landings (``inbound``), the step events
that stand (``events``), every leg of some cases (``legs``) with the first connection from the
port and why a connection was missed (``misconnect_cause``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import Coalesce
from django.db.models.lookups import GreaterThanOrEqual

from arrivals.models import Flight, Segment, StepEvent
from cases.models import Case
from poe_ops.models import Port
from reports.queries.periods import Period
from reports.queries.statistics.definitions import (
    CBP_TIME,
    INBOUND_LATE,
    LATE_MINUTES,
    ONWARD_DISRUPTED,
    OUTCOME_DAYS,
)


def landed() -> Coalesce:
    return Coalesce(
        "flight__actual_arrival", "flight__estimated_arrival", "flight__scheduled_arrival"
    )


def within(ports: Iterable[Port], period: Period, port_field: str, when: str) -> Q:
    """Rows whose ``when`` falls in the period as ``port_field``'s port counts it."""
    condition = Q(pk__in=[])
    bounds = [period.bounds(port) for port in ports]
    for port, (start, end) in zip(ports, bounds, strict=True):
        condition |= Q(**{port_field: port.pk, f"{when}__gte": start, f"{when}__lt": end})
    if bounds:  # the whole span too, so that an index on ``when`` is read over that span only
        span = {f"{when}__gte": min(b[0] for b in bounds), f"{when}__lt": max(b[1] for b in bounds)}
        condition &= Q(**span)
    return condition


def effective(queryset: QuerySet[StepEvent]) -> QuerySet[StepEvent]:
    """Step events that stand: accepted, not an undo, and not undone."""
    return queryset.filter(accepted=True, undoes__isnull=True, undone_by__isnull=True)


def inbound(ports: Sequence[Port], period: Period) -> QuerySet[Segment]:
    return (
        Segment.objects.filter(direction=Segment.Direction.INBOUND, replaced_by__isnull=True)
        .exclude(flight__status=Flight.Status.CANCELLED)
        .exclude(case__status=Case.Status.CANCELLED)
        .annotate(landed=landed())
        .filter(within(ports, period, "flight__port_id", "landed"))
    )


_FULL = ("departs", "flight__status", "left_late", "landed_late")


@dataclass
class Leg:
    segment_id: int
    case_id: int
    direction: str
    replaced: bool
    origin: str
    # Whether its flight has a scheduled departure, and (``onward_only``) which: the legs come in
    # its order, so the misconnections' causes read no times at all.
    departs: bool
    scheduled_departure: dt.datetime | None
    status: str
    # Its flight left (or landed) LATE_MINUTES or more after its schedule: told by PostgreSQL,
    # so that only one time of each leg is read (misconnections' causes; not ``onward_only``).
    left_late: bool
    landed_late: bool
    people: set[int]

    def carries(self, individual_id: int) -> bool:
        return not self.people or individual_id in self.people


def _later_than_scheduled(scheduled: str, *latest: str) -> GreaterThanOrEqual:
    """Whether the flight's latest known time is LATE_MINUTES or more after ``scheduled``
    (NULL, so false, without a schedule)."""
    return GreaterThanOrEqual(
        Coalesce(*latest, scheduled) - F(scheduled), dt.timedelta(minutes=LATE_MINUTES)
    )


def legs(cases: Q, *, onward_only: bool = False) -> dict[int, list[Leg]]:
    """Every segment of the ``cases`` (a condition on segments), replaced ones included (as
    first booked), with their flights' schedules and whether they were late; ``onward_only``:
    the onward ones with their departure only (all a transit needs — the misconnections'
    causes read the rest). Two queries."""
    segments = Segment.objects.filter(cases)
    if onward_only:
        segments = segments.filter(direction=Segment.Direction.ONWARD)
    else:
        segments = segments.annotate(
            departs=ExpressionWrapper(
                Q(flight__scheduled_departure__isnull=False), output_field=BooleanField()
            ),
            left_late=_later_than_scheduled(
                "flight__scheduled_departure",
                "flight__actual_departure",
                "flight__estimated_departure",
            ),
            landed_late=_later_than_scheduled(
                "flight__scheduled_arrival", "flight__actual_arrival", "flight__estimated_arrival"
            ),
        )
    named: dict[int, set[int]] = defaultdict(set)
    for segment_id, individual_id in Segment.individuals.through.objects.filter(
        segment__in=segments.values("pk")
    ).values_list("segment_id", "individual_id"):
        named[segment_id].add(individual_id)
    fields = ["pk", "case_id", "direction", "replaced_by_id", "flight__origin"]
    fields += ["flight__scheduled_departure"] if onward_only else _FULL
    legs: dict[int, list[Leg]] = defaultdict(list)
    rows = segments.values_list(*fields).order_by("flight__scheduled_departure", "pk")
    for pk, case_id, direction, replaced_by, origin, *rest in rows:
        if onward_only:
            (scheduled,) = rest
            departs, status, left_late, landed_late = scheduled is not None, "", False, False
        else:
            scheduled = None
            departs, status, left_late, landed_late = rest
        legs[case_id].append(
            Leg(
                pk,
                case_id,
                direction,
                replaced_by is not None,
                origin,
                departs,
                scheduled,
                status,
                bool(left_late),
                bool(landed_late),
                named[pk],
            )
        )
    return legs


def first_connection(legs: Sequence[Leg], individual_id: int, iata: str) -> Leg | None:
    """The first domestic flight out of ``iata`` the person was booked on (rebooked or not): the
    first such leg, as ``legs`` come in the order of their scheduled departures."""
    return next(
        (
            leg
            for leg in legs
            if leg.direction == Segment.Direction.ONWARD
            and leg.origin == iata
            and leg.carries(individual_id)
            and leg.departs
        ),
        None,
    )


def misconnect_cause(legs: Sequence[Leg], individual_id: int, iata: str) -> str:
    """Why the person missed their connection at ``iata``: the onward flight (cancelled or
    delayed) comes first, then an inbound flight that landed late, else the time in CBP."""
    connection = first_connection(legs, individual_id, iata)
    if connection is not None and (
        connection.status == Flight.Status.CANCELLED
        or connection.status == Flight.Status.DELAYED
        or connection.left_late
    ):
        return ONWARD_DISRUPTED
    inbound = [
        leg
        for leg in legs
        if leg.direction == Segment.Direction.INBOUND and leg.carries(individual_id)
    ]
    if any(leg.landed_late for leg in inbound if not leg.replaced):
        return INBOUND_LATE
    return CBP_TIME


def _standing_in_order(queryset: QuerySet[StepEvent], steps: Iterable[str]) -> QuerySet[StepEvent]:
    return effective(queryset.filter(to_step__in=list(steps))).order_by("at", "pk")


def events(
    queryset: QuerySet[StepEvent], steps: Iterable[str]
) -> list[tuple[int, int, str, int, dt.datetime]]:
    """The events of ``steps`` that stand, in the order they happened: who, their case, the
    step, where and when."""
    return list(
        _standing_in_order(queryset, steps).values_list(
            "individual_id", "individual__case_id", "to_step", "port_id", "at"
        )
    )


def who_and_where(
    queryset: QuerySet[StepEvent], steps: Iterable[str]
) -> list[tuple[int, int, str, int]]:
    """As ``events``, without when (a year's misconnections: no time read)."""
    return list(
        _standing_in_order(queryset, steps).values_list(
            "individual_id", "individual__case_id", "to_step", "port_id"
        )
    )


def minutes_between(later: dt.datetime, earlier: dt.datetime) -> float:
    return (later - earlier).total_seconds() / 60


def searched_until(ports: Sequence[Port], period: Period) -> dt.datetime:
    """A person's first hand-over or departure counts when it came before this: OUTCOME_DAYS
    after the period's end."""
    return max(period.bounds(p)[1] for p in ports) + dt.timedelta(days=OUTCOME_DAYS)
