"""End of day: a port's open items with the sign-off (its senior associate or officer), and HQ's
view of which ports have signed their day off."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from poe_ops.http import HtmxHttpRequest
from poe_ops.localtime import today_everywhere
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import COORDINATE
from poe_ops.scoping import get_port_or_404, has_port_perm, ports_for
from reports.forms import SignOffForm
from reports.queries.end_of_day import LOOKBACK_DAYS, port_day, port_days
from reports.services.end_of_day import sign_off_day

PORT_PAGE = "reports/end_of_day.html"
OVERVIEW = "reports/end_of_day_overview.html"


def _day(raw: str | None, default: dt.date) -> dt.date:
    if not raw:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise Http404("A day is written YYYY-MM-DD.") from None


@login_required
def end_of_day(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    day = _day(request.GET.get("day"), port.local_today())
    today = port_day(port, day)
    may_sign = has_port_perm(request.user, port, COORDINATE)
    status = 200
    form = SignOffForm(items=today.items)
    if request.method == "POST":
        get_port_or_404(request.user, iata, COORDINATE)
        form = SignOffForm(request.POST, items=today.items)
        if form.is_valid():
            try:
                sign_off_day(
                    request.user,
                    port,
                    day,
                    form.notes(),
                    idempotency_key=form.cleaned_data["key"],
                )
            except Refusal as refusal:
                form.add_error(
                    refusal.field if refusal.field in form.fields else None, refusal.message
                )
                status = refusal.status
            else:
                messages.success(request, f"{port.iata} {day:%a %d %b} is signed off.")
                return redirect(f"{reverse('reports:end_of_day', args=[port.iata])}?day={day}")
        else:
            status = 400
    return render(
        request,
        PORT_PAGE,
        {
            "port": port,
            "current_port": port,
            "today": today,
            "form": form,
            "groups": form.grouped(today.groups),
            "may_sign": may_sign,
            "previous": day - dt.timedelta(days=1),
            "following": day + dt.timedelta(days=1),
            "is_future": day > port.local_today(),
            "lookback": LOOKBACK_DAYS,
        },
        status=status,
    )


@login_required
def end_of_day_overview(request: HtmxHttpRequest) -> HttpResponse:
    ports: list[Port] = list(ports_for(request.user).order_by("iata"))
    day = _day(request.GET.get("day"), today_everywhere(ports))
    days = port_days(ports, day)
    return render(
        request,
        OVERVIEW,
        {
            "days": days,
            "day": day,
            "previous": day - dt.timedelta(days=1),
            "following": day + dt.timedelta(days=1),
            "signed": sum(1 for d in days if d.sign_off),
        },
    )
