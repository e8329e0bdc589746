"""Recording a step event, shared by the check-in taps, undo and rebooking: the locks (the case,
then its people in id order), the idempotent insert, putting the person on their new step with
its audit event, and the case's status that follows."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import connection, models
from django.utils import timezone

from arrivals.models import StepEvent
from arrivals.services import notices
from cases.models import Case, Individual
from cases.steps import FINISHED, ArrivalStep, in_words
from poe_ops.keys import claim, claim_insert, first_with_key
from poe_ops.models import AuditEvent, Port
from poe_ops.refusals import Refusal
from poe_ops.services.audit import log_action, unsaved_event, written
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
        f"SET {_column(Individual, 'current_step')} = %s, "
        f"{_column(Individual, 'current_step_at')} = %s "
        f"WHERE {_column(Individual, 'pk')} = %s AND EXISTS (SELECT 1 FROM e)), "
        f"a AS (INSERT INTO {audit} ({audit_columns}) SELECT {', '.join(values)} FROM e) "
    )
    if with_case:
        # Reviewed (bandit B608): as above.
        sql += (
            f", c AS (UPDATE {quote(Case._meta.db_table)} "  # noqa: S608  # nosec B608
            f"SET {_column(Case, 'status')} = %s, {_column(Case, 'updated_at')} = %s "
            f"WHERE {_column(Case, 'pk')} = %s AND EXISTS (SELECT 1 FROM e)), "
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
    status = case_status_of(steps)
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


# --- The tap's one lock: a person's case, its port and its people in one statement ----------

Converter = Callable[[Any, Any, Any], Any]


@dataclass(frozen=True)
class _Columns:
    """How a model's rows come back from a plain statement: its quoted columns under ``alias``
    and the converters the ORM would apply to each (JSON, aware datetimes on SQLite, custom
    fields), so the instances are the ones a queryset would have built."""

    model: type[models.Model]
    names: tuple[str, ...]  # attnames, in column order
    sql: tuple[str, ...]
    converters: tuple[tuple[tuple[Converter, ...], Any], ...]  # (converters, expression)

    @classmethod
    def of(cls, model: type[models.Model], alias: str) -> _Columns:
        fields = model._meta.concrete_fields
        quote = connection.ops.quote_name
        converters = []
        for field in fields:
            column = field.get_col(alias)
            found = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
            converters.append((tuple(found), column))
        return cls(
            model,
            tuple(field.attname for field in fields),
            tuple(f"{alias}.{quote(str(field.column))}" for field in fields),
            tuple(converters),
        )

    def build(self, values: Sequence[Any]) -> Any:
        converted = []
        for value, (converters, expression) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, expression, connection)
            converted.append(value)
        return self.model.from_db(connection.alias, list(self.names), converted)


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None, name
    return connection.ops.quote_name(field.column)


@functools.cache
def _lock_statement(
    vendor: str, ports: int, by_port: bool, by_iata: bool
) -> tuple[str, _Columns, _Columns, _Columns]:
    """The text of ``lock_case_and_people_of``'s statement (built once per shape: how many
    ports, which filters) and how to read its rows. ``vendor``: the statement differs where the
    database cannot lock rows (SQLite, ``make run``)."""
    del vendor  # part of the cache key only: the features below are the connection's
    case, port = _Columns.of(Case, "c"), _Columns.of(Port, "p")
    person = _Columns.of(Individual, "i")
    quote = connection.ops.quote_name
    case_pk, case_port = _column(Case, "pk"), _column(Case, "port")
    person_pk, person_case = _column(Individual, "pk"), _column(Individual, "case")
    people = quote(Individual._meta.db_table)
    # Reviewed (bandit B608): table and column names from the models' metadata; every value a
    # parameter.
    where = [
        f"c.{case_pk} = (SELECT {person_case} FROM {people} "  # noqa: S608  # nosec B608
        f"WHERE {person_pk} = %s)",
        f"c.{case_port} IN ({', '.join(['%s'] * ports)})",
    ]
    if by_port:
        where.append(f"c.{case_port} = %s")
    if by_iata:
        where.append(f"p.{_column(Port, 'iata')} = %s")
    lock = ""
    if connection.features.has_select_for_update_of:
        lock = " FOR UPDATE OF c, i"  # not the port: every tap at a port would wait for another
    # Reviewed (bandit B608): table and column names from the models' metadata; every value a
    # parameter.
    sql = (
        f"SELECT {', '.join(case.sql + port.sql + person.sql)} "  # noqa: S608  # nosec B608
        f"FROM {quote(Case._meta.db_table)} c "
        f"JOIN {quote(Port._meta.db_table)} p ON p.{_column(Port, 'pk')} = c.{case_port} "
        f"JOIN {people} i ON i.{person_case} = c.{case_pk} "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY i.{person_pk}{lock}"
    )
    return sql, case, port, person


def lock_case_and_people_of(
    individual_id: int,
    port_ids: Collection[int],
    *,
    port_id: int | None = None,
    iata: str | None = None,
) -> tuple[Case, list[Individual]] | None:
    """Lock the case of the person ``individual_id`` and all its people, in one statement, if
    the case is at one of ``port_ids`` (and at ``port_id`` / the port coded ``iata``, if
    given); ``None`` otherwise. The case comes with its port (not locked), every person with
    the case. The order is the one every check-in keeps (``lock_case_and_people``): PostgreSQL
    locks the rows of a ``SELECT … ORDER BY … FOR UPDATE`` as it returns them, sorted, each
    row's case before its person — the case with the first row, then the people by id. One
    round trip and a statement prepared once per connection instead of two compiled by the ORM
    on every tap (issue 20)."""
    if not port_ids:
        return None
    sql, case_columns, port_columns, person_columns = _lock_statement(
        connection.vendor, len(port_ids), port_id is not None, iata is not None
    )
    params: list[Any] = [individual_id, *sorted(port_ids)]
    if port_id is not None:
        params.append(port_id)
    if iata is not None:
        params.append(iata.upper())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    widths = len(case_columns.names), len(port_columns.names)
    first = rows[0]
    case = case_columns.build(first[: widths[0]])
    case.port = port_columns.build(first[widths[0] : sum(widths)])
    people = []
    for row in rows:
        person = person_columns.build(row[sum(widths) :])
        person.case = case  # already loaded and locked: spare a query for whoever reads it
        people.append(person)
    return case, people
