"""Check-in on the tablet: moving people through the arrival steps (undoing a mistaken tap is
in ``arrivals.undo``, on the same helpers).

Shaped like pretix's ``perform_checkin``: inside one transaction, a repeated idempotency key is
answered with the event it already made; then the case and person rows are locked (so two
tablets moving the same person are served one after the other), the move is checked, and an
append-only ``StepEvent`` is written — refused attempts too, with the reason the tablet showed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Field
from django.http import Http404

from arrivals import escorts, notices
from arrivals.models import StepEvent
from arrivals.steps import OUTCOMES, refusal_reason
from cases.models import ArrivalStep, Case, Individual
from poe_ops.models import Port
from poe_ops.roles import OPERATE, VIEW
from poe_ops.scoping import (
    get_scoped_or_404,
    port_permissions,
    require_port_perm,
)
from poe_ops.services.audit import log_action

User = AbstractBaseUser | AnonymousUser

_KEY = re.compile(r"^[A-Za-z0-9-]{8,48}$")


class StepInputError(ValueError):
    """The request itself is malformed (unknown step, missing key): nothing was recorded."""


@dataclass(frozen=True)
class StepResult:
    """What a tap did. ``repeated`` when the same idempotency key had been seen before."""

    event: StepEvent
    individual: Individual
    repeated: bool = False
    # Where everyone in the case is after this tap ({person id: step}); read for the case status
    # anyway, and handed to the page so it can refresh the case's buttons without asking again.
    case_steps: dict[int, str] | None = None

    @property
    def accepted(self) -> bool:
        return self.event.accepted

    @property
    def message(self) -> str:
        if not self.event.accepted:
            return self.event.refusal_reason
        step = ArrivalStep(self.event.to_step).label
        if self.event.undoes_id is not None:
            return f"Undone: {self.individual} is back to {step.lower()}."
        return f"{self.individual}: {step.lower()}."


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
            parts.append(f"Nobody in case {self.case} was moved to {label.lower()}.")
        parts += [f"{person} not moved: {reason}" for person, reason in self.not_moved]
        return " ".join(parts)


def _actor(user: User) -> Any:
    """The signed-in user who taps; the scoping helpers have already refused anyone else."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to record arrival steps.")
    return user


def _check_input(to_step: str, idempotency_key: str) -> None:
    if to_step not in ArrivalStep.values:
        raise StepInputError(f"“{to_step}” is not an arrival step.")
    if not _KEY.match(idempotency_key or ""):
        raise StepInputError(
            "This form has no valid idempotency key; reload the page and tap again."
        )


def _name(user: Any) -> str:
    return str(user.get_full_name() or user.get_username())


def _who_and_when(event: StepEvent | None, port: Port) -> str:
    if event is None:
        return ""
    return f"recorded by {_name(event.actor)} at {event.at.astimezone(port.zone):%H:%M}"


def _latest_accepted(individual: Individual) -> StepEvent | None:
    return (
        StepEvent.objects.filter(individual=individual, accepted=True)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def _explain_refusal(individual: Individual, to_step: str, reason: str, port: Port) -> str:
    """The plain reason, with who set the person's current step and when, so the associate
    whose tap lost a race to another tablet understands what happened."""
    who = _who_and_when(_latest_accepted(individual), port)
    if not who:
        return reason
    if individual.current_step == to_step:
        label = ArrivalStep(to_step).label
        return f"Already {label.lower()} — {who}."[:200]
    return f"{reason} ({ArrivalStep(individual.current_step).label} {who}.)"[:200]


def _existing(idempotency_key: str) -> StepEvent | None:
    return (
        StepEvent.objects.select_related("individual", "actor")
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def _repeat(event: StepEvent, individual_id: int, to_step: str) -> StepResult:
    if event.individual_id != individual_id or event.to_step != to_step:
        raise StepInputError(
            "This form was already used for another move; reload the page and tap again."
        )
    return StepResult(event=event, individual=event.individual, repeated=True)


@functools.cache
def _insert_unless_key_taken() -> tuple[str, list[Field[Any, Any]]]:
    """``INSERT … ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`` for a StepEvent, with
    the fields in the order of its placeholders (PostgreSQL, and SQLite since 3.35)."""
    meta = StepEvent._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    key = meta.get_field("idempotency_key")
    assert isinstance(key, Field) and key.unique  # the conflict this statement expects
    # Names from the model's own metadata; every value is a parameter.
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders}) "  # noqa: S608
        f"ON CONFLICT ({quote(key.column)}) DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def _record(event: StepEvent) -> StepEvent | None:
    """Save ``event``; None if another request saved the same idempotency key first.

    One statement: the key's unique constraint decides, without a savepoint around a plain
    insert (two more round trips on every tap). Any other constraint still raises."""
    sql, fields = _insert_unless_key_taken()
    values = [f.get_db_prep_save(f.pre_save(event, add=True), connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:
        return None
    event.pk = row[0]
    event._state.adding, event._state.db = False, connection.alias
    return event


def _save_and_apply(
    user: User, event: StepEvent, action: str, data: dict[str, Any] | None = None
) -> StepResult:
    """Record ``event`` (a move or an undo) and, when accepted, put the person on its step and
    write the audit event. A key another request saved first is answered with that request's
    result. The caller holds the locks on the case and the person."""
    saved = _record(event)
    if saved is None:
        first = _existing(event.idempotency_key)
        assert first is not None
        return _repeat(first, event.individual_id, event.to_step)
    person = saved.individual
    if saved.accepted:
        before = person.current_step
        person.current_step = saved.to_step
        person.current_step_at = saved.at
        person.save(update_fields=["current_step", "current_step_at"])
        log_action(
            user,
            action,
            person,
            port=saved.port,
            changes={"current_step": [before, saved.to_step]},
            data={**(data or {}), "step_event": saved.pk, "device": saved.device},
        )
    return StepResult(event=saved, individual=person)


def _sync_case_status(
    user: User, case: Case, everyone: list[Individual] | None = None
) -> dict[int, str]:
    """In progress once anyone has been met; completed when everyone reached an outcome.
    Returns where everyone in the case now is (from ``everyone``, the case's people already
    locked and up to date, when given)."""
    if everyone is not None:
        case_steps = {person.pk: person.current_step for person in everyone}
    else:
        case_steps = dict(case.individuals.values_list("pk", "current_step"))
    if case.status == Case.Status.CANCELLED:
        return case_steps
    steps = set(case_steps.values())
    notices.case_progressed(case, steps)
    if not steps or steps == {ArrivalStep.EXPECTED}:
        status = Case.Status.EXPECTED
    elif steps <= OUTCOMES:
        status = Case.Status.COMPLETED
    else:
        status = Case.Status.IN_PROGRESS
    if status != case.status:
        before = case.status
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        log_action(user, "poe.case.status", case, changes={"status": [before, status]})
    return case_steps


def _move_locked(
    user: User, individual: Individual, to_step: str, key: str, device: str, port: Port
) -> StepResult:
    """The move itself, with the case and person rows already locked by the caller."""
    from_step = individual.current_step
    reason = refusal_reason(from_step, to_step) or escorts.custody_refusal(individual, to_step)
    event = StepEvent(
        individual=individual,
        port=port,
        from_step=from_step,
        to_step=to_step,
        accepted=not reason,
        refusal_reason=_explain_refusal(individual, to_step, reason, port) if reason else "",
        actor=_actor(user),
        device=device[:300],
        idempotency_key=key,
    )
    result = _save_and_apply(user, event, f"poe.individual.step.{to_step}")
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


def _lock_people(case: Case, individual_ids: Collection[int] | None = None) -> list[Individual]:
    """Lock the case's people (or some of them) in id order, after the case."""
    people = Individual.objects.select_for_update().filter(case=case).order_by("pk")
    if individual_ids is not None:
        people = people.filter(pk__in=individual_ids)
    locked = list(people)
    for person in locked:
        person.case = case  # already loaded and locked: spare a query for whoever reads it
    return locked


def _lock(
    case_id: int, individual_ids: Collection[int] | None = None
) -> tuple[Case, list[Individual]]:
    """Lock the case row, then its people in id order: every check-in takes locks in this order,
    so two tablets cannot deadlock, and moves within one case are serialised."""
    # of=("self",): lock the case only, not the port row joined in (that would make every tap
    # at a port wait for every other).
    case = Case.objects.select_for_update(of=("self",)).select_related("port").get(pk=case_id)
    return case, _lock_people(case, individual_ids)


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
        everyone = _lock_people(case)
        (person,) = [p for p in everyone if p.pk == individual_id]
        # A resent key meets the unique constraint on insert and gets the first result back; the
        # locks make a resend that arrives while the first is still at work wait for it.
        result = _move_locked(user, person, to_step, idempotency_key, device, case.port)
        if result.accepted and not result.repeated:
            result = replace(result, case_steps=_sync_case_status(user, case, everyone))
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
        case, people = _lock(scoped.pk, only)
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
            reason = reason or escorts.custody_refusal(person, to_step)
            if reason or result.repeated:
                reason = reason or "not part of the first tap; tap again to move."
                result.not_moved.append(
                    (person, _explain_refusal(person, to_step, reason, case.port))
                )
                continue
            result.moved.append(_move_locked(user, person, to_step, key, device, case.port))
        if result.moved and not result.repeated:
            _sync_case_status(user, case)
        return result
