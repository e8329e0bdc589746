"""The staffing home: the ports one may roster, what awaits one's decision, one's own leave and
timesheets."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from poe_ops.http import HtmxHttpRequest
from poe_ops.queries.approvals import awaiting
from poe_ops.roles import MANAGE, OPERATE, SUPERVISE, VIEW
from poe_ops.scoping import has_port_perm, ports_for
from staffing.models import LeaveRequest, Shift, Timesheet
from staffing.queries.credentials import expiring
from staffing.queries.payroll import month_due_around


@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    user = request.user
    ports = list(ports_for(user, VIEW))
    supervised = [p for p in ports if has_port_perm(user, p, SUPERVISE)]
    managed = [p for p in ports if has_port_perm(user, p, MANAGE)]
    operated = [p for p in ports if has_port_perm(user, p, OPERATE)]
    today = dt.date.today()
    context: dict[str, object] = {
        "ports": ports,
        "supervised": supervised,
        "managed": managed,
        "operated": operated,
        "expiring": expiring(supervised, today) if supervised else [],
        "awaiting": [
            (source, record)
            for source, record in awaiting(user)
            if source.key in {"timesheet", "leave"}
        ]
        if supervised
        else [],
        "this_month": today.replace(day=1),
        # Until the month's timesheets are due, payroll opens on the month they are due for.
        "payroll_month": month_due_around(today) or today.replace(day=1),
        "today": today,
    }
    if operated:
        now = dt.datetime.now(dt.UTC)
        context["my_shifts"] = list(
            Shift.objects.filter(staff_id=user.pk, end__gte=now)
            .select_related("port")
            .order_by("start")[:20]
        )
        context["my_leave"] = list(
            LeaveRequest.objects.filter(author_id=user.pk).select_related("port")[:20]
        )
        context["my_timesheets"] = list(
            Timesheet.objects.filter(author_id=user.pk).select_related("port")[:12]
        )
    return render(request, "staffing/home.html", context)
