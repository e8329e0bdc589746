"""The port's shift log (a day's entries, and writing one) and its interpreter bookings (a day's
list, booking one from the flight page or the coverage page, moving a booking's status)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from arrivals.forms.shift_log import InterpreterForm, ShiftLogForm
from arrivals.models import Flight, InterpreterBooking
from arrivals.queries.shift_log import entries_of_day, interpreters_of_day
from arrivals.services import interpreters as interpreter_services
from arrivals.services import shift_log as log_services
from arrivals.views.today import requested_date
from poe_ops.forms import refusal_on_field
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm

LOG = "arrivals/shift_log.html"
INTERPRETERS = "arrivals/interpreters.html"
INTERPRETER_FORM = "arrivals/interpreter_form.html"


@login_required
@require_http_methods(["GET", "POST"])
def shift_log(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    today = port.local_today()
    day, date_error = requested_date(request, today)
    may_write = has_port_perm(request.user, port, OPERATE)
    form = ShiftLogForm(request.POST or None, port=port, day=today) if may_write else None
    refusal = ""
    if request.method == "POST":
        get_port_or_404(request.user, iata, OPERATE)  # 403 for those who may only read
        assert form is not None
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = log_services.write_entry(
                    request.user,
                    port,
                    text=data["text"],
                    at=data.get("at"),
                    flight=data["flight"],
                    case=data["case"],
                    for_supervisor=data["for_supervisor"],
                    idempotency_key=data["key"],
                )
            except Refusal as error:
                refusal = refusal_on_field(form, error)
            else:
                sent = " and sent to the supervisor" if saved.obj.for_supervisor else ""
                messages.success(request, f"Written in the {port.iata} shift log{sent}.")
                return redirect(reverse("arrivals:shift_log", args=[port.iata]))
    return render(
        request,
        LOG,
        {
            "port": port,
            "current_port": port,
            "day": day,
            "is_today": day == today,
            "date_error": date_error,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "entries": entries_of_day(port, day),
            "form": form,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def interpreters(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    day, date_error = requested_date(request, port.local_today())
    return render(
        request,
        INTERPRETERS,
        {
            "port": port,
            "current_port": port,
            "day": day,
            "date_error": date_error,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "bookings": interpreters_of_day(port, day),
            "statuses": InterpreterBooking.Status,
            "may_operate": has_port_perm(request.user, port, OPERATE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def book_interpreter(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    """The booking form, from the flight page (``?flight=``) or the coverage page's language
    gaps (``?flight=…&language=…``)."""
    port = get_port_or_404(request.user, iata, OPERATE)
    day = port.local_today()
    flight = None
    raw_flight = request.GET.get("flight", "")
    if raw_flight.isdigit():
        flight = get_scoped_or_404(
            Flight.objects.filter(port=port).select_related("port"), request.user, pk=raw_flight
        )
        arrival = flight.latest_arrival
        if isinstance(arrival, dt.datetime):
            day = arrival.astimezone(port.zone).date()
    form = InterpreterForm(request.POST or None, port=port, day=day)
    if not form.is_bound:
        form.initial.update({"language": request.GET.get("language", "")[:60]})
        if flight is not None:
            form.initial["flight"] = flight.pk
            arrival = flight.latest_arrival
            if isinstance(arrival, dt.datetime):
                form.initial["start_time"] = arrival.astimezone(port.zone).strftime("%H:%M")
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            saved = interpreter_services.book_interpreter(
                request.user, port, **form.service_kwargs()
            )
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            booking = saved.obj
            messages.success(request, f"Booked: {booking}, {booking.vendor}, ${booking.cost}.")
            if booking.flight_id:
                return redirect("arrivals:flight", iata=port.iata, pk=booking.flight_id)
            return redirect(
                f"{reverse('arrivals:interpreters', args=[port.iata])}"
                f"?date={booking.starts_at.astimezone(port.zone):%Y-%m-%d}"
            )
    return render(
        request,
        INTERPRETER_FORM,
        {
            "port": port,
            "current_port": port,
            "form": form,
            "flight": flight,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def interpreter_status(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    booking = get_scoped_or_404(
        InterpreterBooking.objects.filter(port=port), request.user, OPERATE, pk=pk
    )
    try:
        changed = interpreter_services.change_status(
            request.user, booking.pk, request.POST.get("status", "")
        )
    except Refusal as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{changed}: {changed.get_status_display().lower()}.")
    day = booking.starts_at.astimezone(port.zone).date()
    return redirect(f"{reverse('arrivals:interpreters', args=[port.iata])}?date={day:%Y-%m-%d}")
