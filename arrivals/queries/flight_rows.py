"""One flight's people as the tablet draws them: a row per person with the moves open to them,
their Undo and onward legs, and a block per case with its all-at-once buttons. Also what a tap's
answer redraws (one row, the case's buttons). A constant handful of queries however many people
the flight carries."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from arrivals.models import Flight, Segment, StepEvent
from arrivals.queries.moves import BUTTON_LABELS, FORM_STEPS, STEP_ORDER, moves, moves_for_steps
from arrivals.queries.onward import Leg, case_on_flight, connection_at, legs_of, legs_of_cases
from arrivals.services.undo import undo_refusal
from cases.models import Case, Individual
from cases.queries import escorts
from cases.queries.cases import travelling
from cases.step_details import NEEDS_DETAIL, describe_detail
from cases.steps import ArrivalStep, allowed_moves, next_step, skipped_at
from poe_ops.models import Port
from poe_ops.roles import COORDINATE
from poe_ops.scoping import has_port_perm

User = AbstractBaseUser | AnonymousUser


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
        connecting = connects_onward(case_legs, person.pk, person.current_step, port.iata)
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


def connects_onward(case_legs: list[Leg], person_id: int, step: str, port_iata: str) -> bool:
    """Whether someone at ``step`` still has an onward flight to take from the port: one not
    cancelled and not gone — unless they are at its gate, where its leaving is what they wait
    for. Who does not gets no connection steps (bags re-checked, boarding pass, …)."""
    connection = connection_at(case_legs, person_id, port_iata)
    return (
        connection is not None
        and not connection.cancelled
        and (not connection.departed or step == ArrivalStep.AT_GATE)
    )


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


def case_moves_on_flight(
    port: Port,
    flight_id: int,
    case: Case,
    case_steps: dict[int, str] | None = None,
    named: list[int | None] | None = None,
    legs: list[Leg] | None = None,
) -> CaseBlock | None:
    """Just the case's all-at-once buttons for one flight (for refreshing them after one
    person's tap, without rebuilding the whole block); None when the case is not booked on
    that flight. The buttons are those of the people's own rows: the connection steps only for
    whoever still has an onward flight. One query (``onward.case_on_flight``: whom the flight
    carries and the case's onward legs), none with ``named`` and ``legs`` (read with the tap's
    lock); one more without ``case_steps`` ({person id: step} for everyone in the case). The
    case is one of ``port``'s, so its segments are on ``port``'s flights."""
    if named is None:
        named, legs = case_on_flight(case.pk, flight_id)
    if not named:
        return None
    whole_case = None in named  # a segment without named people carries everyone
    if case_steps is None:
        case_steps = dict(Individual.objects.filter(case=case).values_list("pk", "current_step"))
    on_flight = [(pk, step) for pk, step in case_steps.items() if whole_case or pk in named]
    connecting = None
    if legs is not None:
        connecting = [connects_onward(legs, pk, step, port.iata) for pk, step in on_flight]
    steps = [step for _pk, step in on_flight]
    return CaseBlock(case, [], moves_for_steps(steps, skipped_at(port), connecting))


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
