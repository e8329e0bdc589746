"""The port's operations in the quick start: its directory (airport, CBP, airlines' station
managers, an agency's local office, the hospital) and a shift-log entry from the night shift,
one of them for the supervisor. Idempotent: contacts are found by name, the entry by its key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from arrivals.models import Flight, ShiftLogEntry
from poe_ops.models import Contact, Port

# kind, name, organisation, role, phone, after-hours phone
CONTACTS: dict[str, list[tuple[str, str, str, str, str, str]]] = {
    "ATL": [
        ("airport", "Airport Operations Center", "Hartsfield-Jackson", "24/7 duty desk",
         "+1 404 555 0300", ""),
        ("cbp", "Passenger Operations", "CBP Atlanta", "Watch commander", "+1 404 555 0311",
         "+1 404 555 0312"),
        ("airline", "Nadia Qureshi", "Qatar Airways", "Station manager", "+1 404 555 0320",
         "+1 404 555 0321"),
        ("airline", "Marc Dubois", "Turkish Airlines", "Station manager", "+1 404 555 0325", ""),
        ("agency", "Reception Team", "IRC Atlanta", "Local office", "+1 404 555 0330",
         "+1 404 555 0331"),
        ("hospital", "Emergency Department", "Grady Memorial Hospital", "", "+1 404 555 0340",
         ""),
    ],
    "JFK": [
        ("airport", "Terminal 4 Operations", "JFK IAT", "Duty manager", "+1 718 555 0300", ""),
        ("cbp", "Passenger Processing", "CBP JFK", "Supervisor on duty", "+1 718 555 0311",
         "+1 718 555 0312"),
        ("airline", "Aisha Bello", "Emirates", "Station manager", "+1 718 555 0320", ""),
        ("agency", "Arrivals Desk", "HIAS New York", "Local office", "+1 212 555 0330",
         "+1 212 555 0331"),
        ("hospital", "Emergency Department", "Jamaica Hospital", "", "+1 718 555 0340", ""),
    ],
}  # fmt: skip


def seed_contacts(port: Port, actor: Any) -> int:
    made = 0
    for kind, name, organisation, role, phone, after in CONTACTS.get(port.iata, []):
        _, created = Contact.objects.get_or_create(
            port=port,
            name=name,
            organisation=organisation,
            defaults={
                "kind": kind,
                "role": role,
                "phone": phone,
                "after_hours_phone": after,
                "updated_by": actor,
            },
        )
        made += created
    return made


def seed_shift_log(port: Port, actor: Any) -> int:
    """Two entries of the last night: a handover note on a flight, and one for the supervisor."""
    now = timezone.now()
    today = port.local_today()
    flight = Flight.objects.filter(port=port, scheduled_date=today).order_by("scheduled_arrival")
    first = flight.first()
    entries = [
        (
            f"demo-log-{port.iata}-{today:%Y%m%d}-1",
            now - dt.timedelta(hours=6),
            "Night handover: two hotel transits checked in at the Airport Gateway Inn; the "
            "shuttle came 20 minutes late (logged as a vendor problem).",
            None,
            False,
        ),
        (
            f"demo-log-{port.iata}-{today:%Y%m%d}-2",
            now - dt.timedelta(hours=2),
            "CBP asked for the sealed medical envelope of one family in secondary; handed over "
            "against signature. The officer should call the watch commander this morning.",
            first,
            True,
        ),
    ]
    made = 0
    for key, at, text, on_flight, for_supervisor in entries:
        _, created = ShiftLogEntry.objects.get_or_create(
            idempotency_key=key,
            defaults={
                "port": port,
                "at": at,
                "text": text,
                "flight": on_flight,
                "for_supervisor": for_supervisor,
                "author": actor,
            },
        )
        made += created
    return made
