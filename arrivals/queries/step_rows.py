"""The step buttons wherever people are shown — the flight page, the case page, search results —
and what a tap's answer redraws on each. The buttons, their rules, idempotency keys and undo
are the flight page's (``arrivals.queries.flight_rows``); here they are built for a whole case (the
case page, a search result) and for one person after a tap."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from arrivals.models import StepEvent
from arrivals.queries import flight_rows
from arrivals.queries.flight_rows import CaseBlock, PersonRow, User
from arrivals.queries.moves import moves_for_steps
from arrivals.queries.onward import legs_of_cases
from arrivals.services.step_events import StepResult
from cases.models import Case, Individual
from cases.queries import escorts
from cases.queries.cases import travelling
from poe_ops.models import Port
from poe_ops.roles import COORDINATE, OPERATE
from poe_ops.scoping import has_port_perm

# Where a tap was made, so its answer redraws the right thing (the tap's ``view`` field).
VIEWS = ("flight", "case", "search")


def view_of(raw: object) -> str:
    return raw if isinstance(raw, str) and raw in VIEWS else "flight"


def latest_accepted(events: Iterable[StepEvent]) -> dict[int, StepEvent]:
    """Each person's latest accepted step among ``events`` (the case page reads them all
    anyway), in the order ``flight_rows.with_latest_event`` picks it."""
    latest: dict[int, StepEvent] = {}
    for event in events:
        if not event.accepted:
            continue
        seen = latest.get(event.individual_id)
        if seen is None or (event.at, event.pk) > (seen.at, seen.pk):
            latest[event.individual_id] = event
    return latest


def case_block_from_events(
    user: User, case: Case, people: list[Individual], events: Iterable[StepEvent]
) -> CaseBlock:
    """The case page's people with their buttons, from the step events it already read: no
    query for the moves (one for escorts only if someone needs one)."""
    latest = latest_accepted(events)
    for person in people:
        event = latest.get(person.pk)
        person.latest_event_id = event.pk if event else None  # type: ignore[attr-defined]
        if event is not None:
            event.port = case.port  # the same port: spare a query in the undo rule
    missing = escorts.without_escort(vars(p) for p in people)
    for person in people:
        person.escort_missing = person.pk in missing  # type: ignore[attr-defined]
    return flight_rows.case_block(user, case.port, case, people, {e.pk: e for e in latest.values()})


def case_blocks(user: User, cases: list[Case]) -> dict[int, CaseBlock]:
    """Search results: each case at a port ``user`` may check people in at, with its people's
    buttons. Three queries whatever the number of cases (people with their latest step,
    those steps, their onward legs), none when the user operates at none of their ports."""
    operable = [c for c in cases if has_port_perm(user, c.port, OPERATE)]
    if not operable:
        return {}
    people = list(
        flight_rows.with_latest_event(
            Individual.objects.filter(case__in=operable).order_by("case_id", "person_number")
        )
    )
    events = flight_rows.latest_events(people)
    legs = legs_of_cases({c.pk for c in operable})  # every case's onward legs, one query
    by_case: dict[int, list[Individual]] = defaultdict(list)
    for person in people:
        by_case[person.case_id].append(person)
    blocks = {}
    for case in operable:
        for person in by_case[case.pk]:
            person.case = case
        may_coordinate = has_port_perm(user, case.port, COORDINATE)
        blocks[case.pk] = flight_rows.case_block(
            user, case.port, case, by_case[case.pk], events, may_coordinate, legs
        )
    return blocks


def whole_case_block(user: User, port: Port, case: Case) -> CaseBlock:
    """A case's people with their buttons (after a whole-case tap on the case page or in
    search): three queries (the case page shows each person's travel packet too)."""
    people = list(
        flight_rows.with_latest_event(Individual.objects.filter(case=case))
        .order_by("person_number")
        .prefetch_related("carried_documents")
    )
    for person in people:
        person.case = case
    missing = escorts.without_escort(vars(p) for p in people)
    for person in people:
        person.escort_missing = person.pk in missing
    return flight_rows.case_block(user, port, case, people)


def row_after_tap(
    user: User, port: Port, individual_id: int, result: StepResult | None
) -> PersonRow:
    """One person's row for the answer to a tap: built from what the move already loaded when
    it made their latest step, else read again (two queries)."""
    if result is not None and result.accepted and not result.repeated:
        person = result.individual
        person.latest_event_id = result.event.pk  # type: ignore[attr-defined]
        rows = flight_rows.person_rows(user, port, [person], {result.event.pk: result.event})
    else:
        people = list(
            flight_rows.with_latest_event(
                Individual.objects.filter(pk=individual_id)
            ).select_related("case")
        )
        rows = flight_rows.person_rows(user, port, people)
    row = rows[0]
    missing = escorts.without_escort([vars(row.individual)])  # adults cost no query
    row.individual.escort_missing = row.individual.pk in missing  # type: ignore[attr-defined]
    return row


def case_moves_after_tap(port: Port, view: str, flight_id: str, case: Case) -> CaseBlock | None:
    """The case's all-at-once buttons after one person's tap: on a flight page those of the
    case's people on that flight (None when the case is not on it), elsewhere those of everyone
    still travelling (one query either way)."""
    if view == "flight":
        if not (flight_id.isdigit() and len(flight_id) < 19):  # a bigint
            return None
        return flight_rows.case_moves_on_flight(port, int(flight_id), case)
    if case.status == Case.Status.CANCELLED:
        return CaseBlock(case, [], [])
    steps = list(travelling_ids_and_steps(case).values())
    return CaseBlock(case, [], moves_for_steps(steps))


def travelling_ids_and_steps(case: Case) -> dict[int, str]:
    """{person id: step} of the case's people a whole-case tap moves: those still on the ABN
    (none of a cancelled case)."""
    return dict(travelling(Individual.objects.filter(case=case)).values_list("pk", "current_step"))
