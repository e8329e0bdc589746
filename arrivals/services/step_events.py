"""Recording a step event, shared by the check-in taps, undo and rebooking: the idempotent
insert, putting the person on their new step with its audit event, and the case's status that
follows. The locks every caller takes first are in ``arrivals.services.locks``."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models
from django.utils import timezone

from arrivals.models import StepEvent
from arrivals.queries.onward import Leg
from arrivals.services import notices
from cases.models import Case, Individual
from cases.steps import FINISHED, ArrivalStep, in_words
from poe_ops.keys import claim, claim_insert, first_with_key
from poe_ops.models import AuditEvent, Port
from poe_ops.refusals import Refusal
from poe_ops.services.audit import log_action, unsaved_event, written
from poe_ops.sql import column
from poe_ops.text import display_name

User = AbstractBaseUser | AnonymousUser
CASE_STATUS_ACTION = "poe.case.status"


@dataclass(frozen=True)
class StepResult:
    """What a tap did. ``repeated`` when the same idempotency key had been seen before."""

    event: StepEvent
    individual: Individual
    repeated: bool = False
    # Where everyone in the case is after this tap ({person id: step}); read for the case status
    # anyway, and handed to the page so it can refresh the case's buttons without asking again.
    case_steps: dict[int, str] | None = None
    # Whether ``event`` is the person's latest accepted step (so the page can draw their row,
    # Undo included, without asking): always for a move just made, and for a tap sent again
    # whose first sending is still the latest.
    event_is_latest: bool = False
    # For a tap on a flight's page (``move_individual``'s ``flight_id``): whom of the case that
    # flight carries and the case's onward legs (``onward.case_on_flight``), read in the tap's
    # transaction.
    on_flight: tuple[list[int | None], list[Leg]] | None = None

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


def repeated_result(
    event: StepEvent, individual_id: int, to_step: str, individual: Individual | None = None
) -> StepResult:
    """The answer to a key seen before: the first result, or a refusal when the key was used
    for another move. ``individual``: the person as already read (locked), sparing a query."""
    if event.individual_id != individual_id or event.to_step != to_step:
        raise Refusal(
            "This form was already used for another move; reload the page and tap again.",
            code="reused_key",
        )
    if individual is None:
        individual = event.individual
    return StepResult(event=event, individual=individual, repeated=True)


def record_and_apply(
    user: User,
    event: StepEvent,
    action: str,
    data: dict[str, Any] | None = None,
    *,
    case_status: tuple[Case, str] | None = None,
) -> StepResult:
    """Record ``event`` (a move or an undo) and, when accepted, put the person on its step and
    write the audit event. A key another request saved first is answered with that request's
    result. The caller holds the locks on the case and the person. ``case_status``: the case
    and the status the accepted move gives it, written in the same statement where it can be
    (otherwise ``sync_case_status`` writes it after)."""
    if event.accepted and connection.vendor == "postgresql":
        return _record_and_apply_at_once(user, event, action, data, case_status)
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


@functools.cache
def _at_once_statement(claim_sql: str, with_case: bool) -> str:
    """``claim_sql`` (the step event's idempotent insert) with the person's new step and the
    audit event as data-modifying CTEs that run only when the insert did: one statement, one
    round trip. The audit event's ``data`` is merged in SQL with the step event's id, which only
    the insert knows. ``with_case``: the case's new status and its audit event too."""
    quote = connection.ops.quote_name
    person = Individual._meta
    audit_fields = _audit_fields()
    audit_columns = ", ".join(quote(str(f.column)) for f in audit_fields)
    data_at = [f.name for f in audit_fields].index("data")
    values = ["%s"] * len(audit_fields)
    step_event_pk = quote(StepEvent._meta.pk.column)
    values[data_at] = f"(CAST(%s AS jsonb) || jsonb_build_object('step_event', e.{step_event_pk}))"
    audit = quote(AuditEvent._meta.db_table)
    # Reviewed (bandit B608): table and column names from the models' metadata; every value a
    # parameter.
    sql = (
        f"WITH e AS ({claim_sql}), "  # noqa: S608  # nosec B608
        f"p AS (UPDATE {quote(person.db_table)} "
        f"SET {column(Individual, 'current_step')} = %s, "
        f"{column(Individual, 'current_step_at')} = %s "
        f"WHERE {column(Individual, 'pk')} = %s AND EXISTS (SELECT 1 FROM e)), "
        f"a AS (INSERT INTO {audit} ({audit_columns}) SELECT {', '.join(values)} FROM e) "
    )
    if with_case:
        # Reviewed (bandit B608): as above.
        sql += (
            f", c AS (UPDATE {quote(Case._meta.db_table)} "  # noqa: S608  # nosec B608
            f"SET {column(Case, 'status')} = %s, {column(Case, 'updated_at')} = %s "
            f"WHERE {column(Case, 'pk')} = %s AND EXISTS (SELECT 1 FROM e)), "
            f"ca AS (INSERT INTO {audit} ({audit_columns}) "
            f"SELECT {', '.join(['%s'] * len(audit_fields))} FROM e) "
        )
    # Reviewed (bandit B608): the step event's primary key column, from the model's metadata.
    return sql + f"SELECT e.{step_event_pk} FROM e"  # noqa: S608  # nosec B608


@functools.cache
def _audit_fields() -> list[models.Field[Any, Any]]:
    return [f for f in AuditEvent._meta.local_concrete_fields if not f.primary_key]


def _audit_values(audit: AuditEvent) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(audit, add=True), connection) for f in _audit_fields()]


def _record_and_apply_at_once(
    user: User,
    event: StepEvent,
    action: str,
    data: dict[str, Any] | None,
    case_status: tuple[Case, str] | None = None,
) -> StepResult:
    """``record_and_apply`` of an accepted move in one statement (PostgreSQL): the same rows as
    ``claim``, ``Individual.save`` and ``log_action`` write one after the other — the step
    event, the person on its step, the audit event (its ``data`` gets the step event's id in
    SQL), and with ``case_status`` the case's new status and its audit event, as
    ``sync_case_status`` writes them — and the same after-commit count (``written``)."""
    person = event.individual
    claim_sql, values = claim_insert(event)  # sets the event's time
    sql = _at_once_statement(claim_sql, case_status is not None)
    audit = unsaved_event(
        user,
        action,
        person,
        port=event.port,
        changes={"current_step": [person.current_step, event.to_step]},
        data={**(data or {}), "device": event.device},
    )
    at = Individual._meta.get_field("current_step_at").get_db_prep_save(event.at, connection)
    values += [event.to_step, at, person.pk, *_audit_values(audit)]
    case_audit = None
    if case_status is not None:
        case, status = case_status
        updated_at = timezone.now()
        case_audit = unsaved_event(
            user, CASE_STATUS_ACTION, case, changes={"status": [case.status, status]}
        )
        updated = Case._meta.get_field("updated_at").get_db_prep_save(updated_at, connection)
        values += [status, updated, case.pk, *_audit_values(case_audit)]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is None:  # the key was used first by another request: its result, nothing written
        return repeated_result(first_with_key(event), event.individual_id, event.to_step)
    event.pk = row[0]
    event._state.adding, event._state.db = False, connection.alias
    person.current_step, person.current_step_at = event.to_step, event.at
    written(audit)
    if case_status is not None and case_audit is not None:
        case.status, case.updated_at = status, updated_at
        written(case_audit)
    return StepResult(event=event, individual=person, event_is_latest=True)


def sync_case_status(
    user: User, case: Case, steps: Mapping[int, str] | None = None
) -> dict[int, str]:
    """In progress once anyone has been met; completed when everyone reached an outcome.
    Returns where everyone in the case now is (from ``steps``, ``{person id: step}`` of the
    case's people already locked and up to date, when given)."""
    if steps is not None:
        case_steps = dict(steps)
    else:
        case_steps = dict(case.individuals.values_list("pk", "current_step"))
    if case.status == Case.Status.CANCELLED:
        return case_steps
    present = set(case_steps.values())
    notices.case_progressed(case, present)
    status = case_status_of(present)
    if status != case.status:
        before = case.status
        case.status = status
        case.save(update_fields=["status", "updated_at"])
        log_action(user, CASE_STATUS_ACTION, case, changes={"status": [before, status]})
    return case_steps


def case_status_of(steps: Iterable[str]) -> str:
    """A case's status from where its people are: expected until anyone has been met,
    completed when everyone reached an outcome, in progress in between."""
    found = set(steps)
    if not found or found == {ArrivalStep.EXPECTED}:
        return Case.Status.EXPECTED
    if found <= FINISHED:
        return Case.Status.COMPLETED
    return Case.Status.IN_PROGRESS
