"""Test data for staffing: staff with profiles, badges and languages; a flight with people."""

from __future__ import annotations

import datetime as dt
from typing import Any

from arrivals.models import Flight, Segment
from cases.models import Individual
from poe_ops.models import Port
from staffing.models import Credential, StaffLanguage, StaffProfile
from tests.factories import CaseFactory, FlightFactory, IndividualFactory


def local(port: Port, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=port.zone)


def next_monday(port: Port) -> dt.date:
    today = port.local_today()
    return today + dt.timedelta(days=7 - today.weekday())


def staff(
    user: Any,
    port: Port,
    *,
    badge_expires: dt.date | None = dt.date(2099, 1, 1),
    languages: tuple[str, ...] = (),
) -> StaffProfile:
    """Give ``user`` a profile at ``port`` with a valid airport badge (unless told otherwise)."""
    profile, _ = StaffProfile.objects.get_or_create(user=user)
    profile.home_ports.add(port)
    if badge_expires is not None:
        Credential.objects.create(
            profile=profile,
            kind=Credential.Kind.AIRPORT_BADGE,
            number=f"SIDA-{user.pk:05d}",
            authority=f"{port.iata} Airport Authority",
            issued=dt.date(2024, 1, 1),
            expires=badge_expires,
        )
    for code in languages:
        StaffLanguage.objects.create(profile=profile, code=code, level=StaffLanguage.Level.FLUENT)
    return profile


def flight_with_people(
    port: Port,
    arrival: dt.datetime,
    people: int,
    *,
    number: str = "747",
    language: str = "prs",
    interpreters: int = 0,
    **person_fields: Any,
) -> tuple[Flight, list[Individual]]:
    """An inbound flight landing at ``arrival`` with one case of ``people`` people, the first
    ``interpreters`` of whom need an interpreter in ``language``."""
    flight = FlightFactory.create(
        port=port,
        carrier="QR",
        number=number,
        scheduled_date=arrival.date(),
        scheduled_arrival=arrival,
        origin="DOH",
    )
    case = CaseFactory.create(port=port)
    Segment.objects.create(case=case, flight=flight, direction=Segment.Direction.INBOUND)
    individuals = [
        IndividualFactory.create(
            case=case,
            person_number=f"{case.case_number}-{n}",
            primary_language=language,
            interpreter_needed=n < interpreters,
            **person_fields,
        )
        for n in range(people)
    ]
    return flight, individuals
