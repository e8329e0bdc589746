"""Recording a step event, shared by the check-in taps, undo and rebooking: the locks (the case,
then its people in id order), the idempotent insert, putting the person on their new step with
its audit event, and the case's status that follows."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

from arrivals.models import StepEvent
from arrivals.services import notices
from cases.models import Case, Individual
from cases.steps import FINISHED, ArrivalStep, in_words
from poe_ops.keys import claim
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.services.audit import log_action
from poe_ops.text import display_name

User = AbstractBaseUser | AnonymousUser


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
        step = in_words(self.event.to_step)
        if self.event.undoes_id is not None:
            return f"Undone: {self.individual} is back to {step}."
        return f"{self.individual}: {step}."


def who_and_when(event: StepEvent | None, port: Port) -> str:
    if event is None:
        return ""
    return f"recorded by {display_name(event.actor)} at {event.at.astimezone(port.zone):%H:%M}"


def latest_accepted(individual: Individual) -> StepEvent | None:
    return (
        StepEvent.objects.filter(individual=individual, accepted=True)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )


def event_with_key(idempotency_key: str) -> StepEvent | None:
    return (
        StepEvent.objects.select_related("individual", "actor")
        .filter(idempotency_key=idempotency_key)
        .first()
    )


def repeated_result(event: StepEvent, individual_id: int, to_step: str) -> StepResult:
    if event.individual_id != individual_id or event.to_step != to_step:
        raise Refusal(
            "This form was already used for another move; reload the page and tap again.",
            code="reused_key",
        )
    return StepResult(event=event, individual=event.individual, repeated=True)


def record_and_apply(
    user: User, event: StepEvent, action: str, data: dict[str, Any] | None = None
) -> StepResult:
    """Record ``event`` (a move or an undo) and, when accepted, put the person on its step and
    write the audit event. A key another request saved first is answered with that request's
    result. The caller holds the locks on the case and the person."""
    # One statement: the key's unique constraint decides, without a savepoint around a plain
    # insert (two more round trips on every tap).
    saved, created = claim(event)
    if not created:
        return repeated_result(saved, event.individual_id, event.to_step)
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


def sync_case_status(
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
    elif steps <= FINISHED:
        status = Case.Status.COMPLETED
    else:
        status = Case.Status.IN_PROGRESS
    if status != case.status:
        before = case.status
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        log_action(user, "poe.case.status", case, changes={"status": [before, status]})
    return case_steps


def lock_people(case: Case, individual_ids: Collection[int] | None = None) -> list[Individual]:
    """Lock the case's people (or some of them) in id order, after the case."""
    people = Individual.objects.select_for_update().filter(case=case).order_by("pk")
    if individual_ids is not None:
        people = people.filter(pk__in=individual_ids)
    locked = list(people)
    for person in locked:
        person.case = case  # already loaded and locked: spare a query for whoever reads it
    return locked


def lock_case_and_people(
    case_id: int, individual_ids: Collection[int] | None = None
) -> tuple[Case, list[Individual]]:
    """Lock the case row, then its people in id order: every check-in takes locks in this order,
    so two tablets cannot deadlock, and moves within one case are serialised."""
    # of=("self",): lock the case only, not the port row joined in (that would make every tap
    # at a port wait for every other).
    case = Case.objects.select_for_update(of=("self",)).select_related("port").get(pk=case_id)
    return case, lock_people(case, individual_ids)
