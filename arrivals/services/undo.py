"""Undoing a mistaken tap: recorded as a new step event that ``undoes`` the original (nothing
is deleted), within ``UNDO_WINDOW_SECONDS``, by its author or a senior of the port."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from arrivals.models import StepEvent
from arrivals.services.locks import lock_case_and_people
from arrivals.services.step_events import (
    StepResult,
    User,
    event_with_key,
    latest_accepted,
    record_and_apply,
    repeated_result,
    sync_case_status,
    who_and_when,
)
from cases.steps import UNDO_WINDOW_SECONDS, in_words
from poe_ops.keys import check_key
from poe_ops.roles import COORDINATE, OPERATE
from poe_ops.scoping import get_scoped_or_404, has_port_perm, signed_in
from poe_ops.text import display_name


def undo_refusal(
    user: User,
    event: StepEvent,
    latest: StepEvent | None,
    now: dt.datetime,
    *,
    may_coordinate: bool | None = None,
) -> str:
    """Why ``user`` may not undo ``event`` (``latest``: the person's latest accepted event);
    empty when they may. Also used by the flight page to decide where an Undo button goes
    (it passes ``may_coordinate``, known once for the page, to save a query per row)."""
    port = event.port
    if not event.accepted:
        return "This tap was refused, so there is nothing to undo."
    if event.undoes_id is not None:
        return "An undo cannot be undone; tap the step again instead."
    if latest is None or latest.pk != event.pk:
        return (
            f"Only the latest step can be undone; {event.individual} is now "
            f"{in_words(event.individual.current_step)}."
        )
    if (now - event.at).total_seconds() > UNDO_WINDOW_SECONDS:
        return (
            f"Too late to undo: a step can be undone for {UNDO_WINDOW_SECONDS // 60} minutes, "
            f"and this one was {who_and_when(event, port)}."
        )
    if may_coordinate is None:
        may_coordinate = has_port_perm(user, port, COORDINATE)
    if event.actor_id != user.pk and not may_coordinate:
        who = display_name(event.actor)
        return f"Only {who}, who recorded this step, or a senior associate can undo it."
    return ""


def undo_step(user: User, event_id: int, *, idempotency_key: str, device: str = "") -> StepResult:
    """Undo a mistaken tap: recorded as a new event that ``undoes`` the original (nothing is
    deleted) and puts the person back where they were."""
    check_key(idempotency_key)
    scoped = get_scoped_or_404(
        StepEvent.objects.select_related("individual"), user, OPERATE, via="port", pk=event_id
    )
    with transaction.atomic():
        case, people = lock_case_and_people(scoped.individual.case_id, [scoped.individual_id])
        if (seen := event_with_key(idempotency_key)) is not None:
            return repeated_result(seen, scoped.individual_id, scoped.from_step)
        person = people[0]
        original = StepEvent.objects.select_related("actor", "port").get(pk=event_id)
        original.individual = person
        now = timezone.now()
        reason = undo_refusal(user, original, latest_accepted(person), now)
        event = StepEvent(
            individual=person,
            port=case.port,
            from_step=person.current_step,
            to_step=original.from_step,
            accepted=not reason,
            refusal_reason=reason[:200],
            undoes=None if reason else original,
            at=now,
            actor=signed_in(user),
            device=device[:300],
            idempotency_key=idempotency_key,
        )
        result = record_and_apply(user, event, "poe.individual.step.undo", {"undoes": original.pk})
        if result.accepted and not result.repeated:
            sync_case_status(user, case)
        return result
