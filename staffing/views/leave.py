"""Leave: asking for it, its page, and an officer's decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poe_ops.http import HtmxHttpRequest
from poe_ops.models import ReviewStatus
from poe_ops.refusals import Conflict
from poe_ops.roles import APPROVE, OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm
from poe_ops.services import review
from staffing.forms import DecisionForm, LeaveForm, ReleaseShiftsForm
from staffing.models import LeaveRequest
from staffing.services import leave as leave_services
from staffing.services.rosters import shifts_during_leave, shifts_during_leaves
from staffing.views.decisions import decide_from_page, may_decide

LEAVE = "staffing/leave.html"


@login_required
def new_leave(request: HtmxHttpRequest, iata: str) -> HttpResponse:
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


def _leave_for(request: HtmxHttpRequest, pk: int) -> LeaveRequest:
    leave = get_scoped_or_404(
        LeaveRequest.objects.select_related("port", "author", "decided_by"), request.user, pk=pk
    )
    if request.user.pk != leave.author_id and not has_port_perm(request.user, leave.port, APPROVE):
        raise Http404("No leave request matches.")
    return leave


@login_required
def leave_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    leave = _leave_for(request, pk)
    form = None
    if request.user.pk == leave.author_id and leave.status == ReviewStatus.RETURNED:
        form = LeaveForm(request.POST or None, instance=leave)
        if request.method == "POST" and form.is_valid():
            try:
                leave_services.resubmit_leave(request.user, leave, **form.cleaned_data)
            except ValidationError as error:
                _add_errors(form, error)
            except Conflict as conflict:
                messages.error(request, str(conflict))
            else:
                messages.success(request, "Leave request sent again.")
                return redirect("staffing:leave_detail", pk=leave.pk)
        leave.refresh_from_db()
    elif request.method == "POST":
        return HttpResponseNotAllowed(["GET"])
    clashing = shifts_during_leave(leave) if leave.status != ReviewStatus.RETURNED else []
    may_decide_it = may_decide(request, leave)
    return render(
        request,
        LEAVE,
        {
            "leave": leave,
            "port": leave.port,
            "current_port": leave.port,
            "form": form,
            "history": review.history(leave),
            "may_decide": may_decide_it,
            "decision_form": DecisionForm(shifts=len(clashing) if may_decide_it else 0),
            "clashing_shifts": clashing,
        },
    )


def prepare_inbox_rows(leaves: list[LeaveRequest]) -> None:
    """The inbox's leave rows: the shifts each request overlaps (one query for all) and, when
    there are some, the choice to release them on approval (``ApprovalSource.prepare``)."""
    found = shifts_during_leaves(leaves)
    for leave in leaves:
        shifts = found.get(leave.pk, [])
        leave.overlapping_shifts = shifts  # type: ignore[attr-defined]
        leave.release_form = (  # type: ignore[attr-defined]
            ReleaseShiftsForm(shifts=len(shifts), auto_id=f"%s-leave-{leave.pk}")
            if shifts
            else None
        )


@require_POST
@login_required
def decide_leave(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    leave = _leave_for(request, pk)
    decide_from_page(
        request, leave, leave_services.decide_leave, shifts=len(shifts_during_leave(leave))
    )
    return redirect("staffing:leave_detail", pk=leave.pk)
