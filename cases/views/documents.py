"""Asking for the paperwork of bookings and custody: a hotel booking's form, a custody
handover's form, a transport company's manifest of a day."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.views.decorators.http import require_POST

from cases import documents
from cases.models import CustodyHandover, HotelBooking, Vendor
from poe_ops.http import HtmxHttpRequest
from poe_ops.registry import page_url
from poe_ops.scoping import get_port_or_404, get_scoped_or_404
from poe_ops.views.documents import answer, refused


@require_POST
@login_required
def request_hotel_form(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    booking = get_scoped_or_404(
        HotelBooking.objects.select_related("case__port"), request.user, via="case__port", pk=pk
    )
    return answer(request, documents.request_hotel_form(request.user, booking))


@require_POST
@login_required
def request_custody_form(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    handover = get_scoped_or_404(
        CustodyHandover.objects.select_related("case__port"), request.user, via="case__port", pk=pk
    )
    return answer(request, documents.request_custody_form(request.user, handover))


@require_POST
@login_required
def request_transport_manifest(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    back = page_url("port_day", port.iata, None)
    raw_vendor = request.POST.get("vendor", "")
    vendor = Vendor.objects.filter(
        port=port, kind=Vendor.Kind.GROUND_TRANSPORT, pk=raw_vendor if raw_vendor.isdigit() else 0
    ).first()
    if vendor is None:
        return refused(request, "Choose a ground-transport company of this port.", back)
    raw = request.POST.get("date", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else port.local_today()
    except ValueError:
        message = f"“{raw}” is not a date in the form YYYY-MM-DD; no manifest was made."
        return refused(request, message, back)
    return answer(request, documents.request_transport_manifest(request.user, port, vendor, day))
