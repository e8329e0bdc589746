"""The signed-off timesheet PDF: asked for from an approved timesheet's page, rendered by the
document worker like any other paperwork (``Document.object_id`` is the timesheet's pk)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User as Person
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poe_ops.dispatch import send_on_commit
from poe_ops.models import ReviewStatus
from poe_ops.scoping import get_scoped_or_404
from poe_ops.services.audit import log_action
from reports.models import Document
from reports.tasks import render_document
from staffing import timesheets as ts
from staffing.models import Timesheet


class TimesheetNotApproved(Exception):
    pass


def request_timesheet_pdf(user: Person, timesheet: Timesheet) -> Document:
    if timesheet.status != ReviewStatus.APPROVED:
        raise TimesheetNotApproved(
            "Only an approved timesheet can be printed for signature; this one is "
            f"{timesheet.get_status_display().lower()}."
        )
    subject = f"{timesheet.author.get_username()}-{timesheet.port.iata}-{timesheet.month:%Y-%m}"
    with transaction.atomic():
        document = Document.objects.create(
            kind=Document.Kind.TIMESHEET,
            port=timesheet.port,
            object_id=str(timesheet.pk),
            subject=subject,
            requested_by=user,
        )
        log_action(
            user,
            "poe.document.requested",
            document,
            port=timesheet.port,
            data={"kind": Document.Kind.TIMESHEET, "subject": subject, "timesheet": timesheet.pk},
        )
        send_on_commit(render_document, document.pk)
    return document


@require_POST
@login_required
def request_timesheet(request: HttpRequest, pk: int) -> HttpResponse:
    timesheet = get_scoped_or_404(
        Timesheet.objects.select_related("port", "author"), request.user, pk=pk
    )
    if not ts.may_see(request.user, timesheet):
        raise Http404("No timesheet matches.")
    assert isinstance(request.user, Person)
    htmx = bool(getattr(request, "htmx", False))
    try:
        document = request_timesheet_pdf(request.user, timesheet)
    except TimesheetNotApproved as refused:
        if htmx:
            return render(
                request, "reports/document.html#refusal", {"message": str(refused)}, status=400
            )
        from django.contrib import messages

        messages.error(request, str(refused))
        return redirect("staffing:timesheet", pk=timesheet.pk)
    if htmx:
        document.refresh_from_db()
        return render(request, "reports/document.html#status", {"document": document})
    return redirect("reports:document", pk=document.pk)
