"""The operational day: a port's today view, a flight's people with their arrival steps, the
step taps themselves, and the HQ board. Views parse, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from arrivals.forms import DayForm, SearchForm
from arrivals.queries import connections, portday
from arrivals.queries.at_risk import cancelled_flights
from arrivals.queries.cancelled import cancelled_on_flight
from arrivals.queries.onward import Leg
from arrivals.queries.portday import flight_at
from arrivals.queries.shift_log import interpreters_for_flight, port_operations
from poe_ops.http import HtmxHttpRequest
from poe_ops.roles import COORDINATE, MANAGE, OPERATE, SUPERVISE
from poe_ops.scoping import get_port_or_404, has_port_perm
from poe_ops.services.audit import log_personal_data_access

FLIGHT_PAGE = "arrivals/flight.html"


def requested_date(request: HtmxHttpRequest, default: dt.date) -> tuple[dt.date, str]:
    """The ``?date=YYYY-MM-DD`` asked for, or ``default``; with an error message when malformed."""
    raw = request.GET.get("date", "").strip()
    if not raw:
        return default, ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return default, f"“{raw}” is not a date in the form YYYY-MM-DD; showing today instead."


@login_required
def port_today(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    day, date_error = requested_date(request, port.local_today())
    the_day = connections.day_at_port(port, day)
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
            "flights": the_day.arrivals,
            "departures": the_day.departures,
            "at_risk": the_day.at_risk,
            "cancelled_legs": the_day.cancelled,
            "may_operate": has_port_perm(request.user, port, OPERATE),
            "may_coordinate": has_port_perm(request.user, port, COORDINATE),
            "may_supervise": has_port_perm(request.user, port, SUPERVISE),
            "may_manage": has_port_perm(request.user, port, MANAGE),
            "ops": port_operations(port),
        },
    )


@login_required
def flight(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    the_flight = flight_at(request.user, port, pk)
    log_personal_data_access(request.user, the_flight, port=port, purpose="flight arrivals list")
    legs: dict[int, list[Leg]] = {}
    blocks = portday.flight_blocks(request.user, the_flight, legs=legs)
    at_risk = connections.at_risk_on_flight(port, the_flight, blocks, legs)
    return render(
        request,
        FLIGHT_PAGE,
        {
            "port": port,
            "flight": the_flight,
            "departs": the_flight.leaves(port.iata),
            "blocks": blocks,
            "at_risk": at_risk,
            "cancelled_legs": cancelled_flights(at_risk),
            "cancelled": cancelled_on_flight(the_flight),
            "may_operate": has_port_perm(request.user, port, OPERATE),
            "may_coordinate": has_port_perm(request.user, port, COORDINATE),
            "day": the_flight.latest_arrival,
            "interpreters": interpreters_for_flight(the_flight.pk),
        },
    )
