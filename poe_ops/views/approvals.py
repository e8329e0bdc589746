"""The officers' inbox: everything awaiting their decision, oldest first, decided in place.

Each row is approved or returned with htmx and swapped for its outcome (or for the message
saying another officer was first), so an officer working down a long list keeps their place."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from poe_ops.forms import ReturnForm
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Reviewable
from poe_ops.queries.approvals import awaiting
from poe_ops.queries.delegations import acting_officer_of
from poe_ops.refusals import Refusal
from poe_ops.registry import SOURCES, ApprovalSource
from poe_ops.roles import VIEW
from poe_ops.scoping import scope
from poe_ops.text import display_name

INBOX = "approvals/inbox.html"


def _return_form(source: ApprovalSource, record: Reviewable, comment: str = "") -> ReturnForm:
    # One per row: "comment-incident-12", so each label names its own box.
    return ReturnForm(initial={"comment": comment}, auto_id=f"%s-{source.key}-{record.pk}")


def _opens_first(source: ApprovalSource, record: Reviewable) -> str:
    return source.open_first(record) if source.open_first is not None else ""


@login_required
def inbox(request: HtmxHttpRequest) -> HttpResponse:
    items = [
        (source, item, _return_form(source, item), _opens_first(source, item))
        for source, item in awaiting(request.user)
    ]
    return render(request, INBOX, {"items": items, "acting": acting_officer_of(request.user)})


def _record(source: ApprovalSource, request: HtmxHttpRequest, pk: int) -> Reviewable:
    """The record if the user may see it (any status: a decided one answers with who decided
    it); 404 for another port's or a hidden one."""
    queryset = scope(
        source.model._default_manager.select_related(*source.select_related), request.user, VIEW
    )
    if source.visible_to is not None:
        queryset = source.visible_to(queryset, request.user)
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404(f"No {source.label.lower()} matches.")
    return record


def _decide(request: HtmxHttpRequest, key: str, pk: int, approve: bool) -> HttpResponse:
    source = SOURCES.get(key)
    if source is None:
        raise Http404("Nothing of that kind awaits approval.")
    record = _record(source, request, pk)
    if source.prepare is not None:
        source.prepare([record])
    comment = request.POST.get("comment", "")
    form = _return_form(source, record, comment)
    row: dict[str, Any] = {
        "source": source,
        "item": record,
        "return_form": form,
        "opens_first": _opens_first(source, record),
    }
    options = {name: request.POST.get(name) == "on" for name in source.options} if approve else {}
    try:  # PermissionDenied (not an officer here, or their own record) is a 403
        record = source.decide(request.user, record, approve, comment, **options)
    except Refusal as refusal:  # another officer was first; a report to open before approving
        row["refusal"] = str(refusal)
    except ValidationError as error:
        row["error"] = " ".join(error.messages)
        row["return_form"] = form = ReturnForm(
            {"comment": comment}, auto_id=f"%s-{source.key}-{record.pk}"
        )
        form.is_valid()
        form.add_error("comment", error.messages)
    else:
        row["item"] = record
        row["outcome"] = "Approved by you" if approve else "Returned by you"
        if record.decided_acting_for is not None:
            row["outcome"] += f", acting for {display_name(record.decided_acting_for)}"
    if request.htmx:
        return render(request, f"{INBOX}#row", row)
    if "outcome" in row:
        messages.success(request, f"{source.label} {record}: {row['outcome'].lower()}.")
    else:
        messages.error(request, row.get("refusal") or row.get("error", ""))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}):
        return redirect(back)
    return redirect("approvals")


@require_POST
@login_required
def approve(request: HtmxHttpRequest, key: str, pk: int) -> HttpResponse:
    return _decide(request, key, pk, approve=True)


@require_POST
@login_required
def return_for_changes(request: HtmxHttpRequest, key: str, pk: int) -> HttpResponse:
    return _decide(request, key, pk, approve=False)
