"""The daily arrival manifest of a port: its inbound flights of a local day, in arrival order,
with everyone on them — step, needs and onward leg. A fixed number of queries however many
flights and people."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from arrivals.models import Flight, Segment
from arrivals.queries.case_page import age_on
from arrivals.queries.portday import flights_of_day
from cases.models import Individual
from cases.queries.cases import travelling
from cases.steps import ArrivalStep
from poe_ops.models import Port


@dataclass
class OnwardLeg:
    flight: Flight
    departs_local: dt.datetime | None


@dataclass
class ManifestRow:
    individual: Individual
    age: int | None
    step: str
    needs: list[str]
    onward: OnwardLeg | None


@dataclass
class ManifestFlight:
    flight: Flight
    rows: list[ManifestRow] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


def _zone_of(iata: str, fallback: zoneinfo.ZoneInfo) -> zoneinfo.ZoneInfo:
    record = Port.airport_record(iata)
    return zoneinfo.ZoneInfo(str(record["tz"])) if record else fallback


def _needs(person: Individual) -> list[str]:
    needs = list(person.flags)
    if person.document_in_custody:
        needs.append("Document in custody")
    return needs


def _onward_legs(case_ids: set[int], port: Port) -> dict[int, list[tuple[set[int], Flight]]]:
    """Each case's active onward segments as (named people or empty for all, flight)."""
    segments = list(
        Segment.objects.filter(
            case_id__in=case_ids, direction=Segment.Direction.ONWARD, replaced_by__isnull=True
        )
        .select_related("flight")
        .order_by("flight__scheduled_departure", "flight__scheduled_date", "pk")
    )
    named: dict[int, set[int]] = defaultdict(set)
    for row in Segment.individuals.through.objects.filter(
        segment_id__in=[s.pk for s in segments]
    ).values("segment_id", "individual_id"):
        named[row["segment_id"]].add(row["individual_id"])
    legs: dict[int, list[tuple[set[int], Flight]]] = defaultdict(list)
    for s in segments:
        legs[s.case_id].append((named[s.pk], s.flight))
    return legs


def manifest_flights(port: Port, day: dt.date) -> list[ManifestFlight]:
    """The port's inbound flights landing on its local ``day`` with the people on each."""
    flights = [summary.flight for summary in flights_of_day(port, day)]
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
    onward = _onward_legs(case_ids, port)

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
            leg = next(
                (f for who, f in onward[person.case_id] if not who or person.pk in who), None
            )
            block.rows.append(
                ManifestRow(
                    individual=person,
                    age=age_on(person.date_of_birth, day),
                    step=ArrivalStep(person.current_step).label,
                    needs=_needs(person),
                    onward=None
                    if leg is None
                    else OnwardLeg(
                        leg,
                        leg.scheduled_departure.astimezone(_zone_of(leg.origin, port.zone))
                        if leg.scheduled_departure
                        else None,
                    ),
                )
            )
        result.append(block)
    return result


def manifest_context(port: Port, day: dt.date) -> dict[str, Any]:
    flights = manifest_flights(port, day)
    return {
        "day": day,
        "flights": flights,
        "total": sum(f.count for f in flights),
        "title": f"Daily arrival manifest · {port.iata} · {day:%a %-d %b %Y}",
    }
