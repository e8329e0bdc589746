"""The daily arrival manifest of a port: its inbound flights of a local day, in arrival order,
with everyone on them — step, needs and every onward leg — then the domestic departures of the
day with who is booked and at risk. A fixed number of queries however many flights and people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from arrivals.models import Flight, Segment
from arrivals.queries.case_page import age_on
from arrivals.queries.connections import day_at_port
from arrivals.queries.onward import Leg, legs_of
from arrivals.queries.portday import FlightSummary
from cases.models import Individual
from cases.queries.cases import travelling
from cases.steps import ArrivalStep
from poe_ops.models import Port


@dataclass
class ManifestRow:
    individual: Individual
    age: int | None
    step: str
    needs: list[str]
    onward: list[Leg]  # every onward leg, in the order they leave


@dataclass
class ManifestFlight:
    flight: Flight
    rows: list[ManifestRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


def _needs(person: Individual) -> list[str]:
    needs = list(person.flags)
    if person.document_in_custody:
        needs.append("Document in custody")
    return needs


def manifest_flights(
    port: Port, day: dt.date
) -> tuple[list[ManifestFlight], list[FlightSummary], int]:
    """The port's inbound flights landing on its local ``day`` with the people on each; the
    day's departures; how many people are at risk of missing their connection."""
    legs_by_case: dict[int, list[Leg]] = {}
    the_day = day_at_port(port, day, legs_by_case)
    flights = [summary.flight for summary in the_day.arrivals]
    inbound = list(
        Segment.objects.filter(
            flight__in=flights, direction=Segment.Direction.INBOUND, replaced_by__isnull=True
        ).values("id", "flight_id", "case_id")
    )
    named: dict[int, set[int]] = defaultdict(set)
    for row in Segment.individuals.through.objects.filter(
        segment_id__in=[s["id"] for s in inbound]
    ).values("segment_id", "individual_id"):
        named[row["segment_id"]].add(row["individual_id"])
    case_ids = {s["case_id"] for s in inbound}
    by_case: dict[int, list[Individual]] = defaultdict(list)
    for person in (
        travelling(Individual.objects.filter(case_id__in=case_ids))
        .select_related("case")
        .order_by("case__case_number", "person_number")
    ):
        by_case[person.case_id].append(person)

    people_on: dict[int, dict[int, Individual]] = defaultdict(dict)
    for s in inbound:
        for person in by_case[s["case_id"]]:
            if not named[s["id"]] or person.pk in named[s["id"]]:
                people_on[s["flight_id"]][person.pk] = person

    result = []
    for flight in flights:
        people = sorted(
            people_on[flight.pk].values(), key=lambda p: (p.case.case_number, p.person_number)
        )
        block = ManifestFlight(flight)
        for person in people:
            block.rows.append(
                ManifestRow(
                    individual=person,
                    age=age_on(person.date_of_birth, day),
                    step=ArrivalStep(person.current_step).label,
                    needs=_needs(person),
                    onward=legs_of(legs_by_case.get(person.case_id, []), person.pk),
                )
            )
        result.append(block)
    return result, the_day.departures, len(the_day.at_risk)


def manifest_context(port: Port, day: dt.date) -> dict[str, Any]:
    flights, departures, at_risk = manifest_flights(port, day)
    return {
        "day": day,
        "flights": flights,
        "departures": departures,
        "at_risk": at_risk,
        "total": sum(f.count for f in flights),
        "title": f"Daily arrival manifest · {port.iata} · {day:%a %-d %b %Y}",
    }
