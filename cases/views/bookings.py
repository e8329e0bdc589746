"""Booking forms reachable from the case page (hotel, transport, escort, custody), booking
status and feedback, and the officer's
vendor pages. Thin: scope, form, one service call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from guardian.shortcuts import get_users_with_perms

from cases.forms.bookings import CustodyForm, EscortForm, HotelForm, TransportForm
from cases.forms.feedback import FeedbackForm, record_feedback
from cases.models import Case
from cases.models.bookings import GroundTransportBooking, HotelBooking
from cases.queries.cases import case_for
from cases.services import bookings as booking_services
from cases.services import custody as custody_services
from cases.services import escorts as escort_services
from poe_ops.forms import refusal_on_field
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Refusal
from poe_ops.registry import page_url
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_scoped_or_404

FORM = "cases/booking_form.html"
BOOKING_KINDS: dict[str, type[HotelBooking] | type[GroundTransportBooking]] = {
    "hotel": HotelBooking,
    "transport": GroundTransportBooking,
}


def _case(request: HtmxHttpRequest, case_number: str) -> Case:
    """The case if the user may act at its port: 404 for another port's, 403 for view-only."""
    return case_for(request.user, case_number, OPERATE)


def _form_page(
    request: HtmxHttpRequest, case: Case, form: Any, title: str, refusal: str = "", **extra: Any
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
    return redirect(f"{page_url('case', case.case_number)}#{anchor}")


@login_required
@require_http_methods(["GET", "POST"])
def book_hotel(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
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
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            messages.success(request, f"Hotel booked: {saved.obj.vendor}.")
            return _to_case(case, "case-bookings")
    return _form_page(request, case, form, "Book a hotel", refusal, submit_label="Book the hotel")


@login_required
@require_http_methods(["GET", "POST"])
def book_transport(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
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
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            messages.success(request, f"Ground transport booked: {saved.obj.vendor}.")
            return _to_case(case, "case-bookings")
    return _form_page(
        request, case, form, "Book ground transport", refusal, submit_label="Book the ride"
    )


def _booking(request: HtmxHttpRequest, kind: str, pk: int, perm: str = OPERATE) -> Any:
    model = BOOKING_KINDS.get(kind)
    if model is None:
        raise Http404("No such booking.")
    queryset: QuerySet[Model] = model.objects.select_related("case__port", "vendor")
    return get_scoped_or_404(queryset, request.user, perm, via="case__port", pk=pk)


@require_POST
@login_required
def booking_status(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    booking = _booking(request, kind, pk)
    change = (
        booking_services.change_hotel_status
        if kind == "hotel"
        else booking_services.change_transport_status
    )
    try:
        changed = change(request.user, booking.pk, request.POST.get("status", ""))
    except Refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{changed.vendor}: {changed.get_status_display().lower()}.")
    return _to_case(booking.case, "case-bookings")


@login_required
@require_http_methods(["GET", "POST"])
def booking_feedback(request: HtmxHttpRequest, kind: str, pk: int) -> HttpResponse:
    booking = _booking(request, kind, pk)
    form = FeedbackForm(request.POST or None)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        refusal = record_feedback(request, form, booking)
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


# --- the officer's vendor pages ----------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assign_escort(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
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
        except Refusal as error:
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
def record_custody(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
    case = _case(request, case_number)
    form = CustodyForm(request.POST or None, case=case, user=request.user)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        giver, receiver = form.parties()
        try:
            custody_services.record_handover(
                request.user,
                case,
                subject=data["subject"],
                individuals=list(data["individuals"]),
                giver=giver,
                receiver=receiver,
                place=data["place"],
                idempotency_key=data["key"],
                choice=custody_services.ReceiverChoice(reason=data["reason"]),
                signatures=custody_services.Signatures(
                    data["from_signature"], data["to_signature"]
                ),
            )
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, "Custody handover recorded.")
            return _to_case(case, "case-custody")
    intro = (
        "Record who hands people — to the airline at the gate, a hospital, CBP or an IOM escort "
        "— or the documents held in the IOM bag, to whom. A URM or separated minor is handed "
        "over with both signatures. To hand people over at the end of the arrival, use “Hand "
        "over…” on the tablet."
    )
    return _form_page(
        request,
        case,
        form,
        "Custody handover",
        refusal,
        intro=intro,
        submit_label="Record",
        signatures=True,
    )
