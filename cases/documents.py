"""The paperwork of bookings and custody: the hotel booking and meal order form, a transport
company's manifest of a day, and the custody handover form, registered with the core's document
kinds from ``CasesConfig.ready``. Each context is read fresh from the database when the worker
renders it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Prefetch
from django.utils.text import get_valid_filename

from cases.models import CustodyHandover, GroundTransportBooking, HotelBooking, Individual, Vendor
from cases.services.signatures import as_data_url
from poe_ops.models import Document, Port
from poe_ops.registry import DocumentKind, DocumentUnavailable, page_url, register_document
from poe_ops.services.documents import request_document

HOTEL_FORM = "hotel_form"
TRANSPORT_MANIFEST = "transport_manifest"
CUSTODY_FORM = "custody_form"


def request_hotel_form(user: Any, booking: HotelBooking) -> Document:
    return _about_a_booking(user, HOTEL_FORM, booking)


def request_custody_form(user: Any, handover: CustodyHandover) -> Document:
    return _about_a_booking(user, CUSTODY_FORM, handover)


def _about_a_booking(user: Any, kind: str, record: HotelBooking | CustodyHandover) -> Document:
    case = record.case
    return request_document(
        user, kind, case.port, object_id=str(record.pk), subject=f"{case.case_number}-{record.pk}"
    )


def request_transport_manifest(user: Any, port: Port, vendor: Vendor, day: dt.date) -> Document:
    return request_document(
        user,
        TRANSPORT_MANIFEST,
        port,
        day=day,
        object_id=str(vendor.pk),
        subject=f"{vendor.name} {day:%Y-%m-%d}",
    )


def hotel_form(document: Document) -> dict[str, Any]:
    booking = (
        HotelBooking.objects.select_related("case__port", "case__agency", "vendor")
        .prefetch_related("individuals", "meals__individual")
        .filter(pk=document.record_id, case__port=document.port)
        .first()
    )
    if booking is None:
        raise DocumentUnavailable(
            f"Hotel booking {document.subject} no longer exists at this port."
        )
    people = list(booking.individuals.all()) or list(
        booking.case.individuals.order_by("person_number")
    )
    meals = sorted(booking.meals.all(), key=lambda m: m.individual.person_number)
    totals = Counter[str]()
    for meal in meals:
        totals[meal.get_meal_display()] += meal.count
    return {
        "booking": booking,
        "case": booking.case,
        "people": people,
        "meals": meals,
        "meal_totals": sorted(totals.items()),
        "allergies": [m for m in meals if m.allergies],
        "check_out": booking.check_in + dt.timedelta(days=booking.nights),
        "title": f"Hotel booking and meal order · case {booking.case.case_number}",
    }


def transport_manifest(document: Document) -> dict[str, Any]:
    vendor = Vendor.objects.filter(pk=document.record_id, port=document.port).first()
    if vendor is None or document.day is None:
        raise DocumentUnavailable("The transport company is no longer set up at this port.")
    zone = document.port.zone
    start = dt.datetime.combine(document.day, dt.time.min, tzinfo=zone)
    end = start + dt.timedelta(days=1)
    everyone = Prefetch("case__individuals", queryset=Individual.objects.order_by("person_number"))
    rides = list(
        GroundTransportBooking.objects.filter(
            vendor=vendor, pickup_at__gte=start, pickup_at__lt=end
        )
        .exclude(status=GroundTransportBooking.Status.CANCELLED)
        .select_related("case")
        .prefetch_related("individuals", everyone)
        .order_by("pickup_at", "id")
    )
    rows = [
        (ride, list(ride.individuals.all()) or list(ride.case.individuals.all())) for ride in rides
    ]
    return {
        "vendor": vendor,
        "day": document.day,
        "rows": rows,
        "passengers": sum(len(people) for _ride, people in rows),
        "title": f"Ground transport manifest · {vendor.name} · {document.day:%d %b %Y}",
    }


def custody_form(document: Document) -> dict[str, Any]:
    handover = (
        CustodyHandover.objects.select_related(
            "case__port", "case__agency", "case__agency_office", "override_by", "recorded_by"
        )
        .prefetch_related("individuals")
        .filter(pk=document.record_id, case__port=document.port)
        .first()
    )
    if handover is None:
        raise DocumentUnavailable(
            f"Custody handover {document.subject} no longer exists at this port."
        )
    people = sorted(handover.individuals.all(), key=lambda p: p.person_number)
    documents = []
    if handover.subject == CustodyHandover.Subject.DOCUMENTS:
        held = handover.case.individuals.filter(document_in_custody=True)
        if people:
            held = held.filter(pk__in=[p.pk for p in people])
        documents = list(held.order_by("person_number"))
    # The chain of each minor handed over here, up to and including this hand-over.
    minors = [p for p in people if p.needs_custody or handover.of_minor]
    chain = (
        CustodyHandover.objects.filter(individuals__in=minors, at__lte=handover.at)
        .prefetch_related("individuals")
        .distinct()
        .order_by("at", "id")
        if minors
        else CustodyHandover.objects.none()
    )
    timelines = [(minor, [h for h in chain if minor in h.individuals.all()]) for minor in minors]
    return {
        "handover": handover,
        "case": handover.case,
        "people": people,
        "documents": documents,
        "timelines": timelines,
        "from_signature": _signature(handover.from_signature),
        "to_signature": _signature(handover.to_signature),
        "title": f"Custody handover · case {handover.case.case_number}",
    }


def _signature(file: Any) -> str:
    """The stored PNG as a ``data:`` URL (PDFs fetch nothing else); "" when not signed, or when
    the file is gone (the form then shows an empty line, not an error)."""
    if not file:
        return ""
    try:
        with file.open("rb") as handle:
            return as_data_url(handle.read())
    except FileNotFoundError:
        return ""


def _case_of_booking(model: type[HotelBooking] | type[CustodyHandover]):  # type: ignore[no-untyped-def]
    def source(document: Document) -> tuple[str, str] | None:
        record = model.objects.filter(pk=document.record_id).select_related("case").first()
        if record is None:
            return None
        number = record.case.case_number
        return f"Case {number}", page_url("case", number)

    return source


def _port_day(document: Document) -> tuple[str, str]:
    return f"{document.port.iata} day", page_url("port_day", document.port.iata, document.day)


def register() -> None:
    register_document(
        DocumentKind(
            key=HOTEL_FORM,
            label="Hotel booking and meal order form",
            template="cases/pdf/hotel_form.html",
            build_context=hotel_form,
            file_name=lambda d: get_valid_filename(f"hotel-form-{d.subject}.pdf"),
            source=_case_of_booking(HotelBooking),
        )
    )
    register_document(
        DocumentKind(
            key=TRANSPORT_MANIFEST,
            label="Ground transport manifest",
            template="cases/pdf/transport_manifest.html",
            build_context=transport_manifest,
            file_name=lambda d: get_valid_filename(f"transport-manifest-{d.subject}.pdf"),
            source=_port_day,
        )
    )
    register_document(
        DocumentKind(
            key=CUSTODY_FORM,
            label="Custody handover form",
            template="cases/pdf/custody_form.html",
            build_context=custody_form,
            file_name=lambda d: get_valid_filename(f"custody-handover-{d.subject}.pdf"),
            source=_case_of_booking(CustodyHandover),
        )
    )
