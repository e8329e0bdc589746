"""The port's connections, where the work is done: the day's departures beside its arrivals, and
who may miss their onward flight — on the port's day and on each flight's page (the HQ board
reads the same rule from ``arrivals.queries.at_risk``).

A constant handful of queries however many flights and people: the day's flights both ways in
one, their people in two (``portday.people_by_flight``, a third when someone needs an escort),
the onward legs of everyone on them in one (``onward.legs_of_cases``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from arrivals.models import Flight
from arrivals.queries.at_risk import AtRisk, cancelled_flights, people_at_risk
from arrivals.queries.flight_rows import CaseBlock
from arrivals.queries.onward import Leg, legs_of_cases
from arrivals.queries.portday import FlightSummary, people_by_flight, summarise
from poe_ops.localtime import local_day_bounds
from poe_ops.models import Port

_LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass
class DayAtPort:
    """A port's local day: flights landing, flights leaving, and who is at risk."""

    arrivals: list[FlightSummary]
    departures: list[FlightSummary]
    at_risk: list[AtRisk] = field(default_factory=list)

    @property
    def cancelled(self) -> list[tuple[int, str, int]]:
        """(flight id, code, people) of each cancelled onward flight with people to rebook."""
        return cancelled_flights(self.at_risk)


def _arriving(port: Port, start: dt.datetime, end: dt.datetime, day: dt.date) -> Q:
    return Q(destination=port.iata) & (
        Q(scheduled_arrival__gte=start, scheduled_arrival__lt=end)
        | Q(scheduled_arrival__isnull=True, scheduled_date=day)
    )


def _leaving(port: Port, start: dt.datetime, end: dt.datetime, day: dt.date) -> Q:
    return (
        Q(origin=port.iata)
        & ~Q(destination=port.iata)
        & (
            Q(scheduled_departure__gte=start, scheduled_departure__lt=end)
            | Q(scheduled_departure__isnull=True, scheduled_date=day)
        )
    )


def _by_arrival(flight: Flight) -> tuple[bool, dt.datetime, str, str]:
    eta = flight.actual_arrival or flight.estimated_arrival or flight.scheduled_arrival
    return eta is None, eta or _LATEST, flight.carrier, flight.number


def _by_departure(flight: Flight) -> tuple[bool, dt.datetime, str, str]:
    etd = flight.latest_departure
    return etd is None, etd or _LATEST, flight.carrier, flight.number


def day_at_port(port: Port, day: dt.date, legs: dict[int, list[Leg]] | None = None) -> DayAtPort:
    """The flights landing at ``port`` on its local ``day`` (in expected arrival order) and those
    leaving it (in expected departure order), each with its people by step and its people at
    risk; ``legs`` (by case) is filled with the onward legs read."""
    start, end = local_day_bounds(port, day)
    flights = list(
        Flight.objects.filter(port=port).filter(
            _arriving(port, start, end, day) | _leaving(port, start, end, day)
        )
    )
    arriving = sorted((f for f in flights if f.destination == port.iata), key=_by_arrival)
    leaving = sorted((f for f in flights if f.leaves(port.iata)), key=_by_departure)
    people = people_by_flight([f.pk for f in arriving], [f.pk for f in leaving])
    case_ids = {p["case_id"] for found in people.values() for p in found}
    if legs is None:
        legs = {}
    legs.update(legs_of_cases(case_ids))
    pairs: list[tuple[Flight | None, dict[str, Any]]] = [
        (f, p) for f in arriving for p in people.get(f.pk, [])
    ]
    pairs += [(None, p) for f in leaving for p in people.get(f.pk, [])]
    at_risk = people_at_risk(port, pairs, legs)
    return DayAtPort(
        arrivals=_with_risk(arriving, people, at_risk, inbound=True),
        departures=_with_risk(leaving, people, at_risk, inbound=False),
        at_risk=at_risk,
    )


def _with_risk(
    flights: list[Flight],
    people: dict[int, list[dict[str, Any]]],
    at_risk: list[AtRisk],
    *,
    inbound: bool,
) -> list[FlightSummary]:
    counts: Counter[int] = Counter()
    for row in at_risk:
        if inbound and row.inbound is not None:
            counts[row.inbound.pk] += 1
        elif not inbound and row.leg is not None:
            counts[row.leg.flight_id] += 1
    summaries = []
    for flight in flights:
        summary = summarise(flight, people.get(flight.pk, []))
        summary.at_risk = counts[flight.pk]
        summaries.append(summary)
    return summaries


def at_risk_on_flight(
    port: Port, flight: Flight, blocks: list[CaseBlock], legs: dict[int, list[Leg]]
) -> list[AtRisk]:
    """Who on this flight's page may miss their connection (no query: the page's rows and the
    legs it read)."""
    inbound = None if flight.leaves(port.iata) else flight
    pairs: list[tuple[Flight | None, dict[str, Any]]] = []
    for block in blocks:
        for row in block.rows:
            person = row.individual
            pairs.append(
                (
                    inbound,
                    {
                        "id": person.pk,
                        "case_id": person.case_id,
                        "current_step": person.current_step,
                        "current_step_at": person.current_step_at,
                        "given_names": person.given_names,
                        "surname": person.surname,
                        "case_number": block.case.case_number,
                    },
                )
            )
    return people_at_risk(port, pairs, legs)
