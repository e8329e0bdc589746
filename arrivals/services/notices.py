"""What the arrivals day reports to Operations HQ. Each function is called by a service inside its
transaction, so the notification is written if and only if the change is (see
``poe_ops.services.notifications``). Subjects are plain and times are the port's local time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from typing import Any

from django.urls import reverse
from django.utils import timezone

from arrivals.models import Flight, StepEvent
from arrivals.services import agency_notices
from cases.models import Case
from cases.steps import ArrivalStep
from poe_ops.models import NotificationKind, Port
from poe_ops.registry import page_url
from poe_ops.services.notifications import notify

# A new estimate this far from the last one is news for HQ; less is noise.
ETA_CHANGE = dt.timedelta(minutes=30)
ARRIVED = frozenset({ArrivalStep.CONNECTED, ArrivalStep.HANDED_OVER})
# People who are not coming (today) do not hold back a case's arrival notification.
NOT_ARRIVING = frozenset({ArrivalStep.NO_SHOW, ArrivalStep.REBOOKED})
EMERGENCY_WORDS = {
    ArrivalStep.HOSPITAL: "taken to hospital",
    ArrivalStep.CBP_REFERRAL: "referred by CBP",
}


def _local(when: dt.datetime | None, port: Port) -> str:
    if when is None:
        return "—"
    return f"{when.astimezone(port.zone):%d %b %H:%M} {port.iata} time"


def _case_path(case: Case) -> str:
    return reverse("arrivals:case", args=[case.case_number])


def signed_in(event: StepEvent) -> str:
    return str(event.actor.get_full_name() or event.actor.get_username())


def person_moved(event: StepEvent) -> None:
    """Emergencies (hospital, CBP referral) and rebookings every time; a case's people going to
    a hotel overnight once per case and local day. The case's agency office hears of hotel
    nights and hospital admissions too."""
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
        ["Recorded", f"{_local(event.at, port)} by {signed_in(event)}"],
    ]
    if event.to_step in EMERGENCY_WORDS:
        what = EMERGENCY_WORDS[ArrivalStep(event.to_step)]
        subject = f"{port.iata} · Emergency: {person} {what} (case {case.case_number})"
        kind = NotificationKind.EMERGENCY
    elif event.to_step == ArrivalStep.REBOOKED:
        subject = f"{port.iata} · Rebooking: {person} rebooked (case {case.case_number})"
        kind = NotificationKind.REBOOKING
    summary = subject.split(": ", 1)[1] + "."
    context = {"summary": summary, "details": details, "path": page_url("case", case.case_number)}
    notify(kind, port, person, subject, context)


def case_progressed(case: Case, steps: Collection[str]) -> None:
    """``steps``: where the case's people now are. Arrival once per case, when everyone who
    came has been handed over or connected onward (an undo and redo does not report it again)."""
    port = case.port
    arriving = set(steps) - NOT_ARRIVING
    if arriving and arriving <= ARRIVED:
        subject = f"{port.iata} · Arrival: case {case.case_number} handed over or connected"
        context = {
            "summary": f"Everyone in case {case.case_number} who travelled has arrived at "
            f"{port.iata} and was handed over or connected onward.",
            "details": _case_details(case, port),
            "path": page_url("case", case.case_number),
        }
        notify(
            NotificationKind.ARRIVAL, port, case, subject, context, dedupe_key=f"arrival:{case.pk}"
        )


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


def flight_changed(flight: Flight, before: Mapping[str, Any]) -> None:
    """A delay, cancellation or diversion, or an estimate moved by 30 minutes or more. A landing
    is not news for HQ (the arrivals that follow it are)."""
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
    if status_news:
        what = label
    else:
        what = f"now expected {new_eta.astimezone(port.zone):%H:%M}" if new_eta else label
    subject = f"{port.iata} · Flight change: {flight.code} {flight.scheduled_date:%d %b} {what}"
    context = {
        "summary": f"Flight {flight.code} to {port.iata} on "
        f"{flight.scheduled_date:%d %b %Y} is {label}.",
        "details": [
            ["Flight", str(flight.code)],
            ["Status", Flight.Status(flight.status).label],
            ["Scheduled arrival", _local(flight.scheduled_arrival, port)],
            ["Estimated arrival", _local(flight.estimated_arrival, port)],
            ["Previous estimate", _local(before["estimated_arrival"], port)],
        ],
        "path": reverse("arrivals:flight", args=[port.iata, flight.pk]),
    }
    notify(NotificationKind.FLIGHT_CHANGE, port, flight, subject, context)
    agency_notices.flight_changed(flight, what=what)
