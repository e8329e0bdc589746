"""A port's day on the tablet: the flights landing on a local day, each with its people counted
by step and by need, and the people on a set of flights (shared with the board, the coverage
and the departures). Read-only; a constant handful of queries however many flights and people
there are. A flight's own rows are in ``flight_rows``; the buttons in ``moves``."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from arrivals.models import Flight, Segment
from arrivals.queries.moves import STEP_ORDER
from cases import ssr
from cases.models import Individual, ProgrammeStatus
from cases.queries import escorts
from cases.queries.cases import travelling
from cases.steps import ArrivalStep
from poe_ops.languages import language_name
from poe_ops.localtime import local_day_bounds
from poe_ops.models import Port
from poe_ops.scoping import get_scoped_or_404

User = AbstractBaseUser | AnonymousUser

_PERSON_FIELDS = (
    "id",
    "case_id",
    "current_step",
    "current_step_at",
    "ssr_codes",
    "programme_status",
    "medical",
    "interpreter_needed",
    "primary_language",
    "given_names",
    "surname",
    "case__case_number",
    "case__agency__code",
)


def people_by_flight(
    flight_ids: Iterable[int], departure_ids: Iterable[int] = ()
) -> dict[int, list[dict[str, Any]]]:
    """Each flight's people from its active inbound segments (and, for ``departure_ids``, the
    onward segments of the flights leaving the port; no individuals named: the whole case), as
    dicts with the fields above (``agency``: the case's agency code or "", ``case_number``)
    and ``escort_missing``. Two queries — the segments with the people they name, then the
    people of those cases with their agency — and a third when anyone on them needs an escort.

    Each query joins at most two small steps along indexed keys, so a planner working from
    stale statistics (just after a large import, or inside a test's transaction) cannot turn
    it into a cross product; one statement joining segments, people and cases did exactly
    that in the test suite, taking seconds instead of milliseconds."""
    segments: dict[int, tuple[int, int]] = {}
    named: dict[int, set[int]] = defaultdict(set)
    on_flights = Q(flight_id__in=list(flight_ids), direction=Segment.Direction.INBOUND)
    leaving = list(departure_ids)
    if leaving:
        on_flights |= Q(flight_id__in=leaving, direction=Segment.Direction.ONWARD)
    rows = (
        Segment.objects.filter(on_flights, replaced_by__isnull=True)
        .order_by()  # the default ordering would join cases and flights
        .values_list("pk", "flight_id", "case_id", "individuals")
    )
    for pk, flight_id, case_id, individual_id in rows:
        segments[pk] = (flight_id, case_id)
        if individual_id is not None:
            named[pk].add(individual_id)
    by_case: dict[int, list[dict[str, Any]]] = defaultdict(list)
    case_ids = {case_id for _flight_id, case_id in segments.values()}
    for values in (
        travelling(Individual.objects.filter(case_id__in=case_ids))
        .order_by("case_id", "pk")
        .values_list(*_PERSON_FIELDS)
    ):
        person = dict(zip(_PERSON_FIELDS, values, strict=True))
        person["agency"] = person.pop("case__agency__code") or ""
        person["case_number"] = person.pop("case__case_number")
        by_case[person["case_id"]].append(person)
    people: dict[int, dict[int, dict[str, Any]]] = defaultdict(dict)
    for pk, (flight_id, case_id) in sorted(segments.items(), key=lambda item: item[1]):
        for person in by_case[case_id]:
            if not named[pk] or person["id"] in named[pk]:
                # Two segments of one flight may bring the same person: count them once.
                people[flight_id].setdefault(person["id"], person)
    # Who needs an escort and has none: from the cached flags, one more query only when someone
    # on these flights needs one.
    # Each person once, although someone landing and leaving again is on two flights.
    escorts.mark_missing_escorts(
        {p["id"]: p for found in people.values() for p in found.values()}.values()
    )
    return {flight_id: list(found.values()) for flight_id, found in people.items()}


@dataclass
class FlightSummary:
    flight: Flight
    people: int = 0
    by_step: list[tuple[str, str, int]] = field(default_factory=list)  # (step, label, count)
    urm: int = 0  # programme status URM (not the airline's UMNR code)
    separated: int = 0  # separated minors
    wheelchair: int = 0
    medical: int = 0
    languages: list[str] = field(default_factory=list)
    no_escort: int = 0  # minors and MEDA/STCR travellers with no escort assigned
    at_risk: int = 0  # people who may miss their connection (arrivals.queries.at_risk)


def summarise(flight: Flight, people: list[dict[str, Any]]) -> FlightSummary:
    """A flight's card on the port's day: its people counted by step and by need."""
    steps = Counter(p["current_step"] for p in people)
    languages = sorted(
        {language_name(p["primary_language"]) for p in people if p["interpreter_needed"]}
    )
    return FlightSummary(
        flight=flight,
        people=len(people),
        by_step=[(s, ArrivalStep(s).label, steps[s]) for s in STEP_ORDER if steps[s]],
        urm=sum(1 for p in people if p["programme_status"] == ProgrammeStatus.URM),
        separated=sum(1 for p in people if p["programme_status"] == ProgrammeStatus.SEPARATED),
        wheelchair=sum(1 for p in people if ssr.has_wheelchair(p["ssr_codes"])),
        medical=sum(1 for p in people if p["medical"] or ssr.has_medical(p["ssr_codes"])),
        languages=[name or "?" for name in languages],
        no_escort=sum(1 for p in people if p["escort_missing"]),
    )


def flights_of_day(port: Port, day: dt.date) -> list[FlightSummary]:
    """Inbound flights landing at ``port`` on its local ``day``, in expected arrival order."""
    start, end = local_day_bounds(port, day)
    flights = list(
        Flight.objects.filter(port=port, destination=port.iata)
        .filter(
            Q(scheduled_arrival__gte=start, scheduled_arrival__lt=end)
            | Q(scheduled_arrival__isnull=True, scheduled_date=day)
        )
        .annotate(eta=Coalesce("actual_arrival", "estimated_arrival", "scheduled_arrival"))
        .order_by(F("eta").asc(nulls_last=True), "carrier", "number")
    )
    people = people_by_flight(f.pk for f in flights)
    return [summarise(f, people.get(f.pk, [])) for f in flights]


def flight_at(user: User, port: Port, flight_id: object) -> Flight:
    """The flight of ``port`` with this id, if ``user`` may view the port; 404 otherwise (also
    for a malformed id)."""
    return get_scoped_or_404(
        Flight.objects.select_related("port").filter(port=port),
        user,
        pk=flight_id if str(flight_id).isdigit() and len(str(flight_id)) < 19 else 0,
    )
