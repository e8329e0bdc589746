"""Paperwork: ask for a PDF, watch it being prepared, download it. Files are only ever served
here, after the port permission check; they have no public URL."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from cases.bookings import CustodyHandover, HotelBooking, Vendor
from cases.services import case_for_page
from poe_ops.scoping import get_port_or_404, get_scoped_or_404
from poe_ops.services.audit import log_personal_data_access
from reports import services
from reports.models import Document

PAGE = "reports/document.html"


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))  # set by django_htmx's middleware


def _answer(request: HttpRequest, document: Document) -> HttpResponse:
    """The status partial for htmx (it polls itself until ready); else the document page."""
    if _is_htmx(request):
        document.refresh_from_db()  # eager tasks (make run) have already rendered it
        return render(request, f"{PAGE}#status", {"document": document})
    return redirect("reports:document", pk=document.pk)


def _refused(request: HttpRequest, message: str, back: str) -> HttpResponse:
    if _is_htmx(request):
        return render(request, f"{PAGE}#refusal", {"message": message}, status=400)
    messages.error(request, message)
    return redirect(back)


@require_POST
@login_required
def request_manifest(request: HttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    raw = request.POST.get("date", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else port.local_today()
    except ValueError:
        message = f"“{raw}” is not a date in the form YYYY-MM-DD; no manifest was made."
        return _refused(request, message, reverse("arrivals:port_today", args=[port.iata]))
    document = services.request_document(request.user, Document.Kind.DAILY_MANIFEST, port, day=day)
    return _answer(request, document)


@require_POST
@login_required
def request_case_sheet(request: HttpRequest, case_number: str) -> HttpResponse:
    case = case_for_page(request.user, case_number)
    document = services.request_document(
        request.user, Document.Kind.CASE_SHEET, case.port, case=case
    )
    return _answer(request, document)


@login_required
def document(request: HttpRequest, pk: int) -> HttpResponse:
    the_document = services.document_for(request.user, pk)
    if request.method not in {"GET", "HEAD"}:  # after the scope check: another port's is a 404
        return HttpResponseNotAllowed(["GET"])
    context = {"document": the_document, "port": the_document.port}
    if _is_htmx(request):
        return render(request, f"{PAGE}#status", context)
    return render(request, PAGE, {**context, "current_port": the_document.port})


@login_required
def download(request: HttpRequest, pk: int) -> HttpResponseBase:
    the_document = services.document_for(request.user, pk)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    if not the_document.is_ready:
        return redirect("reports:document", pk=the_document.pk)
    log_personal_data_access(
        request.user, the_document, port=the_document.port, purpose="PDF downloaded"
    )
    response = FileResponse(
        the_document.file.open("rb"),
        as_attachment=True,
        filename=the_document.file_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response


def _case_record_document(
    request: HttpRequest, queryset: QuerySet[Any], kind: str, pk: int
) -> HttpResponse:
    """A form about one record of a case (a hotel booking, a custody handover): 404 unless the
    user may view the case's port."""
    record = get_scoped_or_404(
        queryset.select_related("case__port"), request.user, via="case__port", pk=pk
    )
    document = services.request_document(
        request.user,
        kind,
        record.case.port,
        case=record.case,
        object_id=str(record.pk),
        subject=f"{record.case.case_number}-{record.pk}",
    )
    return _answer(request, document)


@require_POST
@login_required
def request_hotel_form(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_record_document(request, HotelBooking.objects.all(), Document.Kind.HOTEL_FORM, pk)


@require_POST
@login_required
def request_custody_form(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_record_document(
        request, CustodyHandover.objects.all(), Document.Kind.CUSTODY_FORM, pk
    )


@require_POST
@login_required
def request_transport_manifest(request: HttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    back = reverse("arrivals:port_today", args=[port.iata])
    raw_vendor = request.POST.get("vendor", "")
    vendor = Vendor.objects.filter(
        port=port, kind=Vendor.Kind.GROUND_TRANSPORT, pk=raw_vendor if raw_vendor.isdigit() else 0
    ).first()
    if vendor is None:
        return _refused(request, "Choose a ground-transport company of this port.", back)
    raw = request.POST.get("date", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else port.local_today()
    except ValueError:
        message = f"“{raw}” is not a date in the form YYYY-MM-DD; no manifest was made."
        return _refused(request, message, back)
    document = services.request_document(
        request.user,
        Document.Kind.TRANSPORT_MANIFEST,
        port,
        day=day,
        object_id=str(vendor.pk),
        subject=f"{vendor.name} {day:%Y-%m-%d}",
    )
    return _answer(request, document)
