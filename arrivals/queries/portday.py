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
from arrivals.queries.onward import Leg, connection_at, legs_of, legs_of_cases
from arrivals.services.undo import undo_refusal
from cases import ssr
from cases.models import Case, Individual, ProgrammeStatus
from cases.queries import escorts
from cases.queries.cases import travelling
from cases.step_details import NEEDS_DETAIL, describe_detail
from cases.steps import CONNECTION, EXCEPTIONS, ArrivalStep, allowed_moves, next_step, skipped_at
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
    ArrivalStep.CBP_SECONDARY: "CBP secondary",
    ArrivalStep.CBP_CLEARED: "Admitted by CBP",
    ArrivalStep.DEFERRED_INSPECTION: "Deferred inspection",
    ArrivalStep.REFUSED_ADMISSION: "Refused admission",
    ArrivalStep.DETAINED: "Detained",
    ArrivalStep.BAGS_CLAIMED: "Bags claimed",
    ArrivalStep.CUSTOMS_CLEARED: "Through customs",
    ArrivalStep.BAGS_RECHECKED: "Bags re-checked",
    ArrivalStep.BOARDING_PASS: "Boarding pass",
    ArrivalStep.THROUGH_SECURITY: "Through security",
    ArrivalStep.AT_GATE: "At gate",
    ArrivalStep.DEPARTED: "Departed",
    ArrivalStep.HANDED_OVER: "Handed over",
    ArrivalStep.HOTEL: "To hotel",
    ArrivalStep.HOSPITAL: "Hospital",
    ArrivalStep.NO_SHOW: "No-show",
    ArrivalStep.NEEDS_REBOOKING: "Needs rebooking",
    ArrivalStep.REBOOKED: "Rebooked",
}


# Steps recorded through a form of their own, not a tap: handing over names the receiver
# (``arrivals.services.handover``), so its button is the row's "Hand over…" link.
FORM_STEPS: frozenset[str] = frozenset({ArrivalStep.HANDED_OVER})


_PERSON_FIELDS = (
    "id",
    "case_id",
    "current_step",
    "current_step_at",
    "ssr_codes",
    "programme_status",
    "medical",
    "interpreter_needed",
    "primary_language",
    "given_names",
    "surname",
    "case__case_number",
    "case__agency__code",
)


def people_by_flight(
    flight_ids: Iterable[int], departure_ids: Iterable[int] = ()
) -> dict[int, list[dict[str, Any]]]:
    """Each flight's people from its active inbound segments (and, for ``departure_ids``, the
    onward segments of the flights leaving the port; no individuals named: the whole case), as
    dicts with the fields above (``agency``: the case's agency code or "", ``case_number``)
    and ``escort_missing``. Two queries — the segments with the people they name, then the
    people of those cases with their agency — and a third when anyone on them needs an escort.

    Each query joins at most two small steps along indexed keys, so a planner working from
    stale statistics (just after a large import, or inside a test's transaction) cannot turn
    it into a cross product; one statement joining segments, people and cases did exactly
    that in the test suite, taking seconds instead of milliseconds."""
    segments: dict[int, tuple[int, int]] = {}
    named: dict[int, set[int]] = defaultdict(set)
    on_flights = Q(flight_id__in=list(flight_ids), direction=Segment.Direction.INBOUND)
    leaving = list(departure_ids)
    if leaving:
        on_flights |= Q(flight_id__in=leaving, direction=Segment.Direction.ONWARD)
    rows = (
        Segment.objects.filter(on_flights, replaced_by__isnull=True)
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
        person["case_number"] = person.pop("case__case_number")
        by_case[person["case_id"]].append(person)
    people: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for pk, (flight_id, case_id) in sorted(segments.items(), key=lambda item: item[1]):
        for person in by_case[case_id]:
            if not named[pk] or person["id"] in named[pk]:
                # Two segments of one flight may bring the same person: count them once.
                people[flight_id].setdefault(person["id"], person)
    # Who needs an escort and has none: from the cached flags, one more query only when someone
    # on these flights needs one.
    # Each person once, although someone landing and leaving again is on two flights.
    escorts.mark_missing_escorts(
        {p["id"]: p for found in people.values() for p in found.values()}.values()
    )
    return {flight_id: list(found.values()) for flight_id, found in people.items()}


@dataclass
class FlightSummary:
    flight: Flight
    people: int = 0
    by_step: list[tuple[str, str, int]] = field(default_factory=list)  # (step, label, count)
    urm: int = 0  # programme status URM (not the airline's UMNR code)
    separated: int = 0  # separated minors
    wheelchair: int = 0
    medical: int = 0
    languages: list[str] = field(default_factory=list)
    no_escort: int = 0  # minors and MEDA/STCR travellers with no escort assigned
    at_risk: int = 0  # people who may miss their connection (arrivals.queries.at_risk)


def summarise(flight: Flight, people: list[dict[str, Any]]) -> FlightSummary:
    """A flight's card on the port's day: its people counted by step and by need."""
    steps = Counter(p["current_step"] for p in people)
    languages = sorted(
        {language_name(p["primary_language"]) for p in people if p["interpreter_needed"]}
    )
    return FlightSummary(
        flight=flight,
        people=len(people),
        by_step=[(s, ArrivalStep(s).label, steps[s]) for s in STEP_ORDER if steps[s]],
        urm=sum(1 for p in people if p["programme_status"] == ProgrammeStatus.URM),
        separated=sum(1 for p in people if p["programme_status"] == ProgrammeStatus.SEPARATED),
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
    return [summarise(f, people.get(f.pk, [])) for f in flights]


@dataclass
class PersonRow:
    """One person's row on the flight page, with a fresh idempotency key for its forms."""

    individual: Individual
    age: int | None
    # (step, button label, opens a form for its details); the first is the normal next step
    big_moves: list[tuple[str, str, bool]]
    small_moves: list[tuple[str, str, bool]]
    undo_event: StepEvent | None
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    message: str = ""
    is_refusal: bool = False

    undo_key: str = field(default_factory=lambda: str(uuid.uuid4()))
    legs: list[Leg] = field(default_factory=list)  # the person's onward legs, in order
    step_detail: str = ""  # what the current step carries (bags, the hospital)
    primary: str = ""  # the normal next step: the big button drawn first and filled
    # The person could be handed over now: the row offers "Hand over…" (a form, not a tap).
    may_hand_over: bool = False

    @property
    def step_label(self) -> str:
        return ArrivalStep(self.individual.current_step).label

    @property
    def undo_label(self) -> str:
        if self.undo_event is None:
            return ""
        label = BUTTON_LABELS[self.undo_event.to_step]
        # "Undo bags claimed", but "Undo CBP secondary": acronyms keep their capitals.
        return f"Undo {label[0].lower() + label[1:] if label[1:2].islower() else label}"

    @property
    def version(self) -> str:
        """What the row shows, in a word: a page refreshing itself replaces the row only when
        this changed (someone moved the person, the undo ran out), so a row being read or
        tapped is left alone."""
        person = self.individual
        latest = getattr(person, "latest_event_id", None) or 0
        undo = self.undo_event.pk if self.undo_event is not None else 0
        escort = int(bool(getattr(person, "escort_missing", False)))
        return f"{person.current_step}.{latest}.{undo}.{escort}"


@dataclass
class CaseBlock:
    case: Case
    rows: list[PersonRow]
    case_moves: list[tuple[str, str, int, bool]]  # (step, label, how many, opens a form)
    key: str = field(default_factory=lambda: str(uuid.uuid4()))
    message: str = ""
    is_refusal: bool = False

    @property
    def individual_ids(self) -> list[int]:
        return [r.individual.pk for r in self.rows]

    @property
    def latest_event_id(self) -> int:
        """The newest step event of the people drawn (0 when none, or drawn without rows): the
        block's message is about the family as it was then, and static/js/live.js takes it
        away once a row shows a newer one (someone in the family moved since)."""
        return max(
            (getattr(r.individual, "latest_event_id", None) or 0 for r in self.rows), default=0
        )

    @property
    def moves_version(self) -> str:
        """What the "All N → …" buttons show, led by the newest step event of the people drawn
        (as a row's version is): a page refreshing itself never puts back buttons older than
        those shown (static/js/live.js, ``older``). 0 when the block was drawn without rows."""
        counts = ".".join(f"{step}{count}" for step, _, count, _ in self.case_moves)
        return f"moves.{self.latest_event_id}.{counts}"


def _age(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


Move = tuple[str, str, bool]


def moves(
    current: str, skipped: frozenset[str] = frozenset(), connecting: bool = True
) -> tuple[list[Move], list[Move]]:
    """The buttons for someone at ``current``: (big ones on the normal path, the normal next
    step first; small ones off it). Connection steps only for someone with an onward flight
    from the port (``connecting``); the steps the port skips are stepped over."""
    allowed = allowed_moves(current, skipped) - FORM_STEPS
    if not connecting:
        allowed = allowed - set(CONNECTION)
    first = next_step(current, skipped, connecting)
    ordered = sorted(allowed, key=lambda s: (s != first, STEP_ORDER.index(s)))
    big = [(s, BUTTON_LABELS[s], s in NEEDS_DETAIL) for s in ordered if s not in EXCEPTIONS]
    small = [(s, BUTTON_LABELS[s], s in NEEDS_DETAIL) for s in ordered if s in EXCEPTIONS]
    return big, small


def moves_table() -> dict[str, dict[str, Any]]:
    """For every step: its label and the buttons a person at that step gets. The tablet's
    script draws a queued tap's row from it while the tap waits for the network
    (static/js/taps.js), so the associate can go on with that person too."""
    table: dict[str, dict[str, Any]] = {}
    for step in ArrivalStep:
        big, small = moves(step)
        # A step that asks for details (bags, the hospital) opens its form: not drawn offline.
        table[step.value] = {
            "label": step.label,
            "button": BUTTON_LABELS.get(step, step.label),
            "big": [(s, label) for s, label, form in big if not form],
            "small": [(s, label) for s, label, form in small if not form],
        }
    return table


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
    legs: dict[int, list[Leg]] | None = None,
) -> list[PersonRow]:
    """Rows for ``people`` (annotated with ``latest_event_id``), with an Undo where ``user``
    may still undo the person's latest step, and each person's onward legs (``legs``: by case;
    read in one query when not given)."""
    if events is None:
        events = latest_events(people)
    if legs is None:
        legs = legs_of_cases({p.case_id for p in people})
    now, today = timezone.now(), port.local_today()
    if may_coordinate is None:
        may_coordinate = has_port_perm(user, port, COORDINATE)
    skipped = skipped_at(port)
    rows = []
    for person in people:
        latest = events.get(getattr(person, "latest_event_id", None) or 0)
        undo = None
        detail = ""
        if latest is not None:
            latest.individual = person
            if not undo_refusal(user, latest, latest, now, may_coordinate=may_coordinate):
                undo = latest
            if latest.to_step == person.current_step:
                detail = describe_detail(latest.to_step, latest.detail)
        case_legs = legs.get(person.case_id, [])
        connection = connection_at(case_legs, person.pk, port.iata)
        connecting = (
            connection is not None
            and not connection.cancelled
            and (not connection.departed or person.current_step == ArrivalStep.AT_GATE)
        )
        big, small = moves(person.current_step, skipped, connecting)
        if not person.on_current_version:
            # No longer on the ABN: shown on the case page with their history, never moved.
            big, small, undo = [], [], None
        row = PersonRow(person, _age(person.date_of_birth, today), big, small, undo)
        row.legs, row.step_detail = legs_of(case_legs, person.pk), detail
        row.primary = next_step(person.current_step, skipped, connecting)
        row.may_hand_over = bool(FORM_STEPS & allowed_moves(person.current_step, skipped))
        rows.append(row)
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
    legs: dict[int, list[Leg]] | None = None,
) -> CaseBlock:
    rows = person_rows(user, port, people, events, may_coordinate, legs)
    if case.status == Case.Status.CANCELLED:
        # A cancelled case stays readable where it is found (case page, search), but nobody in
        # it is moved: the day's lists leave it out (cases.queries.cases.travelling).
        for row in rows:
            row.big_moves, row.small_moves, row.undo_event = [], [], None
        return CaseBlock(case, rows, [])
    return CaseBlock(case, rows, case_moves(rows))


def case_moves(rows: list[PersonRow]) -> list[tuple[str, str, int, bool]]:
    """The "All N → …" buttons of a case's people on a flight (none for one person: their own
    row has the buttons): (step, label, how many it would move, opens a form)."""
    if len(rows) < 2:
        return []
    counts: Counter[str] = Counter()
    for row in rows:
        counts.update(s for s, _label, _form in row.big_moves)
    return [(s, BUTTON_LABELS[s], counts[s], s in NEEDS_DETAIL) for s in STEP_ORDER if counts[s]]


def moves_for_steps(
    steps: list[str], skipped: frozenset[str] = frozenset()
) -> list[tuple[str, str, int, bool]]:
    """The "All N → …" buttons for people at ``steps``, without knowing who connects onward:
    the connection steps count whoever could take them (check-in refuses anyone without an
    onward flight, in words)."""
    if len(steps) < 2:
        return []
    counts: Counter[str] = Counter()
    for step in steps:
        counts.update(s for s, _label, _form in moves(step, skipped)[0])
    return [(s, BUTTON_LABELS[s], counts[s], s in NEEDS_DETAIL) for s in STEP_ORDER if counts[s]]


def case_moves_on_flight(
    port: Port,
    flight_id: int,
    case: Case,
    case_steps: dict[int, str] | None = None,
    named: list[int | None] | None = None,
) -> CaseBlock | None:
    """Just the case's all-at-once buttons for one flight (for refreshing them after one
    person's tap, without rebuilding the whole block); None when the case is not booked on
    that flight. One query, two without ``case_steps`` ({person id: step} for everyone in the
    case), none but that with ``named`` (whom the flight carries, as
    ``onward.case_on_flight`` reads it). The case is one of ``port``'s, so its segments are on
    ``port``'s flights."""
    if named is None:
        # Plain SQL: this runs on every tap, and the ORM cost more than running it.
        segment, through = Segment._meta, Segment.individuals.through._meta
        # Reviewed (bandit B608): table names from the models' metadata; every value a parameter.
        sql = (
            f"SELECT n.individual_id FROM {segment.db_table} s "  # noqa: S608  # nosec B608
            f"LEFT JOIN {through.db_table} n ON n.segment_id = s.id "
            "WHERE s.flight_id = %s AND s.case_id = %s AND s.replaced_by_id IS NULL"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [flight_id, case.pk])
            named = [individual_id for (individual_id,) in cursor.fetchall()]
    if not named:
        return None
    whole_case = None in named  # a segment without named people carries everyone
    if case_steps is None:
        case_steps = dict(Individual.objects.filter(case=case).values_list("pk", "current_step"))
    steps = [step for pk, step in case_steps.items() if whole_case or pk in named]
    return CaseBlock(case, [], moves_for_steps(steps, skipped_at(port)))


def flight_blocks(
    user: User,
    flight: Flight,
    *,
    case_id: int | None = None,
    legs: dict[int, list[Leg]] | None = None,
) -> list[CaseBlock]:
    """The flight's cases (or the one ``case_id``), each with the people on this flight, in
    case-number order: those it brings in, or — a departure from the port — those booked on it
    onward. ``legs`` (by case) is filled with the cases' onward legs, read in one query."""
    leaving = flight.leaves(flight.port.iata)
    direction = Segment.Direction.ONWARD if leaving else Segment.Direction.INBOUND
    segments_qs = Segment.objects.filter(
        flight=flight, direction=direction, replaced_by__isnull=True
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
    if legs is None:
        legs = {}
    legs.update(legs_of_cases(on_flight))
    return [
        case_block(
            user, flight.port, cases[case_id], list(found.values()), events, may_coordinate, legs
        )
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
