"""What the tablet shows: a port's flights of a local day with who is where, and one flight's
people with the moves open to them. Read-only; a constant handful of queries however many
flights and people there are."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from arrivals.models import Flight, Segment, StepEvent
from arrivals.services.undo import undo_refusal
from cases import ssr
from cases.models import Case, Individual
from cases.queries import escorts
from cases.queries.cases import travelling
from cases.steps import ALLOWED_MOVES, EXCEPTIONS, NEXT_STEP, ArrivalStep
from poe_ops.languages import language_name
from poe_ops.localtime import local_day_bounds
from poe_ops.models import Port
from poe_ops.roles import COORDINATE
from poe_ops.scoping import get_scoped_or_404, has_port_perm

User = AbstractBaseUser | AnonymousUser

STEP_ORDER = list(ArrivalStep.values)
# Short words for the buttons; the full labels are in ArrivalStep.
BUTTON_LABELS: dict[str, str] = {
    ArrivalStep.EXPECTED: "Back to expected",
    ArrivalStep.MET: "Met",
    ArrivalStep.CBP_CLEARED: "CBP cleared",
    ArrivalStep.CONNECTED: "Connected",
    ArrivalStep.HOTEL: "To hotel",
    ArrivalStep.HANDED_OVER: "Handed over",
    ArrivalStep.NO_SHOW: "No-show",
    ArrivalStep.HOSPITAL: "Hospital",
    ArrivalStep.CBP_REFERRAL: "CBP referral",
    ArrivalStep.REBOOKED: "Rebooked",
}


_PERSON_FIELDS = (
    "id",
    "case_id",
    "current_step",
    "ssr_codes",
    "unaccompanied_minor",
    "medical",
    "interpreter_needed",
    "primary_language",
    "case__agency__code",
)


def people_by_flight(flight_ids: Iterable[int]) -> dict[int, list[dict[str, Any]]]:
    """Each flight's people from its active inbound segments (no individuals named: the whole
    case), as dicts with the fields above (``agency``: the case's agency code or "") and
    ``escort_missing``. Two queries — the segments with the people they name, then the people
    of those cases with their agency — and a third when anyone on them needs an escort.

    Each query joins at most two small steps along indexed keys, so a planner working from
    stale statistics (just after a large import, or inside a test's transaction) cannot turn
    it into a cross product; one statement joining segments, people and cases did exactly
    that in the test suite, taking seconds instead of milliseconds."""
    segments: dict[int, tuple[int, int]] = {}
    named: dict[int, set[int]] = defaultdict(set)
    rows = (
        Segment.objects.filter(
            flight_id__in=list(flight_ids),
            direction=Segment.Direction.INBOUND,
            replaced_by__isnull=True,
        )
        .order_by()  # the default ordering would join cases and flights
        .values_list("pk", "flight_id", "case_id", "individuals")
    )
    for pk, flight_id, case_id, individual_id in rows:
        segments[pk] = (flight_id, case_id)
        if individual_id is not None:
            named[pk].add(individual_id)
    by_case: dict[int, list[dict[str, Any]]] = defaultdict(list)
    case_ids = {case_id for _flight_id, case_id in segments.values()}
    for values in (
        travelling(Individual.objects.filter(case_id__in=case_ids))
        .order_by("case_id", "pk")
        .values_list(*_PERSON_FIELDS)
    ):
        person = dict(zip(_PERSON_FIELDS, values, strict=True))
        person["agency"] = person.pop("case__agency__code") or ""
        by_case[person["case_id"]].append(person)
    people: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for pk, (flight_id, case_id) in sorted(segments.items(), key=lambda item: item[1]):
        for person in by_case[case_id]:
            if not named[pk] or person["id"] in named[pk]:
                # Two segments of one flight may bring the same person: count them once.
                people[flight_id].setdefault(person["id"], person)
    # Who needs an escort and has none: from the cached flags, one more query only when someone
    # on these flights needs one.
    escorts.mark_missing_escorts(p for found in people.values() for p in found.values())
    return {flight_id: list(found.values()) for flight_id, found in people.items()}


@dataclass
class FlightSummary:
    flight: Flight
    people: int = 0
    by_step: list[tuple[str, str, int]] = field(default_factory=list)  # (step, label, count)
    urm: int = 0
    wheelchair: int = 0
    medical: int = 0
    languages: list[str] = field(default_factory=list)
    no_escort: int = 0  # minors and MEDA/STCR travellers with no escort assigned


def _summarise(flight: Flight, people: list[dict[str, Any]]) -> FlightSummary:
    steps = Counter(p["current_step"] for p in people)
    languages = sorted(
        {language_name(p["primary_language"]) for p in people if p["interpreter_needed"]}
    )
    return FlightSummary(
        flight=flight,
        people=len(people),
        by_step=[(s, ArrivalStep(s).label, steps[s]) for s in STEP_ORDER if steps[s]],
        urm=sum(1 for p in people if p["unaccompanied_minor"] or ssr.has_minor(p["ssr_codes"])),
        wheelchair=sum(1 for p in people if ssr.has_wheelchair(p["ssr_codes"])),
        medical=sum(1 for p in people if p["medical"] or ssr.has_medical(p["ssr_codes"])),
        languages=[name or "?" for name in languages],
        no_escort=sum(1 for p in people if p["escort_missing"]),
    )


def flights_of_day(port: Port, day: dt.date) -> list[FlightSummary]:
    """Inbound flights landing at ``port`` on its local ``day``, in expected arrival order."""
    start, end = local_day_bounds(port, day)
    flights = list(
        Flight.objects.filter(port=port, destination=port.iata)
        .filter(
            Q(scheduled_arrival__gte=start, scheduled_arrival__lt=end)
            | Q(scheduled_arrival__isnull=True, scheduled_date=day)
        )
        .annotate(eta=Coalesce("actual_arrival", "estimated_arrival", "scheduled_arrival"))
        .order_by(F("eta").asc(nulls_last=True), "carrier", "number")
    )
    people = people_by_flight(f.pk for f in flights)
    return [_summarise(f, people.get(f.pk, [])) for f in flights]


@dataclass
class PersonRow:
    """One person's row on the flight page, with a fresh idempotency key for its forms."""

    individual: Individual
    age: int | None
    big_moves: list[tuple[str, str]]  # (step, button label); the first is the normal next step
    small_moves: list[tuple[str, str]]
    undo_event: StepEvent | None
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    message: str = ""
    is_refusal: bool = False

    undo_key: str = field(default_factory=lambda: str(uuid.uuid4()))

    @property
    def step_label(self) -> str:
        return ArrivalStep(self.individual.current_step).label

    @property
    def undo_label(self) -> str:
        if self.undo_event is None:
            return ""
        return f"Undo {BUTTON_LABELS[self.undo_event.to_step].lower()}"


@dataclass
class CaseBlock:
    case: Case
    rows: list[PersonRow]
    case_moves: list[tuple[str, str, int]]  # (step, label, how many it would move)
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    message: str = ""
    is_refusal: bool = False

    @property
    def individual_ids(self) -> list[int]:
        return [r.individual.pk for r in self.rows]


def _age(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _moves(current: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    allowed = ALLOWED_MOVES.get(current, frozenset())
    ordered = sorted(allowed, key=lambda s: (s != NEXT_STEP.get(current), STEP_ORDER.index(s)))
    big = [(s, BUTTON_LABELS[s]) for s in ordered if s not in EXCEPTIONS]
    small = [(s, BUTTON_LABELS[s]) for s in ordered if s in EXCEPTIONS]
    return big, small


def latest_events(people: Iterable[Individual]) -> dict[int, StepEvent]:
    """The latest accepted step of each of ``people`` (annotated by ``with_latest_event``),
    by event id, in one query."""
    ids = [getattr(p, "latest_event_id", None) for p in people]
    ids = [i for i in ids if i]
    return {e.pk: e for e in StepEvent.objects.filter(pk__in=ids).select_related("actor", "port")}


def person_rows(
    user: User,
    port: Port,
    people: list[Individual],
    events: dict[int, StepEvent] | None = None,
    may_coordinate: bool | None = None,
) -> list[PersonRow]:
    """Rows for ``people`` (annotated with ``latest_event_id``), with an Undo where ``user``
    may still undo the person's latest step."""
    if events is None:
        events = latest_events(people)
    now, today = timezone.now(), port.local_today()
    if may_coordinate is None:
        may_coordinate = has_port_perm(user, port, COORDINATE)
    rows = []
    for person in people:
        latest = events.get(getattr(person, "latest_event_id", None) or 0)
        undo = None
        if latest is not None:
            latest.individual = person
            if not undo_refusal(user, latest, latest, now, may_coordinate=may_coordinate):
                undo = latest
        big, small = _moves(person.current_step)
        rows.append(PersonRow(person, _age(person.date_of_birth, today), big, small, undo))
    return rows


def with_latest_event(people: Any) -> Any:
    """Annotate an Individual queryset with the id of each person's latest accepted step."""
    latest = (
        StepEvent.objects.filter(individual=OuterRef("pk"), accepted=True)
        .order_by("-at", "-id")
        .values("id")[:1]
    )
    return people.annotate(latest_event_id=Subquery(latest))


def case_block(
    user: User,
    port: Port,
    case: Case,
    people: list[Individual],
    events: dict[int, StepEvent] | None = None,
    may_coordinate: bool | None = None,
) -> CaseBlock:
    rows = person_rows(user, port, people, events, may_coordinate)
    return CaseBlock(case, rows, moves_for_steps([r.individual.current_step for r in rows]))


def moves_for_steps(steps: list[str]) -> list[tuple[str, str, int]]:
    """The "All N → …" buttons of a case whose people on a flight are at ``steps`` (none for
    one person: their own row has the buttons)."""
    if len(steps) < 2:
        return []
    counts: Counter[str] = Counter()
    for step in steps:
        counts.update(s for s, _ in _moves(step)[0])
    return [(s, BUTTON_LABELS[s], counts[s]) for s in STEP_ORDER if counts[s]]


def case_moves_on_flight(
    port: Port, flight_id: int, case: Case, case_steps: dict[int, str] | None = None
) -> CaseBlock | None:
    """Just the case's all-at-once buttons for one flight (for refreshing them after one
    person's tap, without rebuilding the whole block); None when the case is not booked on
    that flight. One query, two without ``case_steps`` ({person id: step} for everyone in the
    case). The case is one of ``port``'s, so its inbound segments are on ``port``'s flights."""
    # Plain SQL: this runs on every tap, and building it with the ORM cost more than running it.
    segment, through = Segment._meta, Segment.individuals.through._meta
    sql = (
        f"SELECT n.individual_id FROM {segment.db_table} s "  # noqa: S608 (model metadata)
        f"LEFT JOIN {through.db_table} n ON n.segment_id = s.id "
        "WHERE s.flight_id = %s AND s.case_id = %s AND s.direction = %s "
        "AND s.replaced_by_id IS NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [flight_id, case.pk, Segment.Direction.INBOUND])
        named = [individual_id for (individual_id,) in cursor.fetchall()]
    if not named:
        return None
    whole_case = None in named  # a segment without named people carries everyone
    if case_steps is None:
        case_steps = dict(Individual.objects.filter(case=case).values_list("pk", "current_step"))
    steps = [step for pk, step in case_steps.items() if whole_case or pk in named]
    return CaseBlock(case, [], moves_for_steps(steps))


def flight_blocks(user: User, flight: Flight, *, case_id: int | None = None) -> list[CaseBlock]:
    """The flight's cases (or the one ``case_id``), each with the people on this flight, in
    case-number order."""
    segments_qs = Segment.objects.filter(
        flight=flight, direction=Segment.Direction.INBOUND, replaced_by__isnull=True
    )
    if case_id is not None:
        segments_qs = segments_qs.filter(case_id=case_id)
    segments = list(
        segments_qs.exclude(case__status=Case.Status.CANCELLED)
        .select_related("case")
        .prefetch_related("individuals")
        .order_by("case__case_number")
    )
    people = list(
        with_latest_event(
            travelling(Individual.objects.filter(case_id__in=[s.case_id for s in segments]))
        )
        .select_related("case")
        .order_by("case_id", "person_number")
    )
    by_case: dict[int, list[Individual]] = defaultdict(list)
    for person in people:
        by_case[person.case_id].append(person)
    on_flight: dict[int, dict[int, Individual]] = {}
    cases: dict[int, Case] = {}
    for s in segments:
        named = {i.pk for i in s.individuals.all()}
        cases[s.case_id] = s.case
        found = on_flight.setdefault(s.case_id, {})
        for p in by_case[s.case_id]:
            if not named or p.pk in named:
                found[p.pk] = p
    missing = escorts.without_escort(
        vars(p) for found in on_flight.values() for p in found.values()
    )
    for person in people:
        person.escort_missing = person.pk in missing
    events = latest_events(people)
    may_coordinate = has_port_perm(user, flight.port, COORDINATE)
    return [
        case_block(user, flight.port, cases[case_id], list(found.values()), events, may_coordinate)
        for case_id, found in on_flight.items()
    ]


def flight_at(user: User, port: Port, flight_id: object) -> Flight:
    """The flight of ``port`` with this id, if ``user`` may view the port; 404 otherwise (also
    for a malformed id)."""
    return get_scoped_or_404(
        Flight.objects.select_related("port").filter(port=port),
        user,
        pk=flight_id if str(flight_id).isdigit() and len(str(flight_id)) < 19 else 0,
    )
