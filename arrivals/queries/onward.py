"""Onward legs: the domestic flights a case (or some of its people) is booked on after arriving,
in the order they leave — a small destination needs two. One query for any number of cases;
the pages, the board, the PDF, the notices and check-in's guards all read them from here.

A person's *connection at the port* is their first leg that leaves the port itself; a second leg
leaves the airport the first one reached."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, models
from django.utils import timezone

from arrivals.models import Flight, Segment
from poe_ops.models import Port
from poe_ops.sql import column

_FIELDS = (
    "pk",
    "case_id",
    "flight_id",
    "flight__carrier",
    "flight__number",
    "flight__scheduled_date",
    "flight__origin",
    "flight__destination",
    "flight__scheduled_departure",
    "flight__estimated_departure",
    "flight__actual_departure",
    "flight__gate",
    "flight__status",
    "flight__scheduled_arrival",
    "flight__estimated_arrival",
    "flight__actual_arrival",
    "created_at",
    "individuals",
)


@dataclass
class Leg:
    """One current onward segment with its flight's departure facts."""

    segment_id: int
    case_id: int
    flight_id: int
    code: str
    scheduled_date: dt.date
    origin: str
    destination: str
    scheduled_departure: dt.datetime | None
    estimated_departure: dt.datetime | None
    actual_departure: dt.datetime | None
    gate: str
    status: str
    scheduled_arrival: dt.datetime | None
    estimated_arrival: dt.datetime | None
    actual_arrival: dt.datetime | None
    booked_at: dt.datetime  # when the segment was made (a rebooking makes a new one)
    named: set[int] = field(default_factory=set)  # the people named; empty: the whole case

    def carries(self, individual_id: int) -> bool:
        return not self.named or individual_id in self.named

    @property
    def departure(self) -> dt.datetime | None:
        """The best-known departure: actual, else estimated, else scheduled."""
        return self.actual_departure or self.estimated_departure or self.scheduled_departure

    @property
    def origin_tz(self) -> str:
        """The time zone of the airport it leaves (templates: ``|timezone:leg.origin_tz``)."""
        record = Port.airport_record(self.origin)
        return str(record["tz"]) if record else "UTC"

    @property
    def local_departure(self) -> dt.datetime | None:
        """The best-known departure in the local time of the airport it leaves."""
        when = self.departure
        return when.astimezone(zoneinfo.ZoneInfo(self.origin_tz)) if when else None

    @property
    def cancelled(self) -> bool:
        return self.status == Flight.Status.CANCELLED

    @property
    def departed(self) -> bool:
        return self.status == Flight.Status.DEPARTED or self.actual_departure is not None

    @property
    def minutes_late(self) -> int:
        """How much later than scheduled it leaves, by its estimate (0 when on time)."""
        if self.estimated_departure is None or self.scheduled_departure is None:
            return 0
        return max(
            0, int((self.estimated_departure - self.scheduled_departure).total_seconds() // 60)
        )

    @property
    def delayed(self) -> bool:
        return self.status == Flight.Status.DELAYED or self.minutes_late > 0

    @property
    def arrival(self) -> dt.datetime | None:
        """When it lands: actual, else estimated, else scheduled moved by the departure's delay."""
        if self.actual_arrival or self.estimated_arrival:
            return self.actual_arrival or self.estimated_arrival
        if self.scheduled_arrival is None:
            return None
        return self.scheduled_arrival + dt.timedelta(minutes=self.minutes_late)

    @property
    def status_label(self) -> str:
        return str(Flight.Status(self.status).label) if self.status in Flight.Status.values else ""

    def _order(self) -> tuple[dt.datetime, str]:
        when = self.scheduled_departure or dt.datetime.combine(
            self.scheduled_date, dt.time(23, 59), tzinfo=dt.UTC
        )
        return when, self.code


def legs_of_cases(case_ids: Iterable[int]) -> dict[int, list[Leg]]:
    """Each case's current (not replaced) onward legs, in the order they leave: one query (a
    leg naming several people comes back once per name)."""
    ids = list(case_ids)
    if not ids:
        return {}
    rows = (
        Segment.objects.filter(
            case_id__in=ids, direction=Segment.Direction.ONWARD, replaced_by__isnull=True
        )
        .order_by()
        .values_list(*_FIELDS)
    )
    return _legs_from(rows)


def _legs_from(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[Leg]]:
    """Legs by case from rows of ``_FIELDS``, in the order they leave."""
    legs: dict[int, Leg] = {}
    for (
        pk,
        case_id,
        flight_id,
        carrier,
        number,
        day,
        origin,
        destination,
        scheduled,
        estimated,
        actual,
        gate,
        status,
        scheduled_arrival,
        estimated_arrival,
        actual_arrival,
        booked_at,
        individual_id,
    ) in rows:
        leg = legs.get(pk)
        if leg is None:
            leg = legs[pk] = Leg(
                pk,
                case_id,
                flight_id,
                f"{carrier}{number}",
                day,
                origin,
                destination,
                scheduled,
                estimated,
                actual,
                gate,
                status,
                scheduled_arrival,
                estimated_arrival,
                actual_arrival,
                booked_at,
            )
        if individual_id is not None:
            leg.named.add(individual_id)
    by_case: dict[int, list[Leg]] = defaultdict(list)
    for leg in sorted(legs.values(), key=Leg._order):
        by_case[leg.case_id].append(leg)
    return dict(by_case)


def legs_of(legs: list[Leg], individual_id: int) -> list[Leg]:
    """The legs that carry this person, in the order they leave."""
    return [leg for leg in legs if leg.carries(individual_id)]


def connection_at(legs: list[Leg], individual_id: int, iata: str) -> Leg | None:
    """The person's connection at the port ``iata``: their first leg leaving it."""
    return next((leg for leg in legs_of(legs, individual_id) if leg.origin == iata), None)


def _columns() -> list[str]:
    """The columns of ``_FIELDS`` for the plain statement of ``case_on_flight``: the segment's
    (``s``), the flight's (``f``) and the person a segment names (``n``)."""
    through = Segment.individuals.through
    columns = []
    for name in _FIELDS:
        if name == "individuals":
            columns.append(f"n.{column(through, 'individual')}")
        elif name.startswith("flight__"):
            columns.append(f"f.{column(Flight, name.removeprefix('flight__'))}")
        else:
            columns.append(f"s.{column(Segment, name)}")
    return columns


def _on_flight_from(case: str) -> str:
    """What ``case_on_flight`` reads, after its columns: the case's current segments that are
    on the flight (``%s``) or onward (``%s``), with their flights and the people they name.
    ``case``: the case's id, a parameter or a column of an enclosing statement."""
    quote = connection.ops.quote_name
    through = Segment.individuals.through
    flight, direction, replaced_by = (
        column(Segment, name) for name in ("flight", "direction", "replaced_by")
    )
    # Reviewed (bandit B608): table and column names from the models' metadata; every value a
    # parameter.
    return (
        f"FROM {quote(Segment._meta.db_table)} s "  # nosec B608
        f"JOIN {quote(Flight._meta.db_table)} f ON f.{column(Flight, 'pk')} = s.{flight} "
        f"LEFT JOIN {quote(through._meta.db_table)} n "
        f"ON n.{column(through, 'segment')} = s.{column(Segment, 'pk')} "
        f"WHERE s.{column(Segment, 'case')} = {case} AND s.{replaced_by} IS NULL "
        f"AND (s.{flight} = %s OR s.{direction} = %s)"
    )


@functools.cache
def _case_on_flight_sql() -> str:
    # Reviewed (bandit B608): column names from the models' metadata.
    direction = column(Segment, "direction")
    return f"SELECT s.{direction}, {', '.join(_columns())} {_on_flight_from('%s')}"  # nosec B608


def case_on_flight_subquery(case: str) -> str:
    """``case_on_flight``'s rows as one JSON value, for a statement that reads them with its own
    (PostgreSQL: the tap's lock, ``arrivals.services.locks``), with ``case_on_flight_params``;
    read back by ``case_on_flight_from_json``. ``case``: the case's id column there."""
    direction = column(Segment, "direction")
    rows = f"json_build_array(s.{direction}, {', '.join(_columns())})"
    return f"(SELECT json_agg({rows}) {_on_flight_from(case)})"


def case_on_flight_params(flight_id: int) -> list[Any]:
    return [flight_id, Segment.Direction.ONWARD]


def case_on_flight(case_id: int, flight_id: int) -> tuple[list[int | None], list[Leg]]:
    """For the reply to a tap on a flight's page, in one query: whom of the case the flight
    carries (their ids, ``None`` for a segment carrying the whole case; empty when the case is
    not on it) and the case's onward legs. A plain statement, its text built once: it runs on
    every tap, and compiling it through the ORM cost more Python than PostgreSQL spends
    answering it (as ``legs_of_cases`` reads it, rows of ``_FIELDS``)."""
    with connection.cursor() as cursor:
        cursor.execute(_case_on_flight_sql(), [case_id, *case_on_flight_params(flight_id)])
        rows = cursor.fetchall()
    return _on_flight(rows, case_id, flight_id)


def case_on_flight_from_json(
    value: list[list[Any]] | None, case_id: int, flight_id: int
) -> tuple[list[int | None], list[Leg]]:
    """``case_on_flight`` from ``case_on_flight_subquery``'s JSON (dates and times as text)."""
    readers = _json_readers()
    rows = [
        (direction, *(None if x is None else read(x) for read, x in zip(readers, leg, strict=True)))
        for direction, *leg in value or []
    ]
    return _on_flight(rows, case_id, flight_id)


def _on_flight(
    rows: Iterable[Sequence[Any]], case_id: int, flight_id: int
) -> tuple[list[int | None], list[Leg]]:
    named: list[int | None] = []
    onward = []
    for direction, *leg in rows:
        if leg[2] == flight_id:  # the segment's flight: the one tapped on
            named.append(leg[-1])  # the person it names, or None: the whole case
        if direction == Segment.Direction.ONWARD:
            onward.append(tuple(_aware(value) for value in leg))
    return named, _legs_from(onward).get(case_id, [])


@functools.cache
def _json_readers() -> tuple[Callable[[Any], Any], ...]:
    """How each of ``_FIELDS`` comes back from JSON: dates and times as ISO text."""
    readers: list[Callable[[Any], Any]] = []
    for name in _FIELDS:
        model: type[models.Model] = Flight if name.startswith("flight__") else Segment
        name = name.removeprefix("flight__")
        field = None if name in ("pk", "individuals") else model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            readers.append(dt.datetime.fromisoformat)
        elif isinstance(field, models.DateField):
            readers.append(dt.date.fromisoformat)
        else:
            readers.append(_as_is)
    return tuple(readers)


def _as_is(value: Any) -> Any:
    return value


def _aware(value: Any) -> Any:
    """A datetime as the ORM gives it: aware (SQLite hands a plain statement naive UTC)."""
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, dt.UTC)
    return value
