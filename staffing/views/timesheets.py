"""Staffing pages: the home, leave requests, timesheets and the payroll export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Conflict, Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404
from poe_ops.services import review
from poe_ops.views.documents import answer, refused
from staffing.documents import request_timesheet_pdf
from staffing.forms import DecisionForm, TimesheetDaysForm, parse_month
from staffing.models import Timesheet
from staffing.services import timesheets as ts
from staffing.views.decisions import decide_from_page, may_decide

TIMESHEET = "staffing/timesheet.html"


# --- Leave -----------------------------------------------------------------------------------


# --- Timesheets ------------------------------------------------------------------------------


@login_required
def my_timesheet(request: HtmxHttpRequest, iata: str, month: str) -> HttpResponse:
    """Open (and on the first visit make) the user's own timesheet for a month."""
    port = get_port_or_404(request.user, iata, OPERATE)
    first = parse_month(month)
    if first is None:
        raise Http404("A month is written YYYY-MM.")
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    timesheet = ts.open_timesheet(request.user, port, first)
    return redirect("staffing:timesheet", pk=timesheet.pk)


def _timesheet_for(request: HtmxHttpRequest, pk: int) -> Timesheet:
    timesheet = get_scoped_or_404(
        Timesheet.objects.select_related("port", "author", "decided_by"), request.user, pk=pk
    )
    if not ts.may_see(request.user, timesheet):
        raise Http404("No timesheet matches.")
    return timesheet


def _timesheet_page(
    request: HtmxHttpRequest,
    timesheet: Timesheet,
    form: TimesheetDaysForm | None = None,
    errors: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    entries = list(timesheet.entries.order_by("day"))
    return render(
        request,
        TIMESHEET,
        {
            "timesheet": timesheet,
            "port": timesheet.port,
            "current_port": timesheet.port,
            "entries": entries,
            "form": form or TimesheetDaysForm(entries=entries),
            "totals": ts.totals(entries),
            "history": review.history(timesheet),
            "may_edit": request.user.pk == timesheet.author_id and timesheet.is_editable,
            "may_decide": may_decide(request, timesheet),
            "decision_form": DecisionForm(),
            "errors": errors or [],
        },
        status=status,
    )


@login_required
def timesheet(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    the_timesheet = _timesheet_for(request, pk)
    if request.method == "POST":
        form = TimesheetDaysForm(request.POST, entries=list(the_timesheet.entries.order_by("day")))
        try:
            changed = ts.update_days(request.user, the_timesheet, form.days())
        except ValidationError as error:
            return _timesheet_page(request, the_timesheet, form, error.messages, status=422)
        except (Conflict, PermissionDenied) as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, f"Saved ({changed} day{'s' if changed != 1 else ''} changed)."
            )
        return redirect("staffing:timesheet", pk=the_timesheet.pk)
    return _timesheet_page(request, the_timesheet)


@require_POST
@login_required
def submit_timesheet(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    the_timesheet = _timesheet_for(request, pk)
    try:
        ts.submit_timesheet(request.user, the_timesheet)
    except (Conflict, PermissionDenied) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Timesheet for {the_timesheet.month:%B %Y} sent for approval.")
    return redirect("staffing:timesheet", pk=the_timesheet.pk)


@require_POST
@login_required
def decide_timesheet(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    the_timesheet = _timesheet_for(request, pk)
    decide_from_page(request, the_timesheet, ts.decide_timesheet)
    return redirect("staffing:timesheet", pk=the_timesheet.pk)


# --- Payroll ---------------------------------------------------------------------------------


@require_POST
@login_required
def request_timesheet(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    timesheet = get_scoped_or_404(
        Timesheet.objects.select_related("port", "author"), request.user, pk=pk
    )
    if not ts.may_see(request.user, timesheet):
        raise Http404("No timesheet matches.")
    try:
        document = request_timesheet_pdf(request.user, timesheet)
    except Refusal as refusal:
        return refused(request, str(refusal), reverse("staffing:timesheet", args=[timesheet.pk]))
    return answer(request, document)
