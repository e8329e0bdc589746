"""An officer's decision on a leave request or a timesheet, from its page."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError

from poe_ops.http import HtmxHttpRequest
from poe_ops.models import ReviewStatus
from poe_ops.refusals import Conflict
from poe_ops.roles import APPROVE
from poe_ops.scoping import has_port_perm
from staffing.forms import DecisionForm
from staffing.models import LeaveRequest, Timesheet


def may_decide(request: HtmxHttpRequest, record: LeaveRequest | Timesheet) -> bool:
    return (
        record.status == ReviewStatus.SUBMITTED
        and request.user.pk != record.author_id
        and has_port_perm(request.user, record.port, APPROVE)
    )


def decide_from_page(
    request: HtmxHttpRequest, record: LeaveRequest | Timesheet, decide_fn: object, shifts: int = 0
) -> None:
    """``shifts``: how many rostered shifts a leave request overlaps (the form then offers to
    release them)."""
    form = DecisionForm(request.POST, shifts=shifts)
    if not form.is_valid():
        messages.error(request, "Choose approve or return.")
        return
    approve = form.cleaned_data["decision"] == "approve"
    options = {}
    if approve and form.cleaned_data.get("release_shifts"):
        options["release_shifts"] = True
    try:
        decide_fn(request.user, record, approve, form.cleaned_data["comment"], **options)  # type: ignore[operator]
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except Conflict as conflict:
        messages.error(request, str(conflict))
    except PermissionDenied as denied:
        messages.error(request, str(denied))
    else:
        released = getattr(record, "released_shifts", [])
        note = (
            f" {len(released)} shift{'s' if len(released) != 1 else ''} released."
            if released
            else ""
        )
        messages.success(request, f"{'Approved' if approve else 'Returned'}: {record}.{note}")
