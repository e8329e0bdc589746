"""The port's directory as the tablet shows it: the contacts officers keep
(``poe_ops.models.Contact``), the vendors in use (their phone is on the vendor), and the
resettlement agencies' local offices.

Agencies' local offices are kept by Operations HQ (``cases.models.AgencyOffice``, ``/agencies/``)
and tied to the ports whose arrivals they receive (``AgencyOffice.ports``); the directory lists
the active ones of active agencies, as ``Entry`` rows (``source="agency_office"``). Officers may
still keep an office as a contact of the kind "Agency local office" (a second number, say)."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import AgencyOffice
from cases.models.bookings import Vendor
from cases.queries.agencies import offices_at
from poe_ops.models import Contact, Port
from poe_ops.text import fold


@dataclass(frozen=True)
class Entry:
    """One line of the directory, whatever it comes from."""

    source: str  # "contact", "vendor", "agency_office"
    kind: str  # what the filter groups by: a Contact.Kind, or "vendor"
    kind_label: str
    name: str
    organisation: str
    role: str
    phone: str
    after_hours_phone: str
    email: str
    notes: str
    pk: int

    @property
    def words(self) -> str:
        """Everything a search may match, folded (accents and case ignored); phone numbers
        also without their spaces and dashes, so "404 555" and "404-555" both find one."""
        phones = " ".join("".join(c for c in p if c.isdigit()) for p in self.phones)
        text = " ".join(
            [self.name, self.organisation, self.role, self.kind_label, self.notes, *self.phones]
        )
        return f"{fold(text)} {phones}"

    @property
    def phones(self) -> list[str]:
        return [p for p in (self.phone, self.after_hours_phone) if p]


VENDOR_KIND = "vendor"
AGENCY_OFFICE_KIND = Contact.Kind.AGENCY


def kinds() -> list[tuple[str, str]]:
    return [*Contact.Kind.choices, (VENDOR_KIND, "Vendors (hotels, transport, interpreters)")]


def _contacts(port: Port) -> list[Entry]:
    return [
        Entry(
            source="contact",
            kind=c.kind,
            kind_label=c.get_kind_display(),
            name=c.name,
            organisation=c.organisation,
            role=c.role,
            phone=c.phone,
            after_hours_phone=c.after_hours_phone,
            email=c.email,
            notes=c.notes,
            pk=c.pk,
        )
        for c in Contact.objects.filter(port=port, active=True)
    ]


def _vendors(port: Port) -> list[Entry]:
    return [
        Entry(
            source="vendor",
            kind=VENDOR_KIND,
            kind_label=v.get_kind_display(),
            name=v.contact_name or v.name,
            organisation=v.name if v.contact_name else "",
            role=v.get_kind_display(),
            phone=v.phone,
            after_hours_phone="",
            email=v.email,
            notes=v.address,
            pk=v.pk,
        )
        for v in Vendor.objects.filter(port=port, active=True).exclude(phone="")
    ]


def _address(office: AgencyOffice) -> str:
    place = f"{office.city}, {office.state}" if office.city else office.state
    if not office.address:
        return place
    return office.address if office.city in office.address else f"{office.address}, {place}"


def agency_offices(port: Port) -> list[Entry]:
    """The resettlement agencies' local offices that receive the port's cases, as directory
    entries (kind "Agency local office"): those HQ tied to the port, active, of an agency still
    active (``cases.queries.agencies.offices_at``, issue 15's reading of "the port's contacts").
    One query."""
    return [
        Entry(
            source="agency_office",
            kind=AGENCY_OFFICE_KIND,
            kind_label=Contact.Kind.AGENCY.label,
            name=office.name,
            organisation=office.agency.name,
            role="",
            phone=office.duty_phone,
            after_hours_phone=office.after_hours_phone,
            email=office.email,
            notes=_address(office),
            pk=office.pk,
        )
        for office in offices_at(port)
    ]


def directory(port: Port, query: str = "", kind: str = "") -> list[Entry]:
    """The port's directory, grouped by kind then name, narrowed to entries whose words hold
    every word of ``query`` and to ``kind``. Two queries (contacts, vendors) plus the agency
    offices' (three in all)."""
    entries = [*_contacts(port), *_vendors(port), *agency_offices(port)]
    if kind:
        entries = [e for e in entries if e.kind == kind]
    needles = fold(query).split()
    if needles:
        entries = [e for e in entries if all(n in e.words for n in needles)]
    order = {value: n for n, (value, _label) in enumerate(kinds())}
    return sorted(
        entries, key=lambda e: (order.get(e.kind, 99), fold(e.organisation), fold(e.name))
    )
