"""The figures of a period over a set of ports: what ``/statistics/``, its downloads, its charts
and the monthly report read. Nothing is written; a fixed number of queries whatever the period.

The people of the period (arrivals, cases, no-shows, transits, minors, the breakdowns, arrivals
per day, the minutes from landing) are counted person by person. On PostgreSQL the database
counts them (``_count_in_sql``: one query that returns a few thousand rows for a year at seven
ports, not the 100,000 people in it); elsewhere (the demo's SQLite) they are read and counted
here (``_count_in_python``). Both follow the definitions below, and the tests hold them to the
same figures (``tests/test_statistics_sql.py``). The rest (misconnections, hotels, costs, hours,
incidents) is a few hundred rows, read the same way on every database.

What is counted, and where (the definitions are on the page too, ``DEFINITIONS``):

- **Arrivals** are people whose current inbound flight (a segment not replaced by a rebooking,
  on a flight not cancelled, of a case not cancelled, the person still on the ABN) landed at a
  port in the period — landed meaning its actual arrival, else its estimate, else its schedule,
  counted in the *port's* local days (``periods``). A person counts at the port their flight
  landed at, not the case's port today: a case moved to another port after it arrived stays
  where it arrived, and one moved before it flew counts where it then landed. They count once
  they are past "expected" (met, or anything after); still "expected", "no-show" or "rebooked"
  (coming on another flight) they have not arrived.
- **No-shows**: people on those flights whose step is "no-show".
- **Transits** are arrivals whose case was booked on a domestic flight out of the port; a
  **same-day connection** is one whose first booked departure from the port (as first booked,
  before any rebooking) was on the local day they landed.
- **Misconnections** are people marked "needs rebooking" at the port in the period (a step not
  undone). Their cause (``misconnect_cause``) is read from their first booked connection and
  their inbound flight: the onward flight cancelled or delayed; else the inbound flight landed
  late; else the time went in CBP and the airport.
- **Hospital cases**: people taken to hospital at the port in the period.
- **Minors**: arrivals who are URM or separated minors (programme status, ``cases.models``), and
  those whose ticket carries the airline's UMNR code (``cases.ssr``) — not the same thing.
- **Hotel nights**: room-nights of bookings (not cancelled) at the port's hotels that fall in the
  period; a stay that runs past the month's end counts its nights in each month.
- **Costs**: hotel, meals and ground transport at the port's vendors, each booking counted in
  the period of its check-in or pick-up (as the port's monthly costs CSV does); cost per case is
  that total over the cases that arrived.
- **Staff hours**: hours and overtime on timesheets submitted or approved, for days in the
  period.
- **Incidents**: reports submitted (not drafts) that happened in the period, those the reader
  counts (``reports.queries.incidents.counted``: those they may see, and every one at the ports
  they supervise or are HQ of — by category and severity only, never a report).
- **Time from landing** to hand-over and to departure: from the flight's landing to the person's
  "handed over" or "departed" step, median and 90th percentile per port (percentiles by linear
  interpolation, as PostgreSQL's ``percentile_cont``).

``URM_STATUSES`` and ``minor_counts`` are the one place minors are counted, should the programme
statuses change (``_count_in_sql`` counts the same ``URM_STATUSES`` and ``UMNR``). A breakdown
lists its values by people, most first, then by name."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django_countries import countries

from arrivals.models import Flight, Segment, StepEvent
from cases.models import (
    Case,
    GroundTransportBooking,
    HotelBooking,
    ImmigrationCategory,
    Individual,
    ProgrammeStatus,
    ResettlementAgency,
)
from cases.steps import ArrivalStep
from poe_ops.languages import language_name
from poe_ops.models import Port, ReviewStatus
from reports.models import IncidentCategory, IncidentReport, IncidentSeverity
from reports.queries.periods import Period
from staffing.models import TimesheetEntry

Step = ArrivalStep

# Not (yet) arrived: still expected, not coming, or coming on another flight.
NOT_ARRIVED = frozenset({Step.EXPECTED, Step.NO_SHOW, Step.REBOOKED})
# A flight is late (and so is a departure) from this many minutes after its schedule: the U.S.
# DOT's on-time measure.
LATE_MINUTES = 15
# A hand-over or departure later than this after the period is not looked for.
OUTCOME_DAYS = 14
# The longest hotel stay a booking may have (HotelBooking.nights).
LONGEST_STAY = 30
# PostgreSQL's memory for sorting and grouping while counting a period (the default 4 MB spills
# a year of people to temporary files).
WORK_MEM = "64MB"

ONWARD_DISRUPTED = "onward"
INBOUND_LATE = "inbound"
CBP_TIME = "cbp"
CAUSES = {
    INBOUND_LATE: "Inbound flight landed late",
    ONWARD_DISRUPTED: "Onward flight delayed or cancelled",
    CBP_TIME: "Time in CBP and the airport",
}
URM_STATUSES = {
    ProgrammeStatus.URM: "URM",
    ProgrammeStatus.SEPARATED: "Separated minor",
}
UMNR = "UMNR"
NO_AGENCY = "No agency on the ABN"
NOT_GIVEN = "Not given"


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
    handover_minutes: dict[str, list[float]]  # port → each hand-over's minutes from landing

    @property
    def empty(self) -> bool:
        return not self.total.people and not self.total.no_shows and not self.total.incidents


# --- Reading ----------------------------------------------------------------------------------


def _landed() -> Coalesce:
    return Coalesce(
        "flight__actual_arrival", "flight__estimated_arrival", "flight__scheduled_arrival"
    )


def _within(ports: Iterable[Port], period: Period, port_field: str, when: str) -> Q:
    """Rows whose ``when`` falls in the period as ``port_field``'s port counts it."""
    condition = Q(pk__in=[])
    bounds = [period.bounds(port) for port in ports]
    for port, (start, end) in zip(ports, bounds, strict=True):
        condition |= Q(**{port_field: port.pk, f"{when}__gte": start, f"{when}__lt": end})
    if bounds:  # the whole span too, so that an index on ``when`` is read over that span only
        span = {f"{when}__gte": min(b[0] for b in bounds), f"{when}__lt": max(b[1] for b in bounds)}
        condition &= Q(**span)
    return condition


def _effective(queryset: QuerySet[StepEvent]) -> QuerySet[StepEvent]:
    """Step events that stand: accepted, not an undo, and not undone."""
    return queryset.filter(accepted=True, undoes__isnull=True, undone_by__isnull=True)


def _inbound(ports: Sequence[Port], period: Period) -> QuerySet[Segment]:
    return (
        Segment.objects.filter(direction=Segment.Direction.INBOUND, replaced_by__isnull=True)
        .exclude(flight__status=Flight.Status.CANCELLED)
        .exclude(case__status=Case.Status.CANCELLED)
        .annotate(landed=_landed())
        .filter(_within(ports, period, "flight__port_id", "landed"))
    )


@dataclass
class _Person:
    pk: int
    case_id: int
    port_id: int
    landed: dt.datetime
    step: str
    nationality: str
    language: str
    category: str
    programme: str
    ssr: list[str]
    agency: str


def _people(inbound: QuerySet[Segment]) -> list[_Person]:
    """Everyone on the ``inbound`` segments, each once (at their first landing). Three
    queries."""
    segments = list(inbound.values_list("pk", "case_id", "flight__port_id", "landed"))  # type: ignore[misc]
    named: dict[int, set[int]] = defaultdict(set)
    for segment_id, individual_id in Segment.individuals.through.objects.filter(
        segment_id__in=inbound.values("pk")
    ).values_list("segment_id", "individual_id"):
        named[segment_id].add(individual_id)
    rows = (
        Individual.objects.filter(
            case_id__in=inbound.values("case_id"), removed_in_version__isnull=True
        )
        .exclude(case__status=Case.Status.CANCELLED)
        .values_list(
            "pk",
            "case_id",
            "current_step",
            "nationality",
            "primary_language",
            "immigration_category",
            "programme_status",
            "ssr_codes",
            "case__agency__code",
        )
    )
    by_case: dict[int, list[tuple[int, int, dt.datetime]]] = defaultdict(list)
    for segment_id, case_id, port_id, landed in segments:
        by_case[case_id].append((segment_id, port_id, landed))
    people = []
    for pk, case_id, step, nationality, language, category, programme, ssr, agency in rows:
        landings = [
            (landed, port_id)
            for segment_id, port_id, landed in by_case[case_id]
            if not named[segment_id] or pk in named[segment_id]
        ]
        if not landings:
            continue
        landed, port_id = min(landings)
        people.append(
            _Person(
                pk,
                case_id,
                port_id,
                landed,
                step,
                str(nationality or ""),
                language,
                category,
                programme,
                list(ssr or []),
                agency or "",
            )
        )
    return people


@dataclass
class _Leg:
    segment_id: int
    case_id: int
    direction: str
    replaced: bool
    origin: str
    scheduled_departure: dt.datetime | None
    latest_departure: dt.datetime | None
    status: str
    scheduled_arrival: dt.datetime | None
    landed: dt.datetime | None
    people: set[int]

    def carries(self, individual_id: int) -> bool:
        return not self.people or individual_id in self.people


_FULL = (
    "flight__estimated_departure",
    "flight__actual_departure",
    "flight__status",
    "flight__scheduled_arrival",
    "flight__estimated_arrival",
    "flight__actual_arrival",
)


def _legs(cases: Q, *, onward_only: bool = False) -> dict[int, list[_Leg]]:
    """Every segment of the ``cases`` (a condition on segments), replaced ones included (as
    first booked), with their flights' times; ``onward_only``: the onward ones with their
    departure only (all a transit needs — the misconnections' causes read the rest). Two
    queries."""
    segments = Segment.objects.filter(cases)
    if onward_only:
        segments = segments.filter(direction=Segment.Direction.ONWARD)
    named: dict[int, set[int]] = defaultdict(set)
    for segment_id, individual_id in Segment.individuals.through.objects.filter(
        segment__in=segments
    ).values_list("segment_id", "individual_id"):
        named[segment_id].add(individual_id)
    fields = ["pk", "case_id", "direction", "replaced_by_id", "flight__origin"]
    fields += ["flight__scheduled_departure", *(() if onward_only else _FULL)]
    legs: dict[int, list[_Leg]] = defaultdict(list)
    for row in segments.values(*fields).order_by("flight__scheduled_departure", "pk"):
        get = row.get
        legs[row["case_id"]].append(
            _Leg(
                row["pk"],
                row["case_id"],
                row["direction"],
                row["replaced_by_id"] is not None,
                row["flight__origin"],
                row["flight__scheduled_departure"],
                get("flight__actual_departure")
                or get("flight__estimated_departure")
                or row["flight__scheduled_departure"],
                get("flight__status", ""),
                get("flight__scheduled_arrival"),
                get("flight__actual_arrival")
                or get("flight__estimated_arrival")
                or get("flight__scheduled_arrival"),
                named[row["pk"]],
            )
        )
    return legs


def first_connection(legs: Sequence[_Leg], individual_id: int, iata: str) -> _Leg | None:
    """The first domestic flight out of ``iata`` the person was booked on (rebooked or not)."""
    out = [
        leg
        for leg in legs
        if leg.direction == Segment.Direction.ONWARD
        and leg.origin == iata
        and leg.carries(individual_id)
        and leg.scheduled_departure is not None
    ]
    return min(out, key=lambda leg: leg.scheduled_departure or dt.datetime.max) if out else None


def _late(scheduled: dt.datetime | None, latest: dt.datetime | None) -> bool:
    if scheduled is None or latest is None:
        return False
    return latest - scheduled >= dt.timedelta(minutes=LATE_MINUTES)


def misconnect_cause(legs: Sequence[_Leg], individual_id: int, iata: str) -> str:
    """Why the person missed their connection at ``iata``: the onward flight (cancelled or
    delayed) comes first, then an inbound flight that landed late, else the time in CBP."""
    connection = first_connection(legs, individual_id, iata)
    if connection is not None and (
        connection.status == Flight.Status.CANCELLED
        or connection.status == Flight.Status.DELAYED
        or _late(connection.scheduled_departure, connection.latest_departure)
    ):
        return ONWARD_DISRUPTED
    inbound = [
        leg
        for leg in legs
        if leg.direction == Segment.Direction.INBOUND and leg.carries(individual_id)
    ]
    if any(_late(leg.scheduled_arrival, leg.landed) for leg in inbound if not leg.replaced):
        return INBOUND_LATE
    return CBP_TIME


def _events(
    queryset: QuerySet[StepEvent], steps: Iterable[str]
) -> list[tuple[int, int, str, int, dt.datetime]]:
    return list(
        _effective(queryset.filter(to_step__in=list(steps)))
        .order_by("at", "pk")
        .values_list("individual_id", "individual__case_id", "to_step", "port_id", "at")
    )


def _minutes(later: dt.datetime, earlier: dt.datetime) -> float:
    return (later - earlier).total_seconds() / 60


def _nights_within(check_in: dt.date, nights: int, period: Period) -> int:
    first = max(check_in, period.first)
    after = min(check_in + dt.timedelta(days=nights), period.last + dt.timedelta(days=1))
    return max((after - first).days, 0)


def _breakdown(people: Sequence[_Person], key: Callable[[_Person], str],
               label: Callable[[str], str]) -> list[Row]:  # fmt: skip
    """People and cases by ``key``, each key named once by ``label`` (a country's or a
    language's name is looked up per value, not per person)."""
    persons: Counter[str] = Counter()
    cases: dict[str, set[int]] = defaultdict(set)
    for person in people:
        value = key(person)
        persons[value] += 1
        cases[value].add(person.case_id)
    named: Counter[str] = Counter()
    named_cases: dict[str, set[int]] = defaultdict(set)
    for value, count in persons.items():
        name = label(value)
        named[name] += count
        named_cases[name] |= cases[value]
    rows = [Row(name, count, len(named_cases[name])) for name, count in named.items()]
    return sorted(rows, key=lambda row: (-row.people, row.label))


def _category(value: str) -> str:
    if value in ImmigrationCategory.values:
        return str(ImmigrationCategory(value).label)
    return value or NOT_GIVEN


# key: (title, the person's value, that value in words)
BREAKDOWNS: dict[str, tuple[str, Callable[[_Person], str], Callable[[str], str]]] = {
    "agency": ("Resettlement agency", lambda p: p.agency, lambda v: v or NO_AGENCY),
    "nationality": (
        "Nationality",
        lambda p: p.nationality,
        lambda v: str(countries.name(v)) if v else NOT_GIVEN,
    ),
    "language": (
        "Language",
        lambda p: p.language,
        lambda v: language_name(v) or v or NOT_GIVEN,
    ),
    "category": ("Immigration category", lambda p: p.category, _category),
}


MINORS = (URM_STATUSES[ProgrammeStatus.URM], URM_STATUSES[ProgrammeStatus.SEPARATED], UMNR)


def minor_counts(people: Iterable[_Person]) -> dict[str, int]:
    """Arrivals who are URM or separated minors, and those with the airline's UMNR code."""
    counts = dict.fromkeys(MINORS, 0)
    for person in people:
        if person.programme in URM_STATUSES:
            counts[URM_STATUSES[ProgrammeStatus(person.programme)]] += 1
        if UMNR in person.ssr:
            counts[UMNR] += 1
    return counts


@dataclass
class _Arrivals:
    """What is counted person by person over the people who landed in the period, whichever way
    it is counted (``_count_in_sql``, ``_count_in_python``). The rest of each port's figures
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
    minutes: dict[tuple[int, str], list[float]]  # (port, step) → minutes from landing, sorted


# How the people of a period are counted: "sql" (PostgreSQL, grouped in the database) or
# "python" (the rows counted here: the demo's SQLite, and the test that holds the two together).
SQL, PYTHON = "sql", "python"


def counting_for(vendor: str) -> str:
    return SQL if vendor == "postgresql" else PYTHON


def build_statistics(
    ports: Iterable[Port],
    period: Period,
    *,
    incidents: Q | None = None,
    counting: str | None = None,
) -> Statistics:
    """The period's figures at ``ports`` (already scoped by the caller). ``incidents`` narrows
    the incident reports counted to those the reader counts (``counted``); None counts every
    submitted report (the monthly report for an office's HQ). ``counting`` (``SQL`` or
    ``PYTHON``) says how the people are counted; by default in SQL on PostgreSQL — the same
    figures either way."""
    ports = sorted(ports, key=lambda p: p.iata)
    by_id = {port.pk: port for port in ports}
    figures = {port.pk: PortFigures(port) for port in ports}
    how = counting or counting_for(connection.vendor)
    if how == SQL and ports:
        arrivals = _count_in_sql(ports, period)
    else:
        arrivals = _count_in_python(ports, period)
    days = {day: n for n, day in enumerate(period.day_list())}
    daily = {port.iata: [0] * period.days for port in ports}
    for port in ports:
        row = figures[port.pk]
        row.people = arrivals.people.get(port.pk, 0)
        row.cases = arrivals.cases.get(port.pk, 0)
        row.no_shows = arrivals.no_shows.get(port.pk, 0)
        row.transits = arrivals.transits.get(port.pk, 0)
        row.same_day = arrivals.same_day.get(port.pk, 0)
        row.minors = arrivals.minors.get(port.pk) or minor_counts([])
        for day, count in arrivals.daily.get(port.pk, {}).items():
            if day in days:
                daily[port.iata][days[day]] += count
    minutes = arrivals.minutes

    # The misconnected and why; the hospital cases.
    troubles = _events(
        StepEvent.objects.filter(_within(ports, period, "port_id", "at")),
        [Step.NEEDS_REBOOKING, Step.HOSPITAL],
    )
    missed = {row[1] for row in troubles if row[2] == Step.NEEDS_REBOOKING}
    legs = _legs(Q(case_id__in=list(missed))) if missed else {}
    causes: Counter[str] = Counter()
    counted: set[tuple[str, int]] = set()
    for individual_id, case_id, step, port_id, _at in troubles:
        if (step, individual_id) in counted:
            continue
        counted.add((step, individual_id))
        if step == Step.HOSPITAL:
            figures[port_id].hospital += 1
        else:
            figures[port_id].misconnections += 1
            causes[misconnect_cause(legs.get(case_id, []), individual_id, by_id[port_id].iata)] += 1

    # From landing to hand-over and departure.
    for port in ports:
        figures[port.pk].to_handover = Spread.of(minutes.get((port.pk, Step.HANDED_OVER), []))
        figures[port.pk].to_departure = Spread.of(minutes.get((port.pk, Step.DEPARTED), []))

    # Hotel nights and costs, at the port's vendors.
    for check_in, nights, rooms, cost, meals, port_id in (
        HotelBooking.objects.filter(
            vendor__port__in=ports,
            check_in__gte=period.first - dt.timedelta(days=LONGEST_STAY),
            check_in__lte=period.last,
        )
        .exclude(status=HotelBooking.Status.CANCELLED)
        .values_list("check_in", "nights", "rooms", "cost", "meal_cost", "vendor__port_id")
    ):
        figures[port_id].room_nights += _nights_within(check_in, nights, period) * rooms
        if period.first <= check_in <= period.last:
            figures[port_id].hotel_cost += cost
            figures[port_id].meal_cost += meals
    for cost, port_id in (
        GroundTransportBooking.objects.filter(
            _within(ports, period, "vendor__port_id", "pickup_at")
        )
        .exclude(status=GroundTransportBooking.Status.CANCELLED)
        .values_list("cost", "vendor__port_id")
    ):
        figures[port_id].ground_cost += cost

    # Staff hours.
    for hours, overtime, port_id in TimesheetEntry.objects.filter(
        timesheet__port__in=ports,
        timesheet__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED],
        day__gte=period.first,
        day__lte=period.last,
    ).values_list("hours", "overtime", "timesheet__port_id"):
        figures[port_id].staff_hours += hours + overtime

    # Incidents.
    reports = IncidentReport.objects.exclude(status=ReviewStatus.DRAFT).filter(
        _within(ports, period, "port_id", "occurred_at")
    )
    if incidents is not None:
        reports = reports.filter(incidents)
    incident_counts: Counter[tuple[int, str, str]] = Counter(
        reports.values_list("port_id", "category", "severity")
    )
    incident_rows = []
    for (port_id, category, severity), count in sorted(
        incident_counts.items(), key=lambda item: (by_id[item[0][0]].iata, -item[1], item[0][1:])
    ):
        figures[port_id].incidents += count
        incident_rows.append(
            (
                by_id[port_id].iata,
                _label(IncidentCategory, category),
                _label(IncidentSeverity, severity),
                count,
            )
        )

    by_port = [figures[port.pk] for port in ports]
    total = _sum(by_port)
    total.minors = arrivals.total_minors
    total.to_handover = Spread.of(
        [m for (_p, step), values in minutes.items() if step == Step.HANDED_OVER for m in values]
    )
    total.to_departure = Spread.of(
        [m for (_p, step), values in minutes.items() if step == Step.DEPARTED for m in values]
    )
    total.cases = arrivals.total_cases
    return Statistics(
        period=period,
        ports=ports,
        by_port=by_port,
        total=total,
        breakdowns=arrivals.breakdowns,
        causes=[(code, label, causes[code]) for code, label in CAUSES.items()],
        incidents=incident_rows,
        daily=daily,
        handover_minutes={
            port.iata: list(minutes.get((port.pk, Step.HANDED_OVER), [])) for port in ports
        },
    )


def _count_in_python(ports: Sequence[Port], period: Period) -> _Arrivals:
    """The people of the period counted row by row (five queries): the demo's SQLite, and the
    plain count ``_count_in_sql`` is held to in the tests."""
    result = _Arrivals({}, {}, {}, {}, {}, {}, 0, minor_counts([]), {}, {}, {})
    if not ports:
        result.breakdowns = {name: [] for name in BREAKDOWNS}
        return result
    by_id = {port.pk: port for port in ports}
    inbound = _inbound(ports, period)
    everyone = _people(inbound)
    arrived = [p for p in everyone if p.step not in NOT_ARRIVED]
    arrived_ids = {p.pk: p for p in arrived}
    cases_at: dict[int, set[int]] = defaultdict(set)
    for person in everyone:
        if person.step == Step.NO_SHOW:
            result.no_shows[person.port_id] = result.no_shows.get(person.port_id, 0) + 1
        if person.pk not in arrived_ids:
            continue
        result.people[person.port_id] = result.people.get(person.port_id, 0) + 1
        cases_at[person.port_id].add(person.case_id)
        local_day = person.landed.astimezone(by_id[person.port_id].zone).date()
        per_day = result.daily.setdefault(person.port_id, {})
        per_day[local_day] = per_day.get(local_day, 0) + 1
    result.cases = {port_id: len(cases) for port_id, cases in cases_at.items()}
    arrived_at: dict[int, list[_Person]] = defaultdict(list)
    for person in arrived:
        arrived_at[person.port_id].append(person)
    result.minors = {port_id: minor_counts(people) for port_id, people in arrived_at.items()}
    result.total_minors = minor_counts(arrived)
    result.total_cases = len({p.case_id for p in arrived})
    result.breakdowns = {
        name: _breakdown(arrived, key, label) for name, (_t, key, label) in BREAKDOWNS.items()
    }

    # The connection each arrival was booked on.
    onward = _legs(Q(case_id__in=inbound.values("case_id")), onward_only=True)
    for person in arrived:
        if person.case_id not in onward:
            continue
        port = by_id[person.port_id]
        connection = first_connection(onward[person.case_id], person.pk, port.iata)
        if connection is None:
            continue
        result.transits[person.port_id] = result.transits.get(person.port_id, 0) + 1
        assert connection.scheduled_departure is not None
        if connection.scheduled_departure.astimezone(port.zone).date() == (
            person.landed.astimezone(port.zone).date()
        ):
            result.same_day[person.port_id] = result.same_day.get(person.port_id, 0) + 1

    # Looked for from the period's start to OUTCOME_DAYS after its end (the index on ``at``).
    earliest, latest = _searched(ports, period)
    searched = StepEvent.objects.filter(
        individual__case_id__in=inbound.values("case_id"), at__gte=earliest, at__lt=latest
    )
    outcomes = _events(searched, [Step.HANDED_OVER, Step.DEPARTED])
    minutes: dict[tuple[int, str], list[float]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for individual_id, _case_id, step, _port_id, at in outcomes:
        if (individual_id, step) in seen:
            continue
        seen.add((individual_id, step))
        who = arrived_ids.get(individual_id)
        if who is not None and at >= who.landed:
            minutes[(who.port_id, step)].append(_minutes(at, who.landed))
    result.minutes = {key: sorted(values) for key, values in minutes.items()}
    return result


def _searched(ports: Sequence[Port], period: Period) -> tuple[dt.datetime, dt.datetime]:
    """Where hand-overs and departures are looked for: from the period's start to OUTCOME_DAYS
    after its end."""
    earliest = min(period.bounds(p)[0] for p in ports)
    latest = max(period.bounds(p)[1] for p in ports) + dt.timedelta(days=OUTCOME_DAYS)
    return earliest, latest


# --- Counting in the database (PostgreSQL) -------------------------------------------------------
#
# The same definitions as ``_count_in_python``, grouped by PostgreSQL so that a year at seven
# ports returns a few thousand rows, not the hundreds of thousands of people in it. ``person``
# is everyone on a current inbound segment that landed in the period at one of the ports (the
# segment's named people, or all the case's people when it names none), each at their first
# landing; ``arrived`` are those past "expected" (not no-show, not rebooked).

_PEOPLE = """
WITH port (id, start_at, end_at, iata, tz) AS (VALUES {ports}),
landing AS (
    SELECT s.id, s.case_id, f.port_id,
           COALESCE(f.actual_arrival, f.estimated_arrival, f.scheduled_arrival) AS landed,
           EXISTS (SELECT 1 FROM {named} n WHERE n.segment_id = s.id) AS names
    FROM {segment} s
    JOIN {flight} f ON f.id = s.flight_id
    JOIN port p ON p.id = f.port_id
    WHERE s.direction = %(inbound)s AND s.replaced_by_id IS NULL
      AND f.status <> %(flight_cancelled)s
      AND COALESCE(f.actual_arrival, f.estimated_arrival, f.scheduled_arrival) >= p.start_at
      AND COALESCE(f.actual_arrival, f.estimated_arrival, f.scheduled_arrival) < p.end_at
),
case_first AS (
    SELECT DISTINCT ON (case_id) case_id, landed, port_id
    FROM landing WHERE NOT names ORDER BY case_id, landed, port_id
),
named_first AS (
    SELECT DISTINCT ON (n.individual_id) n.individual_id, l.case_id, l.landed, l.port_id
    FROM landing l JOIN {named} n ON n.segment_id = l.id
    WHERE l.names ORDER BY n.individual_id, l.landed, l.port_id
),
first AS (
    SELECT i.id, i.case_id, i.current_step, i.nationality, i.primary_language,
           i.immigration_category, i.programme_status, i.ssr_codes, c.agency_id,
           nf.individual_id IS NULL
             OR (cf.case_id IS NOT NULL AND (cf.landed, cf.port_id) <= (nf.landed, nf.port_id))
             AS by_case,
           cf.landed AS case_landed, cf.port_id AS case_port,
           nf.landed AS named_landed, nf.port_id AS named_port
    FROM (SELECT DISTINCT case_id FROM landing) landed
    JOIN {case} c ON c.id = landed.case_id
    JOIN {individual} i ON i.case_id = landed.case_id
    LEFT JOIN case_first cf ON cf.case_id = i.case_id
    LEFT JOIN named_first nf ON nf.individual_id = i.id AND nf.case_id = i.case_id
    WHERE c.status <> %(case_cancelled)s AND i.removed_in_version IS NULL
      AND (cf.case_id IS NOT NULL OR nf.individual_id IS NOT NULL)
),
person AS MATERIALIZED (
    SELECT first.id, first.case_id,
           CASE WHEN by_case THEN case_port ELSE named_port END AS port_id,
           CASE WHEN by_case THEN case_landed ELSE named_landed END AS landed,
           first.current_step AS step,
           first.current_step <> ALL(%(not_arrived)s) AS arrived,
           COALESCE(first.nationality, '') AS nationality,
           COALESCE(first.primary_language, '') AS language,
           COALESCE(first.immigration_category, '') AS category,
           COALESCE(first.programme_status, '') AS programme,
           COALESCE(first.ssr_codes @> %(umnr)s::jsonb, false) AS umnr,
           COALESCE(a.code, '') AS agency
    FROM first LEFT JOIN {agency} a ON a.id = first.agency_id
)
"""

# Each arrival's first booked departure from the port (rebooked or not) that carries them (a
# segment that names nobody carries the whole case); the day they landed, in the port's time
# zone. Grouped by port, by port and day, by each breakdown's value, and all together.
#
# Then each arrival's first hand-over and departure that stands (accepted, not an undo, not
# undone), looked for from the period's start to OUTCOME_DAYS after its end, in seconds from
# landing: one row each.
_COUNTS = """,
case_out AS (
    SELECT s.case_id, f.origin, min(f.scheduled_departure) AS departs
    FROM {segment} s JOIN {flight} f ON f.id = s.flight_id
    WHERE s.direction = %(onward)s AND f.scheduled_departure IS NOT NULL
      AND s.case_id IN (SELECT case_id FROM landing)
      AND NOT EXISTS (SELECT 1 FROM {named} n WHERE n.segment_id = s.id)
    GROUP BY s.case_id, f.origin
),
person_out AS (
    SELECT n.individual_id, f.origin, min(f.scheduled_departure) AS departs
    FROM {segment} s
    JOIN {flight} f ON f.id = s.flight_id
    JOIN {named} n ON n.segment_id = s.id
    WHERE s.direction = %(onward)s AND f.scheduled_departure IS NOT NULL
      AND s.case_id IN (SELECT case_id FROM landing)
    GROUP BY n.individual_id, f.origin
),
counted AS MATERIALIZED (
    SELECT person.*, (person.landed AT TIME ZONE p.tz)::date AS day, p.tz,
           CASE WHEN person.arrived THEN LEAST(co.departs, po.departs) END AS first_out
    FROM person
    JOIN port p ON p.id = person.port_id
    LEFT JOIN case_out co ON co.case_id = person.case_id AND co.origin = p.iata
    LEFT JOIN person_out po ON po.individual_id = person.id AND po.origin = p.iata
),
outcome AS (
    SELECT e.individual_id, e.to_step, min(e.at) AS at
    FROM {event} e
    WHERE e.to_step = ANY(%(outcomes)s) AND e.at >= %(earliest)s AND e.at < %(latest)s
      AND e.accepted AND e.undoes_id IS NULL
      AND NOT EXISTS (SELECT 1 FROM {event} u WHERE u.undoes_id = e.id)
    GROUP BY e.individual_id, e.to_step
)
SELECT 'port', port_id, NULL::date, NULL::text,
       count(*) FILTER (WHERE arrived), count(DISTINCT case_id) FILTER (WHERE arrived),
       count(*) FILTER (WHERE step = %(no_show)s), count(first_out),
       count(*) FILTER (WHERE (first_out AT TIME ZONE tz)::date = day),
       count(*) FILTER (WHERE arrived AND programme = %(urm)s),
       count(*) FILTER (WHERE arrived AND programme = %(separated)s),
       count(*) FILTER (WHERE arrived AND umnr), NULL::text
FROM counted GROUP BY port_id
UNION ALL
SELECT 'all', NULL, NULL, NULL, NULL, count(DISTINCT case_id), NULL, NULL, NULL,
       count(*) FILTER (WHERE programme = %(urm)s),
       count(*) FILTER (WHERE programme = %(separated)s), count(*) FILTER (WHERE umnr), NULL
FROM counted WHERE arrived
UNION ALL
SELECT 'day', port_id, day, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM counted WHERE arrived GROUP BY port_id, day
{breakdowns}
UNION ALL
SELECT 'outcome', person.port_id, NULL, o.to_step, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, string_agg(EXTRACT(EPOCH FROM o.at - person.landed)::float8::text, ',')
FROM outcome o JOIN person ON person.id = o.individual_id
WHERE person.arrived AND o.at >= person.landed
GROUP BY person.port_id, o.to_step
"""

# People and cases by a breakdown's value (the cases counted per value, then the values').
_BREAKDOWN = """
UNION ALL
SELECT '{column}', NULL, NULL, value, sum(people)::bigint, count(*), NULL, NULL, NULL, NULL,
       NULL, NULL, NULL
FROM (SELECT {column} AS value, case_id, count(*) AS people FROM counted WHERE arrived
      GROUP BY {column}, case_id) per_case
GROUP BY value
"""

# A breakdown whose different values read the same (two codes, one name) counts its cases once.
_CASES_OF = """
SELECT count(DISTINCT case_id) FROM person WHERE arrived AND {column} = ANY(%(values)s)
"""


def _sql(template: str, ports: Sequence[Port]) -> str:
    tables = {
        "segment": Segment._meta.db_table,
        "flight": Flight._meta.db_table,
        "case": Case._meta.db_table,
        "individual": Individual._meta.db_table,
        "agency": ResettlementAgency._meta.db_table,
        "named": Segment.individuals.through._meta.db_table,
        "event": StepEvent._meta.db_table,
    }
    values = ", ".join(
        f"(%(port{n})s::bigint, %(start{n})s::timestamptz, %(end{n})s::timestamptz, "
        f"%(iata{n})s::text, %(tz{n})s::text)"
        for n in range(len(ports))
    )
    breakdowns = "".join(_BREAKDOWN.format(column=name) for name in BREAKDOWNS)
    return template.format(
        ports=values,
        breakdowns=breakdowns,
        **{k: connection.ops.quote_name(v) for k, v in tables.items()},
    )


def _parameters(ports: Sequence[Port], period: Period) -> dict[str, Any]:
    earliest, latest = _searched(ports, period)
    parameters: dict[str, Any] = {
        "inbound": Segment.Direction.INBOUND,
        "onward": Segment.Direction.ONWARD,
        "flight_cancelled": Flight.Status.CANCELLED,
        "case_cancelled": Case.Status.CANCELLED,
        "not_arrived": sorted(NOT_ARRIVED),
        "no_show": Step.NO_SHOW,
        "urm": ProgrammeStatus.URM,
        "separated": ProgrammeStatus.SEPARATED,
        "umnr": json.dumps([UMNR]),
        "outcomes": [Step.HANDED_OVER, Step.DEPARTED],
        "earliest": earliest,
        "latest": latest,
    }
    for n, port in enumerate(ports):
        start, end = period.bounds(port)
        parameters |= {
            f"port{n}": port.pk,
            f"start{n}": start,
            f"end{n}": end,
            f"iata{n}": port.iata,
            f"tz{n}": port.zone.key,
        }
    return parameters


def _count_in_sql(ports: Sequence[Port], period: Period) -> _Arrivals:
    """The people of the period counted by PostgreSQL: one query (and one more for each name
    two values of a breakdown share), a few thousand rows whatever the period — the minutes
    from landing come as one string of numbers per port and step."""
    parameters = _parameters(ports, period)
    result = _Arrivals({}, {}, {}, {}, {}, {}, 0, minor_counts([]), {}, {}, {})
    raw: dict[str, dict[str, tuple[int, int]]] = {name: {} for name in BREAKDOWNS}
    with transaction.atomic(), connection.cursor() as cursor:
        # A year's people are sorted and grouped in memory, not in temporary files. (SET LOCAL
        # as a function: PostgreSQL binds the parameters, and SET takes none.)
        cursor.execute("SELECT set_config('work_mem', %s, true)", [WORK_MEM])
        cursor.execute(_sql(_PEOPLE + _COUNTS, ports), parameters)
        minutes: dict[tuple[int, str], list[float]] = {}
        for row in cursor.fetchall():
            kind, port_id, day, value, people, cases, no_shows, transits, same_day = row[:9]
            minors = dict(zip(MINORS, row[9:12], strict=True))
            if kind == "outcome":  # hand-overs or departures: seconds after landing
                minutes[(port_id, value)] = [float(n) / 60 for n in row[12].split(",")]
            elif kind == "port":
                if people:
                    result.people[port_id], result.cases[port_id] = people, cases
                    result.minors[port_id] = minors
                for counts, n in (
                    (result.no_shows, no_shows),
                    (result.transits, transits),
                    (result.same_day, same_day),
                ):
                    if n:
                        counts[port_id] = n
            elif kind == "day":
                result.daily.setdefault(port_id, {})[day] = people
            elif kind == "all":
                result.total_cases, result.total_minors = cases, minors
            else:
                raw[kind][value] = (people, cases)
        for name, (_title, _key, label) in BREAKDOWNS.items():
            result.breakdowns[name] = _named_rows(cursor, name, raw[name], label, ports, parameters)
    result.minutes = {key: sorted(values) for key, values in minutes.items()}
    return result


def _named_rows(
    cursor: Any,
    name: str,
    values: Mapping[str, tuple[int, int]],
    label: Callable[[str], str],
    ports: Sequence[Port],
    parameters: dict[str, Any],
) -> list[Row]:
    """A breakdown's rows, each value named once; values that read the same are one row (their
    cases counted once, by asking the database again)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for value in values:
        by_name[label(value)].append(value)
    rows = []
    for named, same in by_name.items():
        people = sum(values[v][0] for v in same)
        cases = values[same[0]][1]
        if len(same) > 1:
            cursor.execute(
                _sql(_PEOPLE + _CASES_OF.replace("{column}", name), ports),
                parameters | {"values": list(same)},
            )
            cases = cursor.fetchone()[0]
        rows.append(Row(named, people, cases))
    return sorted(rows, key=lambda row: (-row.people, row.label))


def _label(choices: Any, value: str) -> str:
    return str(choices(value).label) if value in choices.values else (value or NOT_GIVEN)


def _sum(rows: Sequence[PortFigures]) -> PortFigures:
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


def breakdown_title(key: str) -> str:
    return BREAKDOWNS[key][0]


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
