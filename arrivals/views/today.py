"""The operational day: a port's today view, a flight's people with their arrival steps, the
step taps themselves, and the HQ board. Views parse, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from arrivals.forms.days import DayForm, SearchForm
from arrivals.queries import connections, flight_rows, moves, progress
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
DAY_PAGE = "arrivals/port_today.html"


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
    context = {
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
        "refresh_seconds": settings.POE_TABLET_REFRESH_SECONDS,
        "step_moves": moves.moves_table(),
        "may_manage": has_port_perm(request.user, port, MANAGE),
    }
    if not request.htmx:
        # Outside the live part (the shift log, tonight's on-call): a refresh does not redraw it.
        context["ops"] = port_operations(port)
    # The page keeps itself current (static/js/live.js): htmx asks again for the flight list.
    template = f"{DAY_PAGE}#live" if request.htmx else DAY_PAGE
    return render(request, template, context)


@login_required
def flight(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    the_flight = flight_at(request.user, port, pk)
    if not request.htmx:
        # One access per page opened; the page refreshing itself while it stays open (htmx) is
        # the same viewing, not a new one.
        log_personal_data_access(
            request.user, the_flight, port=port, purpose="flight arrivals list"
        )
    legs: dict[int, list[Leg]] = {}
    blocks = flight_rows.flight_blocks(request.user, the_flight, legs=legs)
    show_todo = request.GET.get("show") == "todo"
    may_operate = has_port_perm(request.user, port, OPERATE)
    context = {
        "port": port,
        "flight": the_flight,
        "departs": the_flight.leaves(port.iata),
        "progress": progress.flight_progress(blocks),
        "show_todo": show_todo,
        "blocks": progress.still_to_do(blocks) if show_todo else blocks,
        "may_operate": may_operate,
        "may_coordinate": has_port_perm(request.user, port, COORDINATE),
        "day": the_flight.latest_arrival,
        "local_now": port.local_now(),
        "refresh_seconds": settings.POE_TABLET_REFRESH_SECONDS,
        "step_moves": moves.moves_table() if may_operate else None,
    }
    if not request.htmx:
        # Outside the live part: a refresh does not redraw them.
        at_risk = connections.at_risk_on_flight(port, the_flight, blocks, legs)
        context["at_risk"] = at_risk
        context["cancelled_legs"] = cancelled_flights(at_risk)
        context["cancelled"] = cancelled_on_flight(the_flight)
        context["interpreters"] = interpreters_for_flight(the_flight.pk)
    return render(request, f"{FLIGHT_PAGE}#live" if request.htmx else FLIGHT_PAGE, context)
