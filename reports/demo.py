"""Demo incident reports for the quick start (``manage.py seed_demo``): at ATL one approved,
one awaiting the officer and one draft; at JFK one returned with the officer's comment.
Written through the services, so their history and notifications are real. Idempotent: a
port that already has incident reports is left alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from arrivals.models import Flight
from poe_ops.models import Port
from reports.models import IncidentReport
from reports.services import incidents


def _on_todays_flight(port: Port) -> dict[str, Any]:
    flight = Flight.objects.filter(port=port, scheduled_date=port.local_today()).first()
    if flight is None:
        return {}
    segment = flight.segments.select_related("case").first()
    if segment is None:
        return {"flight": flight}
    person = segment.case.individuals.order_by("person_number").first()
    return {
        "flight": flight,
        "case": segment.case,
        "individuals": [person] if person else [],
    }


def seed_demo_incidents() -> int:
    User = get_user_model()
    made = 0
    now = timezone.now()
    for iata in ("ATL", "JFK"):
        port = Port.objects.filter(iata=iata).first()
        associate = User.objects.filter(username=f"{iata.lower()}.associate").first()
        officer = User.objects.filter(username=f"{iata.lower()}.officer").first()
        if port is None or associate is None or officer is None:
            continue
        if IncidentReport.objects.filter(port=port).exists():
            continue
        links = _on_todays_flight(port)
        if iata == "ATL":
            approved = incidents.create_draft(
                associate,
                port,
                {
                    "occurred_at": now - dt.timedelta(days=1, hours=3),
                    "category": "lost_luggage",
                    "severity": "low",
                    "narrative": "Two suitcases of a family of five did not arrive on the belt.",
                    "actions_taken": "Property irregularity report filed with the airline; "
                    "delivery address given as the resettlement agency office.",
                    "follow_up_needed": "Agency to confirm delivery.",
                },
            )
            incidents.submit_incident(associate, approved)
            incidents.decide_incident(officer, approved, approve=True)
            awaiting = incidents.create_draft(
                associate,
                port,
                {
                    **links,
                    "occurred_at": now - dt.timedelta(hours=1),
                    "category": "medical",
                    "severity": "high",
                    "narrative": "Passenger felt faint in the CBP queue; low blood sugar.",
                    "actions_taken": "Water and food given; airport paramedics checked her.",
                    "follow_up_needed": "Tell the agency about her diabetes medication.",
                },
            )
            incidents.submit_incident(associate, awaiting)
            incidents.create_draft(
                associate,
                port,
                {
                    "occurred_at": now - dt.timedelta(minutes=40),
                    "category": "vendor_failure",
                    "severity": "medium",
                    "narrative": "The hotel shuttle did not come for the 22:00 pick-up.",
                },
            )
            made += 3
        else:
            returned = incidents.create_draft(
                associate,
                port,
                {
                    **links,
                    "occurred_at": now - dt.timedelta(hours=5),
                    "category": "missed_connection",
                    "severity": "medium",
                    "narrative": "Inbound flight 2 hours late; the family missed the onward leg.",
                    "actions_taken": "Rebooked for tomorrow morning; hotel booked.",
                },
            )
            incidents.submit_incident(associate, returned)
            incidents.decide_incident(
                officer,
                returned,
                approve=False,
                comment="Add the new flight number and the hotel's name, please.",
            )
            made += 1
    return made


def seed_demo_protection_report() -> int:
    """A protection/PSEA report at ATL, awaiting the DC protection focal point (not the ATL
    officer): it shows how such reports are routed apart. Made once."""
    port = Port.objects.filter(iata="ATL").first()
    associate = get_user_model().objects.filter(username="atl.associate").first()
    if port is None or associate is None:
        return 0
    if IncidentReport.objects.filter(port=port, category="protection").exists():
        return 0
    report = incidents.create_draft(
        associate,
        port,
        {
            "occurred_at": timezone.now() - dt.timedelta(hours=2),
            "category": "protection",
            "severity": "high",
            "narrative": "A woman travelling alone said the hotel shuttle driver asked for her "
            "phone number and offered help with her case in exchange. She was moved to "
            "another shuttle.",
            "actions_taken": "Stayed with her until the second shuttle left; told her she does "
            "not owe anyone anything for IOM's help.",
            "follow_up_needed": "Protection focal point to follow up with the vendor and her.",
        },
    )
    incidents.submit_incident(associate, report)
    return 1


def seed_demo() -> str:
    made = seed_demo_incidents() + seed_demo_protection_report()
    return f"{made} new incident reports"
