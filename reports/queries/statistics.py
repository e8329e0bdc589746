"""The figures of a period over a set of ports: what ``/statistics/``, its downloads, its charts
and the monthly report read. Nothing is written; a fixed number of queries whatever the period
(the rows are counted here, in Python, so the same code answers on PostgreSQL and on the demo's
SQLite).

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
statuses change."""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

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
    for port in ports:
        start, end = period.bounds(port)
        condition |= Q(**{port_field: port.pk, f"{when}__gte": start, f"{when}__lt": end})
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
    return [Row(name, count, len(named_cases[name])) for name, count in named.most_common()]


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


def minor_counts(people: Iterable[_Person]) -> dict[str, int]:
    """Arrivals who are URM or separated minors, and those with the airline's UMNR code."""
    counts = dict.fromkeys([*URM_STATUSES.values(), UMNR], 0)
    for person in people:
        if person.programme in URM_STATUSES:
            counts[URM_STATUSES[ProgrammeStatus(person.programme)]] += 1
        if UMNR in person.ssr:
            counts[UMNR] += 1
    return counts


def build_statistics(
    ports: Iterable[Port], period: Period, *, incidents: Q | None = None
) -> Statistics:
    """The period's figures at ``ports`` (already scoped by the caller). ``incidents`` narrows
    the incident reports counted to those the reader counts (``counted``); None counts every
    submitted report (the monthly report for an office's HQ)."""
    ports = sorted(ports, key=lambda p: p.iata)
    by_id = {port.pk: port for port in ports}
    figures = {port.pk: PortFigures(port) for port in ports}
    inbound = _inbound(ports, period)
    everyone = _people(inbound)
    arrived = [p for p in everyone if p.step not in NOT_ARRIVED]
    arrived_ids = {p.pk: p for p in arrived}
    days = {day: n for n, day in enumerate(period.day_list())}
    daily = {port.iata: [0] * period.days for port in ports}
    cases_at: dict[int, set[int]] = defaultdict(set)
    for person in everyone:
        port_figures = figures[person.port_id]
        if person.step == Step.NO_SHOW:
            port_figures.no_shows += 1
        if person.pk not in arrived_ids:
            continue
        port_figures.people += 1
        cases_at[person.port_id].add(person.case_id)
        local_day = person.landed.astimezone(by_id[person.port_id].zone).date()
        if local_day in days:
            daily[by_id[person.port_id].iata][days[local_day]] += 1
    for port_id, cases in cases_at.items():
        figures[port_id].cases = len(cases)
    arrived_at: dict[int, list[_Person]] = defaultdict(list)
    for person in arrived:
        arrived_at[person.port_id].append(person)
    for port_id, port_figures in figures.items():
        port_figures.minors = minor_counts(arrived_at[port_id])

    # The connection each arrival was booked on; the misconnected and why.
    troubles = _events(
        StepEvent.objects.filter(_within(ports, period, "port_id", "at")),
        [Step.NEEDS_REBOOKING, Step.HOSPITAL],
    )
    onward = _legs(Q(case_id__in=inbound.values("case_id")), onward_only=True)
    for person in arrived:
        if person.case_id not in onward:
            continue
        port = by_id[person.port_id]
        connection = first_connection(onward[person.case_id], person.pk, port.iata)
        if connection is None:
            continue
        port_figures = figures[person.port_id]
        port_figures.transits += 1
        assert connection.scheduled_departure is not None
        if connection.scheduled_departure.astimezone(port.zone).date() == (
            person.landed.astimezone(port.zone).date()
        ):
            port_figures.same_day += 1
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
    # Looked for from the period's start to OUTCOME_DAYS after its end (the index on ``at``).
    searched = StepEvent.objects.none()
    if ports:
        earliest = min(period.bounds(p)[0] for p in ports)
        latest = max(period.bounds(p)[1] for p in ports) + dt.timedelta(days=OUTCOME_DAYS)
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
    for port in ports:
        figures[port.pk].to_handover = Spread.of(minutes[(port.pk, Step.HANDED_OVER)])
        figures[port.pk].to_departure = Spread.of(minutes[(port.pk, Step.DEPARTED)])

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
    total.minors = minor_counts(arrived)
    total.to_handover = Spread.of(
        [m for (_p, step), values in minutes.items() if step == Step.HANDED_OVER for m in values]
    )
    total.to_departure = Spread.of(
        [m for (_p, step), values in minutes.items() if step == Step.DEPARTED for m in values]
    )
    total.cases = len({p.case_id for p in arrived})
    return Statistics(
        period=period,
        ports=ports,
        by_port=by_port,
        total=total,
        breakdowns={
            name: _breakdown(arrived, key, label) for name, (_t, key, label) in BREAKDOWNS.items()
        },
        causes=[(code, label, causes[code]) for code, label in CAUSES.items()],
        incidents=incident_rows,
        daily=daily,
        handover_minutes={
            port.iata: sorted(minutes.get((port.pk, Step.HANDED_OVER), [])) for port in ports
        },
    )


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
