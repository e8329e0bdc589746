"""How templates name a flight: ``{{ flight|flight_at:port.iata }}`` → "QR755 · Sun 29 Nov", by
the local day it lands at the port (or leaves it, for an onward leg). The naming itself is
``arrivals.models.Flight.day_label``; inbound and onward legs have ``Segment.flight_label``."""

from __future__ import annotations

import datetime as dt

from django import template

from arrivals.models import Flight

register = template.Library()


@register.filter
def flight_at(flight: Flight | None, iata: str) -> str:
    return flight.label_at(iata) if flight is not None else ""


@register.filter
def flight_day_at(flight: Flight | None, iata: str) -> dt.date | None:
    """The day ``flight_at`` names: its arrival day at ``iata``, else its departure day."""
    if flight is None:
        return None
    return flight.arrival_day if flight.destination == iata else flight.departure_day
