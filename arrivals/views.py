"""The operational day: a port's today view and the HQ board."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from poe_ops.models import Port
from poe_ops.scoping import get_port_or_404, ports_for


def _requested_date(request: HttpRequest, default: dt.date) -> tuple[dt.date, str]:
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
    day, date_error = _requested_date(request, port.local_today())
    return render(
        request,
        "arrivals/port_today.html",
        {
            "port": port,
            "day": day,
            "date_error": date_error,
            "is_today": day == port.local_today(),
            "local_now": port.local_now(),
        },
    )


@login_required
def board(request: HttpRequest) -> HttpResponse:
    ports: list[Port] = list(ports_for(request.user).select_related("office"))
    utc_today = dt.datetime.now(dt.UTC).date()
    day, date_error = _requested_date(request, ports[0].local_today() if ports else utc_today)
    return render(
        request,
        "arrivals/board.html",
        {
            "ports": [(port, port.local_now()) for port in ports],
            "day": day,
            "date_error": date_error,
        },
    )
