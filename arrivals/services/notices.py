"""What the arrivals day reports to Operations HQ, with the facts HQ acts on. Each function is
called by a service inside its transaction, so the notification is written if and only if the
change is (see ``poe_ops.services.notifications``). Subjects are plain and times are the port's
local time.

- Emergencies (hospital — with the hospital and who went along —, refused admission, detained)
  every time; CBP secondary is routine and tells nobody.
- A case's arrival once, when everyone who came has departed on their connection or been handed
  over — "departed", with the flight, never "at the gate".
- A flight change: an inbound delay with the new time and the people now at risk; an onward
  delay with the new departure and who is booked; a cancellation with who needs rebooking, once.
- Transit: a case to a hotel overnight, once per case and night."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from django.urls import reverse
from django.utils import timezone

from arrivals.models import Flight, StepEvent
from arrivals.queries.at_risk import AtRisk, people_at_risk
from arrivals.queries.onward import legs_of, legs_of_cases
from arrivals.services import agency_notices
from cases.models import Case, Individual
from cases.steps import ArrivalStep
from poe_ops.models import NotificationKind, Port
from poe_ops.registry import page_url
from poe_ops.services.notifications import notify

# A new estimate this far from the last one is news for HQ; less is noise.
ETA_CHANGE = dt.timedelta(minutes=30)
ARRIVED = frozenset({ArrivalStep.DEPARTED, ArrivalStep.HANDED_OVER})
# People who are not coming (today) do not hold back a case's arrival notification.
NOT_ARRIVING = frozenset({ArrivalStep.NO_SHOW, ArrivalStep.REBOOKED})
EMERGENCY_WORDS = {
    ArrivalStep.HOSPITAL: "taken to hospital",
    ArrivalStep.REFUSED_ADMISSION: "refused admission by CBP",
    ArrivalStep.DETAINED: "detained by CBP",
}
# Named in a notice, at most: beyond that "and N more" (the link shows everyone).
NAMES_SHOWN = 30


def _local(when: dt.datetime | None, port: Port) -> str:
    if when is None:
        return "—"
    return f"{when.astimezone(port.zone):%d %b %H:%M} {port.iata} time"


def _hhmm(when: dt.datetime | None, port: Port) -> str:
    return f"{when.astimezone(port.zone):%H:%M}" if when else "—"


def _people(count: int) -> str:
    return f"{count} {'person' if count == 1 else 'people'}"


def signed_in(event: StepEvent) -> str:
    return str(event.actor.get_full_name() or event.actor.get_username())


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(names[:NAMES_SHOWN])
    more = len(names) - NAMES_SHOWN
    return f"{shown} and {more} more" if more > 0 else shown or "—"


def person_moved(event: StepEvent) -> None:
    """Emergencies and inbound rebookings every time; a case's people going to a hotel overnight
    once per case and local day. The case's agency office hears of hotel nights and hospital
    admissions too."""
    agency_notices.person_moved(event)
    if event.to_step == ArrivalStep.HOTEL:
        _to_hotel(event)
        return
    if event.to_step not in EMERGENCY_WORDS and event.to_step != ArrivalStep.REBOOKED:
        return
    port, person = event.port, event.individual
    case = person.case
    details = [
        ["Case", case.case_number],
        ["Person", str(person)],
        ["Step before", ArrivalStep(event.from_step).label],
        ["Recorded", f"{_local(event.at, port)} by {signed_in(event)}"],
    ]
    if event.to_step == ArrivalStep.HOSPITAL:
        details[2:2] = [
            ["Hospital", str(event.detail.get("hospital", "—"))],
            ["Accompanied by", str(event.detail.get("accompanied_by") or "nobody named")],
        ]
    if event.to_step in EMERGENCY_WORDS:
        what = EMERGENCY_WORDS[ArrivalStep(event.to_step)]
        if event.to_step == ArrivalStep.HOSPITAL and event.detail.get("hospital"):
            what = f"taken to {event.detail['hospital']}"
        subject = f"{port.iata} · Emergency: {person} {what} (case {case.case_number})"
        kind = NotificationKind.EMERGENCY
    else:
        subject = f"{port.iata} · Rebooking: {person} rebooked (case {case.case_number})"
        kind = NotificationKind.REBOOKING
    summary = subject.split(": ", 1)[1] + "."
    context = {"summary": summary, "details": details, "path": page_url("case", case.case_number)}
    notify(kind, port, person, subject, context)


def case_progressed(case: Case, steps: Collection[str]) -> None:
    """``steps``: where the case's people now are. Arrival once per case, when everyone who came
    has departed on their connection or been handed over (an undo and redo does not report it
    again)."""
    port = case.port
    arriving = set(steps) - NOT_ARRIVING
    if not arriving or not arriving <= ARRIVED:
        return
    key = f"arrival:{case.pk}"
    if arriving == {ArrivalStep.HANDED_OVER}:
        what, summary = "handed over", "was handed over"
    else:
        legs = legs_of_cases([case.pk]).get(case.pk, [])
        codes = sorted({leg.code for leg in legs if leg.origin == port.iata})
        on = f" on {', '.join(codes)}" if codes else ""
        if arriving == {ArrivalStep.DEPARTED}:
            what, summary = f"departed{on}", f"departed on their connection{on}"
        else:
            what = f"handed over and departed{on}"
            summary = f"was handed over or departed on their connection{on}"
    subject = f"{port.iata} · Arrival: case {case.case_number} {what}"
    context = {
        "summary": f"Everyone in case {case.case_number} who travelled has arrived at "
        f"{port.iata} and {summary}.",
        "details": _case_details(case, port),
        "path": page_url("case", case.case_number),
    }
    notify(NotificationKind.ARRIVAL, port, case, subject, context, dedupe_key=key)


def _to_hotel(event: StepEvent) -> None:
    port, case = event.port, event.individual.case
    night = event.at.astimezone(port.zone).date()
    subject = f"{port.iata} · Transit: case {case.case_number} to hotel overnight"
    context = {
        "summary": f"Case {case.case_number} is staying overnight in a hotel at {port.iata}.",
        "details": [
            *_case_details(case, port),
            ["Night of", f"{night:%d %b %Y}"],
            ["Recorded", f"{_local(event.at, port)} by {signed_in(event)}"],
        ],
        "path": page_url("case", case.case_number),
    }
    key = f"transit:{case.pk}:{night.isoformat()}"
    notify(NotificationKind.TRANSIT, port, case, subject, context, dedupe_key=key)


def _case_details(case: Case, port: Port) -> list[list[str]]:
    return [
        ["Case", case.case_number],
        ["Final destination", case.final_destination or "—"],
        ["At", _local(timezone.now(), port)],
    ]


def _flight_path(flight: Flight) -> str:
    return reverse("arrivals:flight", args=[flight.port.iata, flight.pk])


def _at_risk_lines(rows: Sequence[AtRisk], port: Port) -> list[str]:
    return [
        f"{r.name} ({r.case_number}) → {r.onward_code} {_hhmm(r.onward_departure, port)}: "
        f"{r.words(port.min_connection_minutes)}"
        for r in rows
    ]


def _risk_on(flight: Flight, leaving: bool) -> tuple[list[dict[str, Any]], list[AtRisk]]:
    """The people on ``flight`` and those of them now at risk (three queries, only when a change
    is reported)."""
    # The port's day reads undo, which records through step_events, which imports this module.
    from arrivals.queries.portday import people_by_flight

    people = (people_by_flight([], [flight.pk]) if leaving else people_by_flight([flight.pk])).get(
        flight.pk, []
    )
    legs = legs_of_cases({p["case_id"] for p in people})
    inbound = None if leaving else flight
    return people, people_at_risk(flight.port, [(inbound, p) for p in people], legs)


def flight_changed(flight: Flight, before: Mapping[str, Any]) -> None:
    """An inbound flight: a delay, cancellation or diversion, or an estimate moved by 30 minutes
    or more, with the new time and the people it now puts at risk. A landing is not news for HQ
    (the arrivals that follow it are)."""
    port = flight.port
    status_news = flight.status != before["status"] and flight.status in {
        Flight.Status.DELAYED,
        Flight.Status.CANCELLED,
        Flight.Status.DIVERTED,
    }
    old_eta = before["estimated_arrival"] or flight.scheduled_arrival
    new_eta = flight.estimated_arrival
    eta_news = (
        new_eta is not None
        and old_eta is not None
        and flight.status not in {Flight.Status.LANDED}
        and abs(new_eta - old_eta) >= ETA_CHANGE
    )
    if not (status_news or eta_news):
        return
    label = Flight.Status(flight.status).label.lower()
    what = label if status_news else f"now expected {_hhmm(new_eta, port)}"
    if status_news and new_eta is not None and flight.status == Flight.Status.DELAYED:
        what = f"delayed, now expected {_hhmm(new_eta, port)}"
    people, at_risk = _risk_on(flight, leaving=False)
    subject = f"{port.iata} · Flight change: {flight.code} {flight.scheduled_date:%d %b} {what}"
    if at_risk:
        subject += f", {len(at_risk)} at risk of missing their connection"
    details = [
        ["Flight", f"{flight.code} {flight.origin} → {flight.destination}"],
        ["Status", Flight.Status(flight.status).label],
        ["Scheduled arrival", _local(flight.scheduled_arrival, port)],
        ["Estimated arrival", _local(flight.estimated_arrival, port)],
        ["Previous estimate", _local(before["estimated_arrival"], port)],
        ["People on board", str(len(people))],
        ["At risk of missing their connection", str(len(at_risk))],
    ]
    details += [["At risk", line] for line in _at_risk_lines(at_risk[:NAMES_SHOWN], port)]
    context = {
        "summary": f"Flight {flight.code} to {port.iata} on "
        f"{flight.scheduled_date:%d %b %Y} is {label}"
        + (f", now expected {_hhmm(new_eta, port)}" if new_eta else "")
        + (f"; {_people(len(at_risk))} may miss their connection." if at_risk else "."),
        "details": details,
        "path": _flight_path(flight),
    }
    notify(NotificationKind.FLIGHT_CHANGE, port, flight, subject, context)
    agency_notices.flight_changed(flight, what=what)


def departure_changed(
    flight: Flight,
    before: Mapping[str, Any],
    *,
    rebooking: Sequence[Individual] = (),
    staying: Sequence[tuple[Individual, str]] = (),
) -> None:
    """An onward flight leaving the port: a delay or a new estimate of 30 minutes or more, with
    the new departure and who is booked and at risk; a cancellation once, naming everyone it put
    into "needs rebooking" (``rebooking``) and anyone not moved, with why (``staying``). The
    agency office of each case booked on it hears of it too, of its own case only."""
    port = flight.port
    cancelled = flight.status == Flight.Status.CANCELLED and before["status"] != flight.status
    delayed = flight.status == Flight.Status.DELAYED and before["status"] != flight.status
    old_etd = before["estimated_departure"] or flight.scheduled_departure
    new_etd = flight.estimated_departure
    moved = new_etd is not None and old_etd is not None and abs(new_etd - old_etd) >= ETA_CHANGE
    if not (cancelled or delayed or moved) or flight.status == Flight.Status.DEPARTED:
        return
    people, at_risk = _risk_on(flight, leaving=True)
    route = f"{flight.code} {flight.origin} → {flight.destination}"
    details = [
        ["Flight", route],
        ["Status", Flight.Status(flight.status).label],
        ["Scheduled departure", _local(flight.scheduled_departure, port)],
        ["Estimated departure", _local(flight.estimated_departure, port)],
        ["Previous estimate", _local(before["estimated_departure"], port)],
        ["Gate", flight.gate or "—"],
        ["People booked", str(len(people))],
    ]
    if cancelled:
        what = "cancelled"
        if rebooking:
            what += f", {len(rebooking)} need rebooking"
        names = [f"{p} ({p.case.case_number})" for p in rebooking]
        details.append(["Need rebooking", _names(names)])
        if staying:
            details.append(
                ["Not moved", _names([f"{p} ({p.case.case_number}): {why}" for p, why in staying])]
            )
        summary = (
            f"Domestic flight {route} on {flight.scheduled_date:%d %b %Y} is cancelled; "
            f"{len(rebooking)} {'person needs' if len(rebooking) == 1 else 'people need'} "
            "rebooking."
        )
    else:
        what = f"delayed, now departs {_hhmm(new_etd, port)}" if new_etd else "delayed"
        if at_risk:
            what += f", {len(at_risk)} at risk"
        details.append(["At risk of missing it", str(len(at_risk))])
        details += [["At risk", line] for line in _at_risk_lines(at_risk[:NAMES_SHOWN], port)]
        summary = (
            f"Domestic flight {route} on {flight.scheduled_date:%d %b %Y} now departs "
            f"{_local(flight.latest_departure, port)}"
            + (f"; {_people(len(at_risk))} at risk." if at_risk else ".")
        )
    subject = f"{port.iata} · Flight change: {flight.code} {flight.scheduled_date:%d %b} {what}"
    context = {"summary": summary, "details": details, "path": _flight_path(flight)}
    notify(NotificationKind.FLIGHT_CHANGE, port, flight, subject, context)
    agency_notices.departure_changed(flight)


def onward_legs_text(case: Case, individual: Individual | None = None) -> str:
    """A case's (or one person's) onward legs in a line, for notices: "DL1234 ATL → ORD 14:05,
    UA55 ORD → BOI 17:30"."""
    legs = legs_of_cases([case.pk]).get(case.pk, [])
    if individual is not None:
        legs = legs_of(legs, individual.pk)
    return (
        ", ".join(
            f"{leg.code} {leg.origin} → {leg.destination} {_hhmm(leg.departure, case.port)}"
            for leg in legs
        )
        or "—"
    )
