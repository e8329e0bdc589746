"""The flights of one manifest row: the inbound leg to the port and the onward legs after it,
each checked against the one before (in order, connected, not leaving before it lands)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from arrivals.manifest.cells import RowCells, airport_zone, duration
from arrivals.manifest.columns import FUTURE_DAYS, LEG_COLUMNS, PAST_DAYS, onward_prefix


@dataclass(frozen=True)
class FlightLeg:
    carrier: str
    number: str
    scheduled_date: dt.date
    origin: str
    destination: str
    scheduled_departure: dt.datetime | None
    scheduled_arrival: dt.datetime | None

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.carrier, self.number, self.scheduled_date)

    @property
    def code(self) -> str:
        return f"{self.carrier}{self.number}"

    def __str__(self) -> str:
        return f"{self.code} {self.scheduled_date:%Y-%m-%d}"


def inbound_leg(row: RowCells) -> FlightLeg | None:
    code = row.flight_code("inbound_flight", required=True)
    day = row.date("inbound_date", required=True)
    origin, origin_zone = row.airport("inbound_origin", required=True)
    departure = row.local_time(
        "inbound_departure_local",
        origin_zone,
        "inbound_departure_utc_offset",
        required=False,
    )
    arrival = row.local_time(
        "inbound_arrival_local", row.port.zone, "inbound_arrival_utc_offset", required=True
    )
    if departure and arrival and arrival <= departure:
        row.problem("inbound_arrival_local", "is not after the flight's departure.")
    if arrival is not None:
        row.arrival_day = arrival.astimezone(zoneinfo.ZoneInfo(row.port.zone)).date()
    if day is not None:
        _check_travel_date(row, "inbound_date", day)
    if code is None or day is None or not origin or arrival is None:
        return None
    return FlightLeg(code[0], code[1], day, origin, row.port.iata, departure, arrival)


def _check_travel_date(row: RowCells, column: str, day: dt.date) -> None:
    days = (day - row.port.today).days
    if days < -PAST_DAYS:
        row.warn(
            column,
            f"{day:%Y-%m-%d} is {-days} days ago (today is {row.port.today:%Y-%m-%d} at "
            f"{row.port.iata}); check that this is the right manifest and year.",
        )
    elif days > FUTURE_DAYS:
        row.warn(
            column,
            f"{day:%Y-%m-%d} is {days} days ahead; check the year.",
        )


def onward_legs(row: RowCells, inbound: FlightLeg | None) -> list[FlightLeg] | None:
    """The onward legs in order; None when one of them could not be read (the problem is
    reported), so the case is not compared with a half-read itinerary."""
    legs: list[FlightLeg] = []
    complete = True
    origin: str = row.port.iata
    origin_zone: str | None = row.port.zone
    previous_arrival = inbound.scheduled_arrival if inbound else None
    previous_departure: dt.datetime | None = None
    gap = 0
    cells = row.cells
    for n, columns in enumerate(LEG_COLUMNS, start=1):
        if not any(cells.get(c) not in ("", None) for c in columns.values()):
            gap = gap or n
            continue
        if gap:
            row.problem(
                columns["flight"],
                f"onward leg {n} is given but leg {gap} is empty; fill the legs in order "
                f"({onward_prefix(gap)}_… first).",
            )
            complete = False
        leg = _onward_leg(row, n, columns, origin, origin_zone)
        if leg is None:
            complete = False
            origin, origin_zone = "", None
            previous_arrival = previous_departure = None
            continue
        departure = leg.scheduled_departure
        if n == 1 and departure and previous_arrival:
            _check_connection(row, columns["departure_local"], inbound, departure)
        elif departure and previous_arrival and departure <= previous_arrival:
            row.problem(
                columns["departure_local"],
                f"leaves before onward leg {n - 1} lands; the legs must follow each other.",
            )
        elif departure and previous_departure and departure <= previous_departure:
            row.problem(
                columns["departure_local"],
                f"leaves before onward leg {n - 1} does; the legs must be in order.",
            )
        legs.append(leg)
        origin, origin_zone = leg.destination, airport_zone(leg.destination)
        previous_arrival, previous_departure = leg.scheduled_arrival, departure
    return legs if complete else None


def _onward_leg(
    row: RowCells, n: int, columns: dict[str, str], origin: str, origin_zone: str | None
) -> FlightLeg | None:
    problems_before = len(row.problems)
    code = row.flight_code(columns["flight"], required=True)
    day = row.date(columns["date"], required=True)
    destination, destination_zone = row.airport(columns["destination"], required=True)
    departure = row.local_time(
        columns["departure_local"],
        origin_zone,
        columns["departure_utc_offset"],
        required=True,
    )
    arrival = row.local_time(
        columns["arrival_local"],
        destination_zone,
        columns["arrival_utc_offset"],
        required=False,
    )
    if departure and arrival and arrival <= departure:
        row.problem(columns["arrival_local"], "is not after the flight's departure.")
    if destination and destination == origin:
        row.problem(columns["destination"], f"onward leg {n} would leave {origin} and land there.")
    if (
        len(row.problems) > problems_before
        or code is None
        or day is None
        or not destination
        or not origin
        or departure is None
    ):
        return None
    return FlightLeg(code[0], code[1], day, origin, destination, departure, arrival)


def _check_connection(
    row: RowCells, column: str, inbound: FlightLeg | None, departure: dt.datetime
) -> None:
    if inbound is None or inbound.scheduled_arrival is None:
        return
    landed = inbound.scheduled_arrival
    if departure <= landed:
        row.problem(column, "is before the inbound flight lands.")
        return
    needed = row.port.cbp_allowance + row.port.min_connection
    if departure - landed < needed:
        row.warn(
            column,
            f"leaves {duration(departure - landed)} after {inbound.code} lands; "
            f"{row.port.iata} plans {duration(needed)} (CBP "
            f"{duration(row.port.cbp_allowance)} and the minimum connection "
            f"{duration(row.port.min_connection)}). Check the booking.",
        )
