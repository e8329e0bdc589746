"""The agencies' local offices for the quick start: two or three near each port (their staff
meet cases at the airport), one in each city the demo's onward flights go to, and one office of
an agency that has since ended federal resettlement (inactive, offered in no list). Invented
names, ``555`` phone numbers and ``example.org`` addresses. Idempotent: offices are found by
agency and name."""

from __future__ import annotations

from django.db import transaction

from cases.models import AgencyOffice, ResettlementAgency
from poe_ops.models import Port

# agency, office, city, state, ports, duty phone, after-hours phone
NEAR_PORTS: list[tuple[str, str, str, str, tuple[str, ...], str, str]] = [
    ("IRC", "IRC Atlanta", "Decatur", "GA", ("ATL",), "+1 404 555 0140", "+1 404 555 0149"),
    ("WR", "World Relief Atlanta", "Stone Mountain", "GA", ("ATL",), "+1 770 555 0120", ""),
    ("CWS", "CWS Atlanta", "Clarkston", "GA", ("ATL",), "+1 404 555 0160", "+1 404 555 0169"),
    ("USCCB", "Catholic Charities Atlanta", "Atlanta", "GA", ("ATL",), "+1 404 555 0180", ""),
    ("HIAS", "HIAS New York", "New York", "NY", ("JFK",), "+1 212 555 0130", "+1 212 555 0139"),
    ("IRC", "IRC New York", "New York", "NY", ("JFK", "EWR"), "+1 212 555 0150", ""),
    ("CWS", "CWS Jersey City", "Jersey City", "NJ", ("EWR",), "+1 201 555 0110", ""),
    ("ECDC", "ECDC Arlington", "Arlington", "VA", ("IAD",), "+1 703 555 0170", ""),
    ("IRC", "IRC Silver Spring", "Silver Spring", "MD", ("IAD",), "+1 301 555 0140", ""),
    ("GR", "Global Refuge Houston", "Houston", "TX", ("IAH",), "+1 713 555 0190", ""),
    ("USCRI", "USCRI Houston", "Houston", "TX", ("IAH",), "+1 713 555 0110", ""),
    ("HIAS", "HIAS Chicago", "Chicago", "IL", ("ORD",), "+1 312 555 0130", ""),
    ("WR", "World Relief Chicago", "Chicago", "IL", ("ORD",), "+1 773 555 0120", ""),
    ("IRC", "IRC San Diego", "San Diego", "CA", ("LAX",), "+1 619 555 0140", ""),
    ("IRC", "IRC Los Angeles", "Los Angeles", "CA", ("LAX",), "+1 213 555 0140", ""),
]

# The cities the demo day's onward flights reach (arrivals.demo.people.ONWARD_CITIES): one
# office each, of the agencies still active in turn.
DESTINATIONS = [
    ("Boise", "ID"),
    ("Louisville", "KY"),
    ("Sacramento", "CA"),
    ("Columbus", "OH"),
    ("Phoenix", "AZ"),
    ("Buffalo", "NY"),
    ("Charlotte", "NC"),
    ("Salt Lake City", "UT"),
    ("Fargo", "ND"),
    ("Erie", "PA"),
    ("Spokane", "WA"),
    ("Minneapolis", "MN"),
    ("Dallas", "TX"),
    ("Denver", "CO"),
]


def _email(name: str) -> str:
    return f"{name.lower().replace(' ', '-')}@agencies.example.org"


def seed_demo() -> str:
    agencies = {a.code: a for a in ResettlementAgency.objects.all()}
    active = sorted(code for code, a in agencies.items() if a.active)
    ports = {p.iata: p for p in Port.objects.all()}
    made = 0
    with transaction.atomic():
        for code, name, city, state, near, duty, after_hours in NEAR_PORTS:
            if code not in agencies:
                continue
            office, created = AgencyOffice.objects.get_or_create(
                agency=agencies[code],
                name=name,
                defaults={
                    "city": city,
                    "state": state,
                    "address": f"100 Main Street, {city}, {state}",
                    "duty_phone": duty,
                    "after_hours_phone": after_hours,
                    "email": _email(name),
                    "active": agencies[code].active,
                },
            )
            if created:
                office.ports.set([ports[iata] for iata in near if iata in ports])
                made += 1
        for index, (city, state) in enumerate(DESTINATIONS):
            if not active:
                break
            code = active[index % len(active)]
            name = f"{code} {city}"
            _office, created = AgencyOffice.objects.get_or_create(
                agency=agencies[code],
                name=name,
                defaults={
                    "city": city,
                    "state": state,
                    "duty_phone": f"+1 555 555 01{index:02d}",
                    "email": _email(name),
                    # One office asked not to be emailed: it is phoned instead.
                    "notify": index != 1,
                },
            )
            made += created
    return f"{made} new agency offices"
