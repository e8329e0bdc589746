"""The locks every move of a person takes before it is recorded (``step_events``): the case,
then its people in id order — so two tablets cannot deadlock and moves within one case are
serialised — and the tap's own lock, the person's case with its port and the whole family in
one statement."""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, models

from arrivals.queries.onward import (
    Leg,
    case_on_flight,
    case_on_flight_from_json,
    case_on_flight_params,
    case_on_flight_subquery,
)
from cases.models import Case, Individual
from poe_ops.models import Port
from poe_ops.sql import column


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


# The case, its port and the whole person come on the tapped person's row only (NULL on the
# others'); every row carries its person's id and step, which decide the case's status and its
# all-at-once buttons. A family of seven was read and built as seven copies of the case and the
# port and six people nobody looked at (issue 20).
_EVERY_ROW = ("id", "current_step")


@functools.cache
def _lock_statement(
    vendor: str, ports: int, by_port: bool, by_iata: bool, on_flight: bool
) -> tuple[str, _Columns, _Columns, _Columns]:
    """The text of ``lock_case_and_people_of``'s statement (built once per shape: how many
    ports, which filters, whether it reads the case's journey on a flight) and how to read its
    rows. ``vendor``: the statement differs where the database cannot lock rows (SQLite,
    ``make run``)."""
    del vendor  # part of the cache key only: the features below are the connection's
    case, port = _Columns.of(Case, "c"), _Columns.of(Port, "p")
    person = _Columns.of(Individual, "i")
    quote = connection.ops.quote_name
    case_pk, case_port = column(Case, "pk"), column(Case, "port")
    person_pk, person_case = column(Individual, "pk"), column(Individual, "case")
    people = quote(Individual._meta.db_table)
    every_row = [f"i.{column(Individual, name)}" for name in _EVERY_ROW]
    tapped_only = [
        f"CASE WHEN i.{person_pk} = t.id THEN {column} END"
        for column in case.sql + port.sql + person.sql
    ]
    if on_flight:  # last: the answer's read of the case's journey (onward.case_on_flight)
        tapped_only.append(
            f"CASE WHEN i.{person_pk} = t.id THEN {case_on_flight_subquery(f'c.{case_pk}')} END"
        )
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
        where.append(f"p.{column(Port, 'iata')} = %s")
    lock = ""
    if connection.features.has_select_for_update_of:
        lock = " FOR UPDATE OF c, i"  # not the port: every tap at a port would wait for another
    # Reviewed (bandit B608): table and column names from the models' metadata; every value a
    # parameter.
    sql = (
        f"SELECT {', '.join(every_row + tapped_only)} "  # noqa: S608  # nosec B608
        "FROM (SELECT CAST(%s AS bigint) AS id) t "
        f"CROSS JOIN {quote(Case._meta.db_table)} c "
        f"JOIN {quote(Port._meta.db_table)} p ON p.{column(Port, 'pk')} = c.{case_port} "
        f"JOIN {people} i ON i.{person_case} = c.{case_pk} "
        f"WHERE {' AND '.join(where)} "
        f"ORDER BY i.{person_pk}{lock}"
    )
    return sql, case, port, person


@dataclass(frozen=True)
class Locked:
    """What ``lock_case_and_people_of`` locked: the case with its port, the person (with the
    case) and where each of the family is, as locked (``{person id: step}``, in id order); and,
    asked for a flight, whom of the case it carries and the case's onward legs
    (``onward.case_on_flight``)."""

    case: Case
    person: Individual
    steps: dict[int, str]
    on_flight: tuple[list[int | None], list[Leg]] | None = None


def lock_case_and_people_of(
    individual_id: int,
    port_ids: Collection[int],
    *,
    port_id: int | None = None,
    iata: str | None = None,
    flight_id: int | None = None,
) -> Locked | None:
    """Lock the case of the person ``individual_id`` and all its people, in one statement, if
    the case is at one of ``port_ids`` (and at ``port_id`` / the port coded ``iata``, if
    given); ``None`` otherwise. The case comes with its port (not locked); with ``flight_id``
    (a tap on that flight's page), what its answer shows of the case's journey, read by the
    same statement on PostgreSQL (one round trip less on every such tap). The order is the one
    every check-in keeps (``lock_case_and_people``): PostgreSQL locks the rows of a ``SELECT …
    ORDER BY … FOR UPDATE`` as it returns them, sorted, each row's case before its person — the
    case with the first row, then the people by id. One round trip and a statement prepared
    once per connection instead of two compiled by the ORM on every tap (issue 20)."""
    if not port_ids:
        return None
    on_flight = flight_id is not None and connection.vendor == "postgresql"
    sql, case_columns, port_columns, person_columns = _lock_statement(
        connection.vendor, len(port_ids), port_id is not None, iata is not None, on_flight
    )
    params: list[Any] = []
    if on_flight and flight_id is not None:  # its parameters come first: in the column list
        params += case_on_flight_params(flight_id)
    params += [individual_id, individual_id, *sorted(port_ids)]
    if port_id is not None:
        params.append(port_id)
    if iata is not None:
        params.append(iata.upper())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    (tapped,) = [row for row in rows if row[0] == individual_id]
    ends = [len(_EVERY_ROW)]
    for columns in (case_columns, port_columns, person_columns):
        ends.append(ends[-1] + len(columns.names))
    case = case_columns.build(tapped[ends[0] : ends[1]])
    case.port = port_columns.build(tapped[ends[1] : ends[2]])
    person = person_columns.build(tapped[ends[2] : ends[3]])
    person.case = case  # already loaded and locked: spare a query for whoever reads it
    journey = None
    if flight_id is not None:
        journey = (
            case_on_flight_from_json(tapped[ends[3]], case.pk, flight_id)
            if on_flight
            else case_on_flight(case.pk, flight_id)  # SQLite: a statement of its own
        )
    return Locked(case, person, {row[0]: row[1] for row in rows}, journey)
