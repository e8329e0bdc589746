"""Builders for the check-in tests: a family booked on an inbound flight at a port."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from arrivals.models import Flight, Segment
from cases.models import Case, Individual
from poe_ops.models import Port
from tests.factories import CaseFactory, FlightFactory, IndividualFactory


def key() -> str:
    return str(uuid.uuid4())


def inbound_flight(port: Port, arrival: dt.datetime | None = None, **fields: Any) -> Flight:
    arrival = arrival or dt.datetime.now(dt.UTC)
    return FlightFactory.create(
        port=port, scheduled_arrival=arrival, scheduled_date=arrival.date(), **fields
    )


def family_on_flight(
    port: Port, flight: Flight | None = None, size: int = 4, **person_fields: Any
) -> tuple[Case, list[Individual]]:
    """A case of ``size`` people booked (whole case) on ``flight``'s inbound segment."""
    flight = flight or inbound_flight(port)
    case = CaseFactory.create(port=port)
    people = [IndividualFactory.create(case=case, **person_fields) for _ in range(size)]
    Segment.objects.create(case=case, flight=flight, direction=Segment.Direction.INBOUND)
    return case, people
