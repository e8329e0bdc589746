"""The roster week of a port, its shift forms (htmx), and staffing against projected arrivals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Port
from poe_ops.roles import COORDINATE, MANAGE, OPERATE, SUPERVISE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm
from staffing.forms import ShiftForm, iso_week, parse_week
from staffing.models import Shift
from staffing.queries.coverage import DayCoverage, coverage
from staffing.queries.coverage_chart import coverage_chart
from staffing.queries.roster_week import RosterWeek, roster_week
from staffing.services import rosters
from staffing.services.rosters import ShiftRefused, week_start

ROSTER = "staffing/roster.html"
COVERAGE = "staffing/coverage.html"


def _roster_url(port_iata: str, monday: dt.date) -> str:
    return f"{reverse('staffing:roster', args=[port_iata])}?week={iso_week(monday)}"


# From Friday on, the week being rostered is the next one: most of this one has passed.
NEXT_WEEK_FROM = 4  # Friday


def default_week(today: dt.date) -> dt.date:
    """The Monday of the week the roster opens on: this week until Thursday, the next week
    from Friday on."""
    monday = today - dt.timedelta(days=today.weekday())
    return monday + dt.timedelta(days=7) if today.weekday() >= NEXT_WEEK_FROM else monday


def _remembered(request: HtmxHttpRequest, port: Port) -> str:
    return f"roster_week:{port.iata}"


@login_required
def roster(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    """The week asked for (``?week=2026-W48``, then remembered for this port); without one, the
    last week viewed unless it is past, else this week — the next from Friday on."""
    port = get_port_or_404(request.user, iata)
    today = port.local_today()
    this_week = today - dt.timedelta(days=today.weekday())
    raw = request.GET.get("week", "")
    monday = parse_week(raw) if raw else None
    week_error = ""
    if raw and monday is None:
        week_error = f"“{raw}” is not a week in the form YYYY-Www (e.g. 2026-W48)."
    if monday is not None:
        if request.session.get(_remembered(request, port)) != iso_week(monday):
            request.session[_remembered(request, port)] = iso_week(monday)  # a write only then
    else:
        last = parse_week(request.session.get(_remembered(request, port), ""))
        monday = last if last is not None and last >= this_week else default_week(today)
    if week_error:
        week_error += f" Showing week {iso_week(monday)}."
    week = roster_week(port, monday, today)
    with timezone.override(port.zone):
        return _render_roster(request, port, week, monday, week_error)


def _render_roster(
    request: HtmxHttpRequest, port: Port, week: RosterWeek, monday: dt.date, week_error: str
) -> HttpResponse:
    return render(
        request,
        ROSTER,
        {
            "port": port,
            "current_port": port,
            "week": week,
            "week_label": iso_week(monday),
            "previous_week": iso_week(monday - dt.timedelta(days=7)),
            "next_week": iso_week(monday + dt.timedelta(days=7)),
            "week_error": week_error,
            "may_edit": has_port_perm(request.user, port, COORDINATE),
            "may_manage": has_port_perm(request.user, port, MANAGE),
            "today": port.local_today(),
        },
    )


def _form_response(
    request: HtmxHttpRequest, context: dict[str, object], status: int = 200
) -> HttpResponse:
    template = f"{ROSTER}#shift-form" if request.htmx else "staffing/shift_page.html"
    if request.htmx:
        status = 200  # htmx swaps only successful answers; the refusal is in the form itself
    port = context["port"]
    assert isinstance(port, Port)
    with timezone.override(port.zone):
        return render(request, template, context, status=status)


def _saved(request: HtmxHttpRequest, iata: str, monday: dt.date, message: str) -> HttpResponse:
    messages.success(request, message)
    url = _roster_url(iata, monday)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return redirect(url)


@login_required
def add_shift(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, COORDINATE)
    staff = rosters.staff_of(port)
    context: dict[str, object] = {
        "port": port,
        "current_port": port,
        "is_officer": has_port_perm(request.user, port, SUPERVISE),
    }
    if request.method == "POST":
        form = ShiftForm(request.POST, port=port, staff=staff, fixed_staff=False)
        return _submit_shift(
            request,
            port,
            context,
            form,
            "added",
            lambda data: rosters.add_shift(
                request.user, port, staff=form.chosen_staff(), **_shift_fields(data)
            ),
        )
    initial: dict[str, object] = {
        "position": "arrivals_hall",
        "start_time": "06:00",
        "end_time": "14:00",
    }
    initial["day"] = request.GET.get("day") or port.local_today().isoformat()
    if request.GET.get("staff", "").isdigit():
        initial["staff"] = int(request.GET["staff"])
    context["form"] = ShiftForm(initial=initial, port=port, staff=staff, fixed_staff=False)
    return _form_response(request, context)


def _shift_fields(data: dict[str, Any]) -> dict[str, Any]:
    names = ("start", "end", "position", "notes", "override_reason")
    return {name: data[name] for name in names}


def _submit_shift(
    request: HtmxHttpRequest,
    port: Port,
    context: dict[str, object],
    form: ShiftForm,
    verb: str,
    save: Callable[[dict[str, Any]], Shift],
) -> HttpResponse:
    """Save a valid shift form with ``save`` and go back to its week; otherwise (bad input, or
    a conflict the service refused) show the form again with the reasons, nothing saved."""
    if form.is_valid():
        try:
            shift = save(form.cleaned_data)
        except ShiftRefused as refused:
            context.update(form=form, refused=refused)
            return _form_response(request, context, status=422)
        return _saved(
            request,
            port.iata,
            week_start(port, shift.start),
            f"Shift {verb}: {rosters.display_name(shift.staff)}, {shift}.",
        )
    context["form"] = form
    return _form_response(request, context, status=422)


@login_required
def edit_shift(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, COORDINATE)
    shift = get_scoped_or_404(
        Shift.objects.select_related("staff", "port").filter(port=port),
        request.user,
        COORDINATE,
        pk=pk,
    )
    staff = [shift.staff]
    context: dict[str, object] = {
        "port": port,
        "current_port": port,
        "shift": shift,
        "is_officer": has_port_perm(request.user, port, SUPERVISE),
    }
    if request.method == "POST":
        form = ShiftForm(request.POST, port=port, staff=staff, fixed_staff=True)
        return _submit_shift(
            request,
            port,
            context,
            form,
            "changed",
            lambda data: rosters.change_shift(request.user, shift, **_shift_fields(data)),
        )
    local_start, local_end = shift.local_start, shift.local_end
    initial = {
        "day": local_start.date(),
        "start_time": local_start.strftime("%H:%M"),
        "end_time": local_end.strftime("%H:%M"),
        "position": shift.position,
        "notes": shift.notes,
        "override_reason": shift.badge_override_reason,
    }
    context["form"] = ShiftForm(initial=initial, port=port, staff=staff, fixed_staff=True)
    return _form_response(request, context)


@require_POST
@login_required
def delete_shift(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, COORDINATE)
    shift = get_scoped_or_404(
        Shift.objects.select_related("staff", "port").filter(port=port),
        request.user,
        COORDINATE,
        pk=pk,
    )
    monday = week_start(port, shift.start)
    label = f"{rosters.display_name(shift.staff)}, {shift}"
    rosters.delete_shift(request.user, shift)
    return _saved(request, port.iata, monday, f"Shift removed: {label}.")


@login_required
def day_coverage(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    raw = request.GET.get("date", "")
    date_error = ""
    try:
        day = dt.date.fromisoformat(raw) if raw else port.local_today()
    except ValueError:
        date_error = f"“{raw}” is not a date in the form YYYY-MM-DD; showing today."
        day = port.local_today()
    (result,) = coverage(port, day, 1)
    monday = day - dt.timedelta(days=day.weekday())
    with timezone.override(port.zone):
        return _render_coverage(request, port, day, result, date_error, monday)


def _render_coverage(
    request: HtmxHttpRequest,
    port: Port,
    day: dt.date,
    result: DayCoverage,
    date_error: str,
    monday: dt.date,
) -> HttpResponse:
    return render(
        request,
        COVERAGE,
        {
            "port": port,
            "current_port": port,
            "day": day,
            "coverage": result,
            "chart": coverage_chart(result, port.iata),
            "date_error": date_error,
            "week_label": iso_week(monday),
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "may_operate": has_port_perm(request.user, port, OPERATE),
        },
    )
