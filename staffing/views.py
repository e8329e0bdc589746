"""Staffing pages: the home, leave requests, timesheets and the payroll export."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from poe_ops.models import ReviewStatus
from poe_ops.queries.approvals import awaiting
from poe_ops.roles import OPERATE, SUPERVISE, VIEW
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm, ports_for
from poe_ops.services import review
from poe_ops.services.review import ReviewConflict
from poe_ops.views.documents import answer, refused
from staffing import leave as leave_services
from staffing import payroll as payroll_services
from staffing import timesheets as ts
from staffing.credentials import expiring
from staffing.documents import TimesheetNotApproved, request_timesheet_pdf
from staffing.forms import DecisionForm, LeaveForm, parse_month
from staffing.models import LeaveRequest, Shift, Timesheet
from staffing.rosters import shifts_during_leave

TIMESHEET = "staffing/timesheet.html"
LEAVE = "staffing/leave.html"


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    ports = list(ports_for(user, VIEW))
    supervised = [p for p in ports if has_port_perm(user, p, SUPERVISE)]
    operated = [p for p in ports if has_port_perm(user, p, OPERATE)]
    today = dt.date.today()
    context: dict[str, object] = {
        "ports": ports,
        "supervised": supervised,
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


# --- Leave -----------------------------------------------------------------------------------


@login_required
def new_leave(request: HttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    form = LeaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            leave = leave_services.request_leave(request.user, port, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Leave {leave} sent to the {port.iata} officers.")
            return redirect("staffing:leave_detail", pk=leave.pk)
    status = 422 if request.method == "POST" else 200
    return render(request, LEAVE, {"port": port, "current_port": port, "form": form}, status=status)


def _add_errors(form: LeaveForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def _leave_for(request: HttpRequest, pk: int) -> LeaveRequest:
    leave = get_scoped_or_404(
        LeaveRequest.objects.select_related("port", "author", "decided_by"), request.user, pk=pk
    )
    if request.user.pk != leave.author_id and not has_port_perm(
        request.user, leave.port, SUPERVISE
    ):
        raise Http404("No leave request matches.")
    return leave


@login_required
def leave_detail(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _leave_for(request, pk)
    form = None
    if request.user.pk == leave.author_id and leave.status == ReviewStatus.RETURNED:
        form = LeaveForm(request.POST or None, instance=leave)
        if request.method == "POST" and form.is_valid():
            try:
                leave_services.resubmit_leave(request.user, leave, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            except ReviewConflict as conflict:
                messages.error(request, str(conflict))
            else:
                messages.success(request, "Leave request sent again.")
                return redirect("staffing:leave_detail", pk=leave.pk)
        leave.refresh_from_db()
    elif request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    return render(
        request,
        LEAVE,
        {
            "leave": leave,
            "port": leave.port,
            "current_port": leave.port,
            "form": form,
            "history": review.history(leave),
            "may_decide": _may_decide(request, leave),
            "clashing_shifts": shifts_during_leave(leave)
            if leave.status != ReviewStatus.RETURNED
            else [],
        },
    )


def _may_decide(request: HttpRequest, record: LeaveRequest | Timesheet) -> bool:
    return (
        record.status == ReviewStatus.SUBMITTED
        and request.user.pk != record.author_id
        and has_port_perm(request.user, record.port, SUPERVISE)
    )


def _decide(request: HttpRequest, record: LeaveRequest | Timesheet, decide_fn: object) -> None:
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose approve or return.")
        return
    approve = form.cleaned_data["decision"] == "approve"
    try:
        decide_fn(request.user, record, approve, form.cleaned_data["comment"])  # type: ignore[operator]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ReviewConflict as conflict:
        messages.error(request, str(conflict))
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        messages.success(request, f"{'Approved' if approve else 'Returned'}: {record}.")


@require_POST
@login_required
def decide_leave(request: HttpRequest, pk: int) -> HttpResponse:
    leave = _leave_for(request, pk)
    _decide(request, leave, leave_services.decide_leave)
    return redirect("staffing:leave_detail", pk=leave.pk)


# --- Timesheets ------------------------------------------------------------------------------


@login_required
def my_timesheet(request: HttpRequest, iata: str, month: str) -> HttpResponse:
    """Open (and on the first visit make) the user's own timesheet for a month."""
    port = get_port_or_404(request.user, iata, OPERATE)
    first = parse_month(month)
    if first is None:
        raise Http404("A month is written YYYY-MM.")
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    timesheet = ts.open_timesheet(request.user, port, first)
    return redirect("staffing:timesheet", pk=timesheet.pk)


def _timesheet_for(request: HttpRequest, pk: int) -> Timesheet:
    timesheet = get_scoped_or_404(
        Timesheet.objects.select_related("port", "author", "decided_by"), request.user, pk=pk
    )
    if not ts.may_see(request.user, timesheet):
        raise Http404("No timesheet matches.")
    return timesheet


def _timesheet_page(
    request: HttpRequest, timesheet: Timesheet, errors: list[str] | None = None, status: int = 200
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
            "totals": ts.totals(entries),
            "history": review.history(timesheet),
            "may_edit": request.user.pk == timesheet.author_id and timesheet.is_editable,
            "may_decide": _may_decide(request, timesheet),
            "errors": errors or [],
        },
        status=status,
    )


@login_required
def timesheet(request: HttpRequest, pk: int) -> HttpResponse:
    the_timesheet = _timesheet_for(request, pk)
    if request.method == "POST":
        days = {}
        for entry in the_timesheet.entries.all():
            key = entry.day.isoformat()
            if f"hours-{key}" not in request.POST:
                continue
            days[entry.day] = ts.DayInput(
                hours=request.POST.get(f"hours-{key}", ""),
                overtime=request.POST.get(f"overtime-{key}", ""),
                night_hours=request.POST.get(f"night-{key}", ""),
                notes=request.POST.get(f"notes-{key}", ""),
            )
        try:
            changed = ts.update_days(request.user, the_timesheet, days)
        except ValidationError as error:
            return _timesheet_page(request, the_timesheet, error.messages, status=422)
        except (ReviewConflict, PermissionDenied) as refused:
            messages.error(request, str(refused))
        else:
            messages.success(
                request, f"Saved ({changed} day{'s' if changed != 1 else ''} changed)."
            )
        return redirect("staffing:timesheet", pk=the_timesheet.pk)
    return _timesheet_page(request, the_timesheet)


@require_POST
@login_required
def submit_timesheet(request: HttpRequest, pk: int) -> HttpResponse:
    the_timesheet = _timesheet_for(request, pk)
    try:
        ts.submit_timesheet(request.user, the_timesheet)
    except (ReviewConflict, PermissionDenied) as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, f"Timesheet for {the_timesheet.month:%B %Y} sent for approval.")
    return redirect("staffing:timesheet", pk=the_timesheet.pk)


@require_POST
@login_required
def decide_timesheet(request: HttpRequest, pk: int) -> HttpResponse:
    the_timesheet = _timesheet_for(request, pk)
    _decide(request, the_timesheet, ts.decide_timesheet)
    return redirect("staffing:timesheet", pk=the_timesheet.pk)


# --- Payroll ---------------------------------------------------------------------------------


def _payroll_month(request: HttpRequest, iata: str, month: str) -> payroll_services.Payroll:
    port = get_port_or_404(request.user, iata, SUPERVISE)
    first = parse_month(month)
    if first is None:
        raise Http404("A month is written YYYY-MM.")
    return payroll_services.payroll(port, first)


@login_required
def payroll(request: HttpRequest, iata: str, month: str) -> HttpResponse:
    data = _payroll_month(request, iata, month)
    previous = (data.month - dt.timedelta(days=1)).replace(day=1)
    following = (data.month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "staffing/payroll.html",
        {
            "payroll": data,
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
def payroll_csv(request: HttpRequest, iata: str, month: str) -> HttpResponse:
    data = _payroll_month(request, iata, month)
    return _download(
        payroll_services.payroll_csv(data),
        f"payroll-{data.port.iata}-{data.month:%Y-%m}.csv",
        "text/csv; charset=utf-8",
    )


@login_required
def payroll_xlsx(request: HttpRequest, iata: str, month: str) -> HttpResponse:
    data = _payroll_month(request, iata, month)
    return _download(
        payroll_services.payroll_xlsx(data),
        f"payroll-{data.port.iata}-{data.month:%Y-%m}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def month_url(iata: str, month: dt.date) -> str:
    return reverse("staffing:my_timesheet", args=[iata, f"{month:%Y-%m}"])


@require_POST
@login_required
def request_timesheet(request: HttpRequest, pk: int) -> HttpResponse:
    timesheet = get_scoped_or_404(
        Timesheet.objects.select_related("port", "author"), request.user, pk=pk
    )
    if not ts.may_see(request.user, timesheet):
        raise Http404("No timesheet matches.")
    try:
        document = request_timesheet_pdf(request.user, timesheet)
    except TimesheetNotApproved as refusal:
        return refused(request, str(refusal), reverse("staffing:timesheet", args=[timesheet.pk]))
    return answer(request, document)
