"""Check-in on the tablet: moving people through the arrival steps (undoing a mistaken tap is
in ``arrivals.services.undo``, on the same helpers).

Shaped like pretix's ``perform_checkin``: inside one transaction, a repeated idempotency key is
answered with the event it already made; then the case and person rows are locked (so two
tablets moving the same person are served one after the other), the move is checked, and an
append-only ``StepEvent`` is written — refused attempts too, with the reason the tablet showed.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field, replace

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import Http404

from arrivals.models import StepEvent
from arrivals.services import notices
from arrivals.services.step_events import (
    StepResult,
    latest_accepted,
    lock_case_and_people,
    lock_people,
    record_and_apply,
    sync_case_status,
    who_and_when,
)
from cases.models import Case, Individual
from cases.services.custody import custody_refusal
from cases.steps import ArrivalStep, refusal_reason
from poe_ops.keys import check_key
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE, VIEW
from poe_ops.scoping import (
    get_scoped_or_404,
    port_permissions,
    require_port_perm,
    signed_in,
)
from poe_ops.text import lower_first

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
            parts.append(f"Nobody in case {self.case} was moved to {lower_first(label)}.")
        parts += [f"{person} not moved: {reason}" for person, reason in self.not_moved]
        return " ".join(parts)


def _check_input(to_step: str, idempotency_key: str) -> None:
    if to_step not in ArrivalStep.values:
        raise Refusal(f"“{to_step}” is not an arrival step.", code="bad_step")
    check_key(idempotency_key)


def _explain_refusal(individual: Individual, to_step: str, reason: str, port: Port) -> str:
    """The plain reason, with who set the person's current step and when, so the associate
    whose tap lost a race to another tablet understands what happened."""
    who = who_and_when(latest_accepted(individual), port)
    if not who:
        return reason
    if individual.current_step == to_step:
        label = ArrivalStep(to_step).label
        return f"Already {lower_first(label)} — {who}."[:200]
    return f"{reason} ({ArrivalStep(individual.current_step).label} {who}.)"[:200]


def _move_locked(
    user: User, individual: Individual, to_step: str, key: str, device: str, port: Port
) -> StepResult:
    """The move itself, with the case and person rows already locked by the caller."""
    from_step = individual.current_step
    reason = refusal_reason(from_step, to_step) or custody_refusal(individual, to_step)
    event = StepEvent(
        individual=individual,
        port=port,
        from_step=from_step,
        to_step=to_step,
        accepted=not reason,
        refusal_reason=_explain_refusal(individual, to_step, reason, port) if reason else "",
        actor=signed_in(user),
        device=device[:300],
        idempotency_key=key,
    )
    result = record_and_apply(user, event, f"poe.individual.step.{to_step}")
    if result.accepted and not result.repeated:
        notices.person_moved(result.event)
    return result


def _lock_case_of(
    user: User, individual_id: int, port: Port | None, iata: str | None = None
) -> Case:
    """Lock and return the case of a person the user may check in (at ``port``, or the port
    with code ``iata``, if given): 404 when it is not among the ports they may view, 403 when
    they may only view it."""
    visible = [pk for pk, perms in port_permissions(user).items() if VIEW in perms]
    cases = Case.objects.select_for_update(of=("self",)).select_related("port")
    cases = cases.filter(individuals__pk=individual_id, port_id__in=visible)
    if port is not None:
        cases = cases.filter(port=port)
    if iata is not None:
        cases = cases.filter(port__iata=iata.upper())
    found = list(cases.order_by())  # a person has one case: no ORDER BY … LIMIT needed
    if not found:
        raise Http404("No individual matches.")
    case = found[0]
    require_port_perm(user, case.port, OPERATE)
    return case


def move_individual(
    user: User,
    individual_id: int,
    to_step: str,
    *,
    idempotency_key: str,
    device: str = "",
    port: Port | None = None,
    iata: str | None = None,
) -> StepResult:
    """Move one person to ``to_step``. Another port's person (or, given ``port`` or its
    ``iata`` code, a person of any other port) is a 404, view-only a 403; a move that makes no
    sense is recorded as refused with the reason; a repeated key changes nothing and returns
    the first result. The person's case comes back with its port (``individual.case.port``)."""
    _check_input(to_step, idempotency_key)
    with transaction.atomic():
        case = _lock_case_of(user, individual_id, port, iata)
        # The whole family is locked (taps in one case are serialised by the case lock anyway):
        # their steps, needed for the case's status and buttons, come with the lock.
        everyone = lock_people(case)
        (person,) = [p for p in everyone if p.pk == individual_id]
        # A resent key meets the unique constraint on insert and gets the first result back; the
        # locks make a resend that arrives while the first is still at work wait for it.
        result = _move_locked(user, person, to_step, idempotency_key, device, case.port)
        if result.accepted and not result.repeated:
            result = replace(result, case_steps=sync_case_status(user, case, everyone))
        return result


def move_case(
    user: User,
    case_id: int,
    to_step: str,
    *,
    idempotency_key: str,
    device: str = "",
    only: Collection[int] | None = None,
) -> CaseStepResult:
    """Move every person of the case (or of ``only``, e.g. those on one flight) for whom the
    move makes sense. Each event's key is derived from the tap's key, so a retry of the same
    tap moves nobody new and reports what the first one did."""
    _check_input(to_step, idempotency_key)
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
        for key, person in keys.items():
            if key in earlier:
                result.moved.append(StepResult(earlier[key], person, repeated=True))
                continue
            reason = refusal_reason(person.current_step, to_step)
            reason = reason or custody_refusal(person, to_step)
            if reason or result.repeated:
                reason = reason or "not part of the first tap; tap again to move."
                result.not_moved.append(
                    (person, _explain_refusal(person, to_step, reason, case.port))
                )
                continue
            result.moved.append(_move_locked(user, person, to_step, key, device, case.port))
        if result.moved and not result.repeated:
            sync_case_status(user, case)
        return result
