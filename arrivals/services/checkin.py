"""Check-in on the tablet: moving people through the arrival steps (undoing a mistaken tap is
in ``arrivals.services.undo``, on the same helpers).

Shaped like pretix's ``perform_checkin``: inside one transaction, a repeated idempotency key is
answered with the event it already made; then the case and person rows are locked (so two
tablets moving the same person are served one after the other), the move is checked, and an
append-only ``StepEvent`` is written — refused attempts too, with the reason the tablet showed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404

from arrivals.models import Flight, Segment, StepEvent
from arrivals.queries.onward import Leg, connection_at, legs_of_cases
from arrivals.services import notices
from arrivals.services.locks import Locked, lock_case_and_people, lock_case_and_people_of
from arrivals.services.step_events import (
    StepResult,
    case_status_of,
    latest_accepted,
    record_and_apply,
    repeated_result,
    sync_case_status,
    who_and_when,
)
from cases.models import Case, Individual
from cases.services.custody import custody_refusal
from cases.step_details import check_detail
from cases.steps import CONNECTION, FINISHED, ArrivalStep, in_words, refusal_reason, skipped_at
from poe_ops.keys import check_key, derive
from poe_ops.models import Port
from poe_ops.planning import atomic_planned_once
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE, VIEW
from poe_ops.scoping import (
    get_scoped_or_404,
    port_permissions,
    require_port_perm,
    signed_in,
)

User = AbstractBaseUser | AnonymousUser


@dataclass
class CaseStepResult:
    """A whole-case tap: who was moved and who was not, and why."""

    case: Case
    to_step: str
    moved: list[StepResult] = field(default_factory=list)
    not_moved: list[tuple[Individual, str]] = field(default_factory=list)
    repeated: bool = False

    @property
    def message(self) -> str:
        label = ArrivalStep(self.to_step).label
        parts = []
        if self.moved:
            names = ", ".join(str(r.individual) for r in self.moved)
            parts.append(f"{label}: {names}.")
        else:
            parts.append(f"Nobody in case {self.case} was moved to {in_words(self.to_step)}.")
        parts += [f"{person} not moved: {reason}" for person, reason in self.not_moved]
        return " ".join(parts)


def _check_input(
    to_step: str, idempotency_key: str, detail: Mapping[str, Any] | None
) -> dict[str, Any]:
    """The tap's own input, checked before anything is locked: the step, the key, and what the
    step carries (a malformed detail is refused naming its field, and nothing is recorded)."""
    if to_step not in ArrivalStep.values:
        raise Refusal(f"“{to_step}” is not an arrival step.", code="bad_step")
    check_key(idempotency_key)
    if to_step == ArrivalStep.MET:
        return {}  # where: the port's meeting point, once the port is known
    return check_detail(to_step, detail)


def _detail_at(port: Port, to_step: str, detail: dict[str, Any]) -> dict[str, Any]:
    if to_step == ArrivalStep.MET:
        return check_detail(to_step, {"where": port.meeting_point})
    return detail


def onward_refusal(person: Individual, to_step: str, port: Port, legs: list[Leg]) -> str:
    """Why the connection step ``to_step`` cannot be recorded for ``person`` given their onward
    legs (``legs``: their case's); empty when it can. "Departed" only once the onward flight has
    actually departed; no other connection step once it has, on a cancelled flight, or
    without one."""
    if to_step not in CONNECTION:
        return ""
    leg = connection_at(legs, person.pk, port.iata)
    if leg is None:
        return (
            f"{person} has no onward flight from {port.iata}: hand them over, or book a hotel "
            "and rebook."
        )
    if leg.cancelled:
        return f"{leg.code} is cancelled: rebook {person} first (Rebook / hotel)."
    if to_step != ArrivalStep.DEPARTED and leg.departed:
        return f"{leg.code} has already departed: rebook {person} first (Rebook / hotel)."
    if to_step == ArrivalStep.DEPARTED and not leg.departed:
        expected = leg.departure
        when = f", expected {expected.astimezone(port.zone):%H:%M}" if expected else ""
        return (
            f"{leg.code} has not departed yet ({leg.status_label.lower()}{when}). Mark departed "
            "once the flight has left; a senior associate records its departure."
        )
    return ""


def _explain_refusal(
    individual: Individual, to_step: str, reason: str, port: Port, latest: StepEvent | None
) -> str:
    """The plain reason, with who set the person's current step and when (``latest``: their
    latest accepted step), so the associate whose tap lost a race to another tablet
    understands what happened."""
    who = who_and_when(latest, port)
    if not who:
        return reason
    if individual.current_step == to_step:
        return f"Already {in_words(to_step)} — {who}."[:200]
    return f"{reason} ({ArrivalStep(individual.current_step).label} {who}.)"[:200]


def why_not(person: Individual, to_step: str, port: Port, legs: list[Leg] | None = None) -> str:
    """Every rule a move must pass, in order: the path (with the steps the port skips), the
    custody of minors, the onward flight (``legs``: the case's, read when needed)."""
    reason = refusal_reason(person.current_step, to_step, skipped_at(port))
    reason = reason or custody_refusal(person, to_step)
    if not reason and to_step in CONNECTION:
        if legs is None:
            legs = legs_of_cases([person.case_id]).get(person.case_id, [])
        reason = onward_refusal(person, to_step, port, legs)
    return reason


def move_locked(
    user: User,
    individual: Individual,
    to_step: str,
    key: str,
    device: str,
    port: Port,
    *,
    detail: dict[str, Any] | None = None,
    legs: list[Leg] | None = None,
    reason: str | None = None,
    quiet: bool = False,
    case_status: tuple[Case, str] | None = None,
) -> StepResult:
    """The move itself, with the case and person rows already locked by the caller (``reason``:
    already checked by the caller; ``quiet``: the caller tells HQ itself, once for many;
    ``case_status``: the case's status once the move is made, if it changes)."""
    if reason is None:
        reason = why_not(individual, to_step, port, legs)
    refusal = ""
    if reason:
        latest = latest_accepted(individual)
        if latest is not None and latest.idempotency_key == key:
            # The same tap sent again (its answer lost on the way back, a queue replayed) and
            # still the person's latest step: its first result, with no more queries.
            if latest.port_id == port.pk:
                latest.port = port
            result = repeated_result(latest, individual.pk, to_step, individual)
            return replace(result, event_is_latest=True)
        refusal = _explain_refusal(individual, to_step, reason, port, latest)
    event = StepEvent(
        individual=individual,
        port=port,
        from_step=individual.current_step,
        to_step=to_step,
        detail={} if reason else _detail_at(port, to_step, detail or {}),
        accepted=not reason,
        refusal_reason=refusal,
        actor=signed_in(user),
        device=device[:300],
        idempotency_key=key,
    )
    result = record_and_apply(
        user, event, f"poe.individual.step.{to_step}", case_status=case_status
    )
    if result.accepted and not result.repeated and not quiet:
        notices.person_moved(result.event)
    return result


def _lock_case_of(
    user: User,
    individual_id: int,
    port: Port | None,
    iata: str | None = None,
    flight_id: int | None = None,
) -> Locked:
    """Lock the case of a person the user may check in (at ``port``, or the port with code
    ``iata``, if given) with all its people: 404 when it is not among the ports they may view,
    403 when they may only view it. One statement (``lock_case_and_people_of``)."""
    visible = [pk for pk, perms in port_permissions(user).items() if VIEW in perms]
    found = lock_case_and_people_of(
        individual_id,
        visible,
        port_id=port.pk if port is not None else None,
        iata=iata,
        flight_id=flight_id,
    )
    if found is None:
        raise Http404("No individual matches.")
    require_port_perm(user, found.case.port, OPERATE)
    return found


def move_individual(
    user: User,
    individual_id: int,
    to_step: str,
    *,
    idempotency_key: str,
    device: str = "",
    port: Port | None = None,
    iata: str | None = None,
    detail: Mapping[str, Any] | None = None,
    flight_id: int | None = None,
) -> StepResult:
    """Move one person to ``to_step`` (with the ``detail`` it carries: bags, the hospital).
    Another port's person (or, given ``port`` or its ``iata`` code, a person of any other port)
    is a 404, view-only a 403; a move that makes no sense is recorded as refused with the
    reason; a repeated key changes nothing and returns the first result. The person's case
    comes back with its port (``individual.case.port``). Given a ``flight_id`` (a tap on that
    flight's page), ``on_flight`` carries what its answer shows of the case's journey."""
    cleaned = _check_input(to_step, idempotency_key, detail)
    with atomic_planned_once():  # the port's busiest write
        # The whole family is locked with the case (taps in one case are serialised by the case
        # lock anyway): their steps, needed for the case's status and buttons, come with it.
        locked = _lock_case_of(user, individual_id, port, iata, flight_id)
        case, person = locked.case, locked.person
        # The case's status once the move is made, written with it (not after it) when it
        # changes: the first of a family met, the last one's outcome.
        status = case_status_of({**locked.steps, person.pk: to_step}.values())
        changes_case = case.status not in (status, Case.Status.CANCELLED)
        # A resent key meets the unique constraint on insert and gets the first result back; the
        # locks make a resend that arrives while the first is still at work wait for it.
        result = move_locked(
            user,
            person,
            to_step,
            idempotency_key,
            device,
            case.port,
            detail=cleaned,
            case_status=(case, status) if changes_case else None,
        )
        steps = locked.steps
        if result.accepted and not result.repeated:
            steps = sync_case_status(user, case, {**steps, person.pk: person.current_step})
        # Where everyone is now (as locked, if nothing moved).
        result = replace(result, case_steps=steps)
        if locked.on_flight is not None:  # read with the lock
            result = replace(result, on_flight=locked.on_flight)
        return result


def move_case(
    user: User,
    case_id: int,
    to_step: str,
    *,
    idempotency_key: str,
    device: str = "",
    only: Collection[int] | None = None,
    detail: Mapping[str, Any] | None = None,
) -> CaseStepResult:
    """Move every person of the case (or of ``only``, e.g. those on one flight) for whom the
    move makes sense, each with the same ``detail`` (the family's bags). Each event's key is
    derived from the tap's key, so a retry of the same tap moves nobody new and reports what
    the first one did."""
    cleaned = _check_input(to_step, idempotency_key, detail)
    scoped = get_scoped_or_404(Case.objects.all(), user, OPERATE, via="port", pk=case_id)
    with transaction.atomic():
        case, people = lock_case_and_people(scoped.pk, only)
        result = CaseStepResult(case=case, to_step=to_step)
        keys = {f"{idempotency_key}:{person.pk}": person for person in people}
        earlier = {
            e.idempotency_key: e
            for e in StepEvent.objects.filter(idempotency_key__in=keys).select_related("actor")
        }
        result.repeated = bool(earlier)
        legs = legs_of_cases([case.pk]).get(case.pk, []) if to_step in CONNECTION else None
        for key, person in keys.items():
            if key in earlier:
                result.moved.append(StepResult(earlier[key], person, repeated=True))
                continue
            reason = why_not(person, to_step, case.port, legs)
            if reason or result.repeated:
                reason = reason or "not part of the first tap; tap again to move."
                result.not_moved.append(
                    (
                        person,
                        _explain_refusal(
                            person, to_step, reason, case.port, latest_accepted(person)
                        ),
                    )
                )
                continue
            result.moved.append(
                move_locked(
                    user, person, to_step, key, device, case.port, detail=cleaned, reason=""
                )
            )
        if result.moved and not result.repeated:
            sync_case_status(user, case)
        return result


def _why_staying(step: str) -> str:
    if step == ArrivalStep.HOSPITAL:
        return "in hospital; rebook after discharge"
    return f"{in_words(step)}, not yet through CBP; listed as at risk"


def needs_rebooking_on(
    user: User, flight: Flight, *, idempotency_key: str, device: str = ""
) -> tuple[list[Individual], list[tuple[Individual, str]]]:
    """Everyone booked onward on the cancelled ``flight``, at whatever step past CBP, goes to
    "needs rebooking" (one event each, keys derived from ``idempotency_key``); the caller tells
    HQ once. Returns (who needs rebooking — those already marked so included —, who keeps their
    step and why: not yet admitted by CBP, or in hospital). People already gone (departed,
    handed over, no-show) are left out, and so are cancelled cases and people no longer on the
    ABN. The caller holds the flight's lock."""
    check_key(idempotency_key)
    port = flight.port
    skipped = skipped_at(port)
    segments = list(
        Segment.objects.filter(
            flight=flight, direction=Segment.Direction.ONWARD, replaced_by__isnull=True
        )
        .prefetch_related("individuals")
        .order_by("case_id", "pk")
    )
    named: dict[int, set[int] | None] = {}
    for segment in segments:
        people = {p.pk for p in segment.individuals.all()}
        if not people or named.get(segment.case_id, set()) is None:
            named[segment.case_id] = None  # the whole case
        else:
            named[segment.case_id] = (named.get(segment.case_id) or set()) | people
    rebooking: list[Individual] = []
    staying: list[tuple[Individual, str]] = []
    reason = {"reason": f"{flight.code} {flight.scheduled_date:%d %b} cancelled"}
    for case_id, who in named.items():
        case, everyone = lock_case_and_people(case_id)
        if case.status == Case.Status.CANCELLED:
            continue  # not coming: the import took the case off the day's lists
        moved = False
        for person in everyone:
            if (who is not None and person.pk not in who) or person.removed_in_version:
                continue
            step = person.current_step
            if step == ArrivalStep.NEEDS_REBOOKING:
                rebooking.append(person)
            elif step in FINISHED or step in {ArrivalStep.NO_SHOW, ArrivalStep.REBOOKED}:
                continue
            elif step == ArrivalStep.HOSPITAL or refusal_reason(
                step, ArrivalStep.NEEDS_REBOOKING, skipped
            ):
                staying.append((person, _why_staying(step)))
            else:
                key = derive(idempotency_key, person.pk)
                move_locked(
                    user,
                    person,
                    ArrivalStep.NEEDS_REBOOKING,
                    key,
                    device,
                    case.port,
                    detail=reason,
                    reason="",
                    quiet=True,
                )
                rebooking.append(person)
                moved = True
        if moved:
            sync_case_status(user, case, {p.pk: p.current_step for p in everyone})
    return rebooking, staying
