"""The operational day: a port's today view, a flight's people with their arrival steps, the
step taps themselves, and the HQ board. Views parse, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from arrivals.forms import DayForm, SearchForm
from arrivals.models import Flight
from arrivals.queries import portday
from poe_ops.models import Port
from poe_ops.roles import COORDINATE, OPERATE, SUPERVISE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm
from poe_ops.services.audit import log_personal_data_access

FLIGHT_PAGE = "arrivals/flight.html"


def requested_date(request: HttpRequest, default: dt.date) -> tuple[dt.date, str]:
    """The ``?date=YYYY-MM-DD`` asked for, or ``default``; with an error message when malformed."""
    raw = request.GET.get("date", "").strip()
    if not raw:
        return default, ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return default, f"“{raw}” is not a date in the form YYYY-MM-DD; showing today instead."


@login_required
def port_today(request: HttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    day, date_error = requested_date(request, port.local_today())
    return render(
        request,
        "arrivals/port_today.html",
        {
            "port": port,
            "day": day,
            "date_error": date_error,
            "day_form": DayForm(initial={"date": day}),
            "search_form": SearchForm(),
            "is_today": day == port.local_today(),
            "local_now": port.local_now(),
            "flights": portday.flights_of_day(port, day),
            "may_operate": has_port_perm(request.user, port, OPERATE),
            "may_coordinate": has_port_perm(request.user, port, COORDINATE),
            "may_supervise": has_port_perm(request.user, port, SUPERVISE),
        },
    )


def _flight_or_404(request: HttpRequest, port: Port, flight_id: object) -> Flight:
    return get_scoped_or_404(
        Flight.objects.select_related("port").filter(port=port),
        request.user,
        pk=flight_id if str(flight_id).isdigit() else 0,
    )


@login_required
def flight(request: HttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    the_flight = _flight_or_404(request, port, pk)
    log_personal_data_access(request.user, the_flight, port=port, purpose="flight arrivals list")
    return render(
        request,
        FLIGHT_PAGE,
        {
            "port": port,
            "flight": the_flight,
            "blocks": portday.flight_blocks(request.user, the_flight),
            "may_operate": has_port_perm(request.user, port, OPERATE),
            "may_coordinate": has_port_perm(request.user, port, COORDINATE),
            "day": the_flight.latest_arrival,
        },
    )
