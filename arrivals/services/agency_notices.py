"""What the arrivals day tells the agency office of each case it touches: the hand-over, a delay
or a rebooking with the new time, a night in a hotel, a hospital admission. Called by the
arrivals services inside their transactions, beside the messages HQ gets (``notices``); the
writing, and what a message may contain, is ``cases.services.agency_messages``'.

One message per case and event: a delayed flight with five cases on it writes five messages,
each naming only its own case."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence

from arrivals.models import Flight, Rebooking, Segment, StepEvent
from cases.models import Case, CustodyHandover, Individual
from cases.services.agency_messages import handed_over as tell_handed_over
from cases.services.agency_messages import hotel_night, tell_agency
from cases.steps import ArrivalStep
from poe_ops.models import Port


def _local(when: dt.datetime | None, port: Port) -> str:
    if when is None:
        return "not known yet"
    return f"{when.astimezone(port.zone):%a %d %b %H:%M} {port.iata} time"


def _at_airport(when: dt.datetime | None, iata: str) -> str:
    """``when`` in the local time of the airport ``iata`` (as a boarding pass shows it)."""
    if when is None:
        return "not known yet"
    record = Port.airport_record(iata)
    zone = zoneinfo.ZoneInfo(str(record["tz"])) if record else dt.UTC
    return f"{when.astimezone(zone):%a %d %b %H:%M} {iata} time"


def handed_over(handover: CustodyHandover, people: Sequence[Individual]) -> None:
    tell_handed_over(handover, people)


def person_moved(event: StepEvent) -> None:
    """A night in a hotel (once per case and night) and a hospital admission (each time)."""
    person, port = event.individual, event.port
    case = person.case
    if event.to_step == ArrivalStep.HOTEL:
        hotel_night(case, event.at.astimezone(port.zone).date())
    elif event.to_step == ArrivalStep.HOSPITAL:
        # Which hospital (the step's detail), so the office can reach them; never why.
        hospital = str((event.detail or {}).get("hospital") or "") or "a hospital"
        tell_agency(
            case,
            "taken to hospital",
            f"{person} was taken to {hospital} from {port.iata}. IOM stays in touch with the "
            "hospital and will tell you when they can travel on.",
            [("Person", str(person)), ("Hospital", hospital), ("When", _local(event.at, port))],
            dedupe_key=f"hospital:{event.pk}",
        )


def _cases_on(flight: Flight) -> list[Case]:
    """The cases booked on the flight now (segments not replaced), each once."""
    segments = (
        Segment.objects.filter(flight=flight, replaced_by__isnull=True)
        .select_related("case__port__office", "case__agency_office__agency")
        .order_by("case__case_number")
    )
    return list({s.case_id: s.case for s in segments}.values())


def flight_changed(flight: Flight, *, what: str) -> None:
    """A delay, cancellation or diversion (``what``: "delayed, now expected 23:40 ATL time"),
    told to each case on the flight, each message naming only its own case."""
    port = flight.port
    new_time = flight.estimated_arrival or flight.scheduled_arrival
    for case in _cases_on(flight):
        tell_agency(
            case,
            f"flight {flight.code} {what}",
            f"Flight {flight.code} ({flight.origin} → {flight.destination}) carrying case "
            f"{case.case_number} is {what}.",
            [
                ("Flight", f"{flight.code} {flight.origin} → {flight.destination}"),
                ("Status", flight.get_status_display()),
                ("Expected", _local(new_time, port)),
            ],
            dedupe_key=f"flight:{flight.pk}:{flight.status}:{_stamp(new_time)}",
        )


def _stamp(when: dt.datetime | None) -> str:
    return when.strftime("%Y%m%dT%H%M") if when else "none"


def rebooked(rebooking: Rebooking, people: Sequence[Individual]) -> None:
    """The case's new flight and time."""
    case, port = rebooking.case, rebooking.case.port
    new = rebooking.new_segment.flight
    old = rebooking.old_segment.flight
    departs = (
        _local(new.scheduled_departure, port)
        if new.scheduled_departure
        else f"{new.scheduled_date:%a %d %b %Y}"
    )
    tell_agency(
        case,
        f"rebooked on {new.code}",
        f"Case {case.case_number} was rebooked from {old.code} to {new.code} "
        f"({new.origin} → {new.destination}), leaving {departs}.",
        [
            ("People", ", ".join(str(p) for p in people)),
            ("New flight", f"{new.code} {new.origin} → {new.destination}"),
            ("Leaves", departs),
            ("Arrives", _at_airport(new.scheduled_arrival, new.destination)),
            ("Replaces", f"{old.code} {old.scheduled_date:%d %b}"),
        ],
        dedupe_key=f"rebooking:{rebooking.pk}",
    )
