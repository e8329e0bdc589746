"""What the arrivals day tells the agency office of each case it touches: the hand-over, a delay
or a rebooking with the new time (of the inbound flight or of the onward one), a night in a
hotel, a hospital admission. Called by the
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

# People who will not take an onward flight today: the office is not told of its changes.
NOT_TRAVELLING = frozenset({ArrivalStep.NO_SHOW, ArrivalStep.REBOOKED})


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


def _booked_on(flight: Flight) -> list[tuple[Case, list[Individual]]]:
    """The cases booked on the onward ``flight`` now (segments not replaced), each once, with
    its people on it (a segment naming nobody books the whole case); people taken off the ABN,
    and those not coming (no-show, rebooked inbound) left out, and cases left out that have
    nobody left on it or were cancelled (three queries)."""
    segments = (
        Segment.objects.filter(
            flight=flight, direction=Segment.Direction.ONWARD, replaced_by__isnull=True
        )
        .select_related("case__port", "case__agency_office__agency")
        .prefetch_related("individuals", "case__individuals")
        .order_by("case__case_number", "pk")
    )
    booked: dict[int, tuple[Case, dict[int, Individual]]] = {}
    for segment in segments:
        case = segment.case
        named = list(segment.individuals.all()) or list(case.individuals.all())
        _, people = booked.setdefault(case.pk, (case, {}))
        people.update((p.pk, p) for p in named)
    found = []
    for case, people in booked.values():
        on_it = [
            p
            for p in sorted(people.values(), key=lambda p: p.pk)
            if p.removed_in_version is None and p.current_step not in NOT_TRAVELLING
        ]
        if on_it and case.status != Case.Status.CANCELLED:
            found.append((case, on_it))
    return found


def departure_changed(flight: Flight) -> None:
    """An onward flight leaving the port is delayed, its departure moved by 30 minutes or more,
    or cancelled (``notices.departure_changed`` decides when): told to the office of each case
    booked on it, each message naming only its own case and its people on the flight. A delay
    gives the new departure in the port's time and the arrival in the destination's; a
    cancellation says IOM is rebooking them (the new flight is told by ``rebooked``)."""
    port = flight.port
    route = f"{flight.code} {flight.origin} → {flight.destination}"
    on = f"on {flight.departure_day:%a %d %b}"
    cancelled = flight.status == Flight.Status.CANCELLED
    leaves = flight.estimated_departure or flight.scheduled_departure
    if cancelled:
        what = "cancelled — IOM is rebooking them"
        details = [("Status", "Cancelled"), ("Was to leave", _local(leaves, port))]
    else:
        delayed = "delayed, " if flight.status == Flight.Status.DELAYED else ""
        what = (
            f"{delayed}now leaves {_local(leaves, port)}"
            if flight.estimated_departure
            else "delayed, new time not known yet"
        )
        details = [
            ("Status", flight.get_status_display()),
            ("Leaves", _local(flight.estimated_departure, port)),
            ("Arrives", _at_airport(_expected_arrival(flight), flight.destination)),
            ("Scheduled to leave", _local(flight.scheduled_departure, port)),
        ]
    for case, people in _booked_on(flight):
        names = ", ".join(str(p) for p in people)
        if cancelled:
            summary = (
                f"Flight {route} {on}, booked for {names} (case {case.case_number}), is "
                "cancelled. IOM is rebooking them and will tell you the new flight and time."
            )
        else:
            summary = (
                f"Flight {route} {on}, booked for {names} (case {case.case_number}), is {what}."
            )
        tell_agency(
            case,
            f"flight {flight.code} {what}",
            summary,
            [("People", names), ("Flight", route), *details],
            dedupe_key=f"departure:{flight.pk}:{flight.status}:{_stamp(flight.estimated_departure)}",
        )


def _expected_arrival(flight: Flight) -> dt.datetime | None:
    """The arrival at the destination: the airline's estimate, else the scheduled arrival moved
    by the departure's delay; ``None`` (not known yet) for a delay without a new time."""
    if flight.estimated_arrival:
        return flight.estimated_arrival
    if flight.estimated_departure and flight.scheduled_departure and flight.scheduled_arrival:
        return flight.scheduled_arrival + (flight.estimated_departure - flight.scheduled_departure)
    return None


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
