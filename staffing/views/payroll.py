"""The payroll export of a port and month: the page with who is not approved yet, and the CSV and
XLSX files."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from poe_ops.http import HtmxHttpRequest
from poe_ops.roles import SUPERVISE
from poe_ops.scoping import get_port_or_404
from staffing.forms import parse_month
from staffing.queries import payroll as payroll_services


def _payroll_month(request: HtmxHttpRequest, iata: str, month: str) -> payroll_services.Payroll:
    port = get_port_or_404(request.user, iata, SUPERVISE)
    first = parse_month(month)
    if first is None:
        raise Http404("A month is written YYYY-MM.")
    return payroll_services.payroll(port, first)


@login_required
def payroll(request: HtmxHttpRequest, iata: str, month: str) -> HttpResponse:
    data = _payroll_month(request, iata, month)
    previous = (data.month - dt.timedelta(days=1)).replace(day=1)
    following = (data.month + dt.timedelta(days=32)).replace(day=1)
    today = data.port.local_today()
    return render(
        request,
        "staffing/payroll.html",
        {
            "payroll": data,
            "today": today,
            "days_left": data.days_left(today),
            "remind_days": payroll_services.REMIND_DAYS,
            "port": data.port,
            "current_port": data.port,
            "previous": previous,
            "following": following,
        },
    )


def _download(content: bytes | str, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def payroll_csv(request: HtmxHttpRequest, iata: str, month: str) -> HttpResponse:
    data = _payroll_month(request, iata, month)
    return _download(
        payroll_services.payroll_csv(data),
        f"payroll-{data.port.iata}-{data.month:%Y-%m}.csv",
        "text/csv; charset=utf-8",
    )


@login_required
def payroll_xlsx(request: HtmxHttpRequest, iata: str, month: str) -> HttpResponse:
    data = _payroll_month(request, iata, month)
    return _download(
        payroll_services.payroll_xlsx(data),
        f"payroll-{data.port.iata}-{data.month:%Y-%m}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def month_url(iata: str, month: dt.date) -> str:
    return reverse("staffing:my_timesheet", args=[iata, f"{month:%Y-%m}"])
