"""Staffing against projected arrivals, hour by hour (port-local).

Each arriving person needs staff from their flight's best-known arrival time (actual, else
estimated, else scheduled) until the port's CBP allowance has passed; each person connecting to
a domestic flight leaving the port needs staff again for the port's minimum connection before
its best-known departure (taken through re-check, the boarding pass and security to the gate —
the next morning too, after a night at the hotel). Both are weighted by need: a URM or
separated minor (programme status) counts ``Port.need_weight_unaccompanied_minor`` (3), a
wheelchair user or medical case ``Port.need_weight_wheelchair_medical`` (2), anyone else 1; the
highest weight applies. An hour needs ceil(weighted people / ``Port.people_per_staff``) staff,
and is short when fewer people are rostered in meeting positions (arrivals hall, supervisor)
during it.

Language coverage: a person needing an interpreter is covered when someone rostered at the port
(any position) during their window speaks their language at working level or better.

People who have left the port's care (departed, handed over, no-show, rebooked, refused
admission, detained, in hospital) need no one at the gate.

Read-only, and a constant handful of queries for a week however many flights and shifts.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.db.models.functions import Coalesce

from arrivals.models import Flight
from arrivals.queries.portday import people_by_flight
from cases import ssr
from cases.models import CUSTODY_STATUSES
from cases.steps import ArrivalStep
from poe_ops.languages import language_key, language_name
from poe_ops.models import Port
from staffing.models import MEETING_POSITIONS, Shift, StaffLanguage

HOUR = dt.timedelta(hours=1)


@dataclass
class Arrival:
    """Someone who needs the port's staff: from when (``eta``: their landing, or the start of
    their walk to a departure) until when, on which flight, how much help, which language."""

    flight: str
    eta: dt.datetime
    weight: int
    language: str  # ISO 639 key, only when an interpreter is needed
    flight_id: int = 0
    until: dt.datetime | None = None  # None: an arrival, until the CBP allowance has passed
    departing: bool = False

    def end(self, window: dt.timedelta) -> dt.datetime:
        return self.until or self.eta + window


# Out of the port's hands: nobody needs taking to the gate.
NOT_AT_THE_GATE = frozenset(
    {
        ArrivalStep.DEPARTED,
        ArrivalStep.HANDED_OVER,
        ArrivalStep.NO_SHOW,
        ArrivalStep.REBOOKED,
        ArrivalStep.REFUSED_ADMISSION,
        ArrivalStep.DETAINED,
        ArrivalStep.HOSPITAL,
    }
)


@dataclass
class HourCoverage:
    start: dt.datetime  # port-local
    people: int = 0
    weighted: int = 0
    needed: int = 0
    rostered: int = 0
    flights: list[str] = field(default_factory=list)

    @property
    def shortfall(self) -> int:
        return max(self.needed - self.rostered, 0)


@dataclass
class UnspokenLanguage:
    code: str
    name: str
    people: int
    flights: list[str]
    # (flight id, code) of each flight bringing them: the page offers an interpreter for each.
    on_flights: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class DayCoverage:
    day: dt.date
    hours: list[HourCoverage]
    unspoken: list[UnspokenLanguage]
    arriving: int = 0  # people whose flight lands this day

    @property
    def shortfall_hours(self) -> list[HourCoverage]:
        return [h for h in self.hours if h.shortfall]

    @property
    def busy_hours(self) -> list[HourCoverage]:
        """The hours worth showing: someone arrives or someone is rostered."""
        return [h for h in self.hours if h.people or h.rostered]


def weight(port: Port, person: dict[str, Any]) -> int:
    codes = person["ssr_codes"]
    if person["programme_status"] in CUSTODY_STATUSES:
        return max(port.need_weight_unaccompanied_minor, 1)
    if person["medical"] or ssr.has_medical(codes) or ssr.has_wheelchair(codes):
        return max(port.need_weight_wheelchair_medical, 1)
    return 1


def projected_arrivals(port: Port, start: dt.datetime, end: dt.datetime) -> list[Arrival]:
    """Everyone booked inbound to ``port`` on a flight expected between ``start`` and ``end``,
    and everyone booked onward on a flight leaving it whose walk to the gate overlaps them.

    Three queries: the flights both ways, and their people
    (``arrivals.queries.portday.people_by_flight``)."""
    walk = dt.timedelta(minutes=max(port.min_connection_minutes, 1))
    landing = Q(destination=port.iata, eta__gte=start, eta__lt=end) & ~Q(
        status__in=[Flight.Status.CANCELLED, Flight.Status.DIVERTED]
    )
    leaving = (
        Q(origin=port.iata, etd__gte=start, etd__lt=end + walk)
        & ~Q(destination=port.iata)
        & ~Q(status__in=[Flight.Status.CANCELLED, Flight.Status.DEPARTED])
    )
    flights = {
        f.pk: f
        for f in Flight.objects.filter(port=port)
        .annotate(
            eta=Coalesce("actual_arrival", "estimated_arrival", "scheduled_arrival"),
            etd=Coalesce("actual_departure", "estimated_departure", "scheduled_departure"),
        )
        .filter(landing | leaving)
    }
    arriving = [pk for pk, f in flights.items() if f.destination == port.iata]
    departing = [pk for pk, f in flights.items() if f.destination != port.iata]
    arrivals = []
    for flight_id, people in people_by_flight(arriving, departing).items():
        flight = flights[flight_id]
        leaves = flight.destination != port.iata
        for person in people:
            if leaves and person["current_step"] in NOT_AT_THE_GATE:
                continue
            needs_interpreter = person["interpreter_needed"] and person["primary_language"]
            arrivals.append(
                Arrival(
                    flight=flight.code,
                    eta=flight.etd - walk if leaves else flight.eta,
                    weight=weight(port, person),
                    language=language_key(person["primary_language"]) if needs_interpreter else "",
                    flight_id=flight.pk,
                    until=flight.etd if leaves else None,
                    departing=leaves,
                )
            )
    return arrivals


@dataclass
class _Rostered:
    start: dt.datetime
    end: dt.datetime
    staff_id: int
    meets: bool


def _rostered(
    port: Port, start: dt.datetime, end: dt.datetime
) -> tuple[list[_Rostered], dict[int, set[str]]]:
    """Shifts overlapping the period, and the interpreting languages of the people on them."""
    shifts = [
        _Rostered(s.start, s.end, s.staff_id, s.position in MEETING_POSITIONS)
        for s in Shift.objects.filter(port=port, start__lt=end, end__gt=start).only(
            "start", "end", "staff_id", "position"
        )
    ]
    speaks: dict[int, set[str]] = defaultdict(set)
    for staff_id, code in StaffLanguage.objects.filter(
        profile__user_id__in={s.staff_id for s in shifts},
        level__in=StaffLanguage.INTERPRETING_LEVELS,
    ).values_list("profile__user_id", "code"):
        speaks[staff_id].add(language_key(code))
    return shifts, speaks


def local_hours(port: Port, day: dt.date) -> list[dt.datetime]:
    """The hours of ``day`` at ``port`` as aware datetimes (23 or 25 on a change day)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=port.zone).astimezone(dt.UTC)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=port.zone).astimezone(
        dt.UTC
    )
    hours = []
    moment = start
    while moment < end:
        hours.append(moment.astimezone(port.zone))
        moment += HOUR
    return hours


def coverage(port: Port, first_day: dt.date, days: int = 1) -> list[DayCoverage]:
    """Hour-by-hour need against rostered staff for ``days`` days from ``first_day``."""
    window = dt.timedelta(minutes=max(port.cbp_allowance_minutes, 1))
    period_start = dt.datetime.combine(first_day, dt.time.min, tzinfo=port.zone)
    period_end = dt.datetime.combine(
        first_day + dt.timedelta(days=days), dt.time.min, tzinfo=port.zone
    )
    # People who landed just before the period are still being looked after in its first hour.
    arrivals = projected_arrivals(port, period_start - window, period_end)
    shifts, speaks = _rostered(port, period_start - window, period_end + window)
    per_staff = max(port.people_per_staff, 1)
    result = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        hours = []
        for hour_start in local_hours(port, day):
            hour_end = hour_start + HOUR
            here = [a for a in arrivals if a.eta < hour_end and a.end(window) > hour_start]
            cell = HourCoverage(start=hour_start)
            cell.people = len(here)
            cell.weighted = sum(a.weight for a in here)
            cell.needed = math.ceil(cell.weighted / per_staff)
            cell.rostered = len(
                {
                    s.staff_id
                    for s in shifts
                    if s.meets and s.start < hour_end and s.end > hour_start
                }
            )
            cell.flights = sorted({a.flight for a in here if hour_start <= a.eta < hour_end})
            hours.append(cell)
        result.append(
            DayCoverage(
                day=day,
                hours=hours,
                unspoken=_unspoken(port, day, arrivals, shifts, speaks, window),
                arriving=sum(
                    1
                    for a in arrivals
                    if not a.departing and a.eta.astimezone(port.zone).date() == day
                ),
            )
        )
    return result


def _unspoken(
    port: Port,
    day: dt.date,
    arrivals: list[Arrival],
    shifts: list[_Rostered],
    speaks: dict[int, set[str]],
    window: dt.timedelta,
) -> list[UnspokenLanguage]:
    missing: dict[str, list[Arrival]] = defaultdict(list)
    for arrival in arrivals:
        if arrival.departing or not arrival.language:
            continue  # a connecting person is counted once, at their arrival
        if arrival.eta.astimezone(port.zone).date() != day:
            continue
        on_hand = {
            s.staff_id for s in shifts if s.start < arrival.end(window) and s.end > arrival.eta
        }
        if not any(arrival.language in speaks[staff_id] for staff_id in on_hand):
            missing[arrival.language].append(arrival)
    return [
        UnspokenLanguage(
            code=code,
            name=language_name(code) or code,
            people=len(people),
            flights=sorted({a.flight for a in people}),
            on_flights=sorted({(a.flight_id, a.flight) for a in people}, key=lambda f: f[1]),
        )
        for code, people in sorted(missing.items(), key=lambda item: language_name(item[0]))
    ]


def week_days(monday: dt.date) -> list[dt.date]:
    return [monday + dt.timedelta(days=n) for n in range(7)]


def q_overlapping(start: dt.datetime, end: dt.datetime) -> Q:
    return Q(start__lt=end, end__gt=start)
