"""The paperwork of bookings and custody: the hotel booking and meal order form, a transport
company's manifest of a day, and the custody handover form. Each context is read fresh from the
database when the worker renders it."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Prefetch

from cases.bookings import CustodyHandover, GroundTransportBooking, HotelBooking, Vendor
from cases.models import Individual
from reports.models import Document


class RecordGone(Exception):
    """The record the document is about is gone or moved; the message says which."""


def _record_id(document: Document) -> int:
    return int(document.object_id) if document.object_id.isdigit() else 0


def hotel_form(document: Document) -> dict[str, Any]:
    booking = (
        HotelBooking.objects.select_related("case__port", "case__agency", "vendor")
        .prefetch_related("individuals", "meals__individual")
        .filter(pk=_record_id(document), case__port=document.port)
        .first()
    )
    if booking is None:
        raise RecordGone(f"Hotel booking {document.subject} no longer exists at this port.")
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
    vendor = Vendor.objects.filter(pk=_record_id(document), port=document.port).first()
    if vendor is None or document.day is None:
        raise RecordGone("The transport company is no longer set up at this port.")
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
        CustodyHandover.objects.select_related("case__port", "case__agency", "individual")
        .filter(pk=_record_id(document), case__port=document.port)
        .first()
    )
    if handover is None:
        raise RecordGone(f"Custody handover {document.subject} no longer exists at this port.")
    documents = []
    if handover.subject == CustodyHandover.Subject.DOCUMENTS:
        held = handover.case.individuals.filter(document_in_custody=True)
        if handover.individual_id:
            held = held.filter(pk=handover.individual_id)
        documents = list(held.order_by("person_number"))
    return {
        "handover": handover,
        "case": handover.case,
        "documents": documents,
        "title": f"Custody handover · case {handover.case.case_number}",
    }


__all__ = ["RecordGone", "custody_form", "hotel_form", "transport_manifest"]
