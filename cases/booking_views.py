"""Booking forms reachable from the case page, booking status and feedback, and the officer's
vendor pages. Thin: scope, form, one service call, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from guardian.shortcuts import get_users_with_perms

from cases import booking_services, escort_services, vendor_services
from cases.booking_common import BookingError
from cases.booking_forms import (
    CustodyForm,
    EscortForm,
    FeedbackForm,
    HotelForm,
    PeriodForm,
    ResolveForm,
    TransportForm,
    VendorFeedbackForm,
)
from cases.bookings import GroundTransportBooking, HotelBooking, Vendor, VendorProblem
from cases.models import Case
from cases.services import case_for_page
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, require_port_perm

FORM = "cases/booking_form.html"
BOOKING_KINDS: dict[str, type[HotelBooking] | type[GroundTransportBooking]] = {
    "hotel": HotelBooking,
    "transport": GroundTransportBooking,
}


def _case(request: HttpRequest, case_number: str) -> Case:
    """The case if the user may act at its port: 404 for another port's, 403 for view-only."""
    case = case_for_page(request.user, case_number)
    require_port_perm(request.user, case.port, OPERATE)
    return case


def _form_page(
    request: HttpRequest, case: Case, form: Any, title: str, refusal: str = "", **extra: Any
) -> HttpResponse:
    context = {
        "case": case,
        "port": case.port,
        "current_port": case.port,
        "form": form,
        "title": title,
        "refusal": refusal,
        **extra,
    }
    bad = request.method == "POST"
    return render(request, FORM, context, status=400 if bad else 200)


def _to_case(case: Case, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('cases:detail', args=[case.case_number])}#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def book_hotel(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    form = HotelForm(request.POST or None, case=case)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = booking_services.book_hotel(
                request.user,
                case,
                idempotency_key=form.cleaned_data["key"],
                individuals=list(form.cleaned_data["individuals"]),
                **form.service_kwargs(),
            )
        except BookingError as error:
            refusal = str(error)
        else:
            messages.success(request, f"Hotel booked: {saved.obj.vendor}.")
            return _to_case(case, "case-bookings")
    return _form_page(request, case, form, "Book a hotel", refusal, submit_label="Book the hotel")


@login_required
@require_http_methods(["GET", "POST"])
def book_transport(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    form = TransportForm(request.POST or None, case=case)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = booking_services.book_transport(
                request.user,
                case,
                idempotency_key=form.cleaned_data["key"],
                **form.service_kwargs(),
            )
        except BookingError as error:
            refusal = str(error)
        else:
            messages.success(request, f"Ground transport booked: {saved.obj.vendor}.")
            return _to_case(case, "case-bookings")
    return _form_page(
        request, case, form, "Book ground transport", refusal, submit_label="Book the ride"
    )


@login_required
@require_http_methods(["GET", "POST"])
def assign_escort(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    holders: Any = get_users_with_perms(
        case.port, with_group_users=True, only_with_perms_in=[OPERATE]
    )
    staff = holders.order_by("first_name", "last_name", "username")
    form = EscortForm(request.POST or None, case=case, staff=staff)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            escort_services.assign_escort(
                request.user,
                case,
                individuals=list(data["individuals"]),
                kind=data["kind"],
                name=data["name"],
                organisation=data["organisation"],
                escort_user=data["staff"],
                purpose=data["purpose"],
                leg=data["leg"],
                idempotency_key=data["key"],
            )
        except BookingError as error:
            refusal = str(error)
        else:
            messages.success(request, "Escort assigned.")
            return _to_case(case, "case-escorts")
    intro = "Unaccompanied minors and MEDA/STCR travellers need an escort."
    return _form_page(
        request, case, form, "Assign an escort", refusal, intro=intro, submit_label="Assign"
    )


@login_required
@require_http_methods(["GET", "POST"])
def record_custody(request: HttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    form = CustodyForm(request.POST or None, case=case, user=request.user)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        from_party, to_party = form.parties()
        try:
            escort_services.record_handover(
                request.user,
                case,
                subject=data["subject"],
                individual=data["individual"],
                from_party=from_party,
                to_party=to_party,
                place=data["place"],
                idempotency_key=data["key"],
            )
        except BookingError as error:
            refusal = str(error)
        else:
            messages.success(request, "Custody handover recorded.")
            return _to_case(case, "case-custody")
    intro = (
        "Record who hands a minor, or the documents held in the IOM bag, to whom. The receiving "
        "person and their organisation must be named."
    )
    return _form_page(
        request, case, form, "Custody handover", refusal, intro=intro, submit_label="Record"
    )


def _booking(request: HttpRequest, kind: str, pk: int, perm: str = OPERATE) -> Any:
    model = BOOKING_KINDS.get(kind)
    if model is None:
        raise Http404("No such booking.")
    queryset: QuerySet[Model] = model.objects.select_related("case__port", "vendor")
    return get_scoped_or_404(queryset, request.user, perm, via="case__port", pk=pk)


@require_POST
@login_required
def booking_status(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    booking = _booking(request, kind, pk)
    change = (
        booking_services.change_hotel_status
        if kind == "hotel"
        else booking_services.change_transport_status
    )
    try:
        changed = change(request.user, booking.pk, request.POST.get("status", ""))
    except BookingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{changed.vendor}: {changed.get_status_display().lower()}.")
    return _to_case(booking.case, "case-bookings")


def _record_feedback(request: HttpRequest, form: FeedbackForm, target: Any) -> str:
    """Record the rating and/or problem; the refusal's words, or "" when recorded."""
    data = form.cleaned_data
    try:
        with transaction.atomic():  # a rating without its problem is not half-recorded
            if data["rating"] is not None:
                vendor_services.rate_vendor(request.user, target, data["rating"], data["comment"])
            if data["problem"]:
                vendor_services.log_problem(
                    request.user, target, data["problem"], data["description"]
                )
    except BookingError as error:
        return str(error)
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def booking_feedback(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    booking = _booking(request, kind, pk)
    form = FeedbackForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        refusal = _record_feedback(request, form, booking)
        if not refusal:
            messages.success(request, f"Thank you: feedback on {booking.vendor} recorded.")
            return _to_case(booking.case, "case-bookings")
    return _form_page(
        request,
        booking.case,
        form,
        f"How was {booking.vendor}?",
        refusal,
        intro=str(booking),
        submit_label="Record",
    )


@login_required
@require_http_methods(["GET", "POST"])
def vendor_feedback(request: HttpRequest, iata: str) -> HttpResponse:
    """Feedback on any vendor of the port, e.g. an interpreter service that did not call in."""
    port = get_port_or_404(request.user, iata, OPERATE)
    form = VendorFeedbackForm(request.POST or None, port=port)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        vendor = form.cleaned_data["vendor"]
        refusal = _record_feedback(request, form, vendor)
        if not refusal:
            messages.success(request, f"Thank you: feedback on {vendor} recorded.")
            return redirect("arrivals:port_today", iata=port.iata)
    context = {
        "port": port,
        "current_port": port,
        "form": form,
        "title": f"Vendor feedback · {port.iata}",
        "refusal": refusal,
        "intro": "Rate a hotel, transport company or interpreter service, or log a problem.",
        "submit_label": "Record",
        "back": reverse("arrivals:port_today", args=[port.iata]),
    }
    bad = request.method == "POST"
    return render(request, FORM, context, status=400 if bad else 200)


# --- the officer's vendor pages ----------------------------------------------------------------


def _period(request: HttpRequest, today: dt.date) -> tuple[PeriodForm, dt.date, dt.date]:
    start, end = today - dt.timedelta(days=30), today
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start = form.cleaned_data["start"] or start
        end = form.cleaned_data["end"] or end
    return form, start, end


@login_required
def vendors(request: HttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, SUPERVISE)
    form, start, end = _period(request, port.local_today())
    return render(
        request,
        "cases/vendors.html",
        {
            "port": port,
            "current_port": port,
            "form": form,
            "start": start,
            "end": end,
            "rows": vendor_services.vendor_quality(port, start, end),
        },
    )


@login_required
def vendor_detail(request: HttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, SUPERVISE)
    vendor = get_scoped_or_404(Vendor.objects.filter(port=port), request.user, SUPERVISE, pk=pk)
    form, start, end = _period(request, port.local_today())
    since, until = vendor_services.period_bounds(port, start, end)
    return render(
        request,
        "cases/vendor_detail.html",
        {
            "port": port,
            "current_port": port,
            "vendor": vendor,
            "form": form,
            "start": start,
            "end": end,
            "quality": vendor_services.vendor_quality(port, start, end, vendor=vendor)[0],
            "ratings": vendor.ratings.filter(rated_at__gte=since, rated_at__lt=until)
            .select_related("rated_by", "hotel_booking__case", "transport_booking__case")
            .order_by("-rated_at")[:200],
            "open_problems": vendor.problems.filter(status=VendorProblem.Status.OPEN)
            .select_related("reported_by", "hotel_booking__case", "transport_booking__case")
            .order_by("-reported_at"),
            "resolved": vendor.problems.filter(
                status=VendorProblem.Status.RESOLVED, reported_at__gte=since, reported_at__lt=until
            )
            .select_related("reported_by", "resolved_by")
            .order_by("-reported_at")[:200],
            "resolve_form": ResolveForm(),
        },
    )


@require_POST
@login_required
def resolve_problem(request: HttpRequest, pk: int) -> HttpResponse:
    problem = get_scoped_or_404(
        VendorProblem.objects.select_related("vendor__port"),
        request.user,
        SUPERVISE,
        via="vendor__port",
        pk=pk,
    )
    form = ResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say what was done before marking the problem resolved.")
    else:
        try:
            vendor_services.resolve_problem(
                request.user, problem.pk, form.cleaned_data["resolution"]
            )
        except BookingError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Problem marked resolved.")
    return redirect("cases:vendor", iata=problem.vendor.port.iata, pk=problem.vendor_id)
