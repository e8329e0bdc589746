"""The signed-off timesheet PDF (``Document.object_id`` is the timesheet's pk), registered with
the core's document kinds from ``StaffingConfig.ready``."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import get_valid_filename

from poe_ops.models import Document, ReviewStatus
from poe_ops.refusals import Refusal
from poe_ops.registry import DocumentKind, DocumentUnavailable, register_document
from poe_ops.services import review
from poe_ops.services.documents import request_document
from poe_ops.text import display_name
from staffing.models import Timesheet
from staffing.services import timesheets as ts

TIMESHEET = "timesheet"


def request_timesheet_pdf(user: Any, timesheet: Timesheet) -> Document:
    if timesheet.status != ReviewStatus.APPROVED:
        raise Refusal(
            "Only an approved timesheet can be printed for signature; this one is "
            f"{timesheet.get_status_display().lower()}.",
            code="not_approved",
        )
    subject = f"{timesheet.author.get_username()}-{timesheet.port.iata}-{timesheet.month:%Y-%m}"
    return request_document(
        user, TIMESHEET, timesheet.port, object_id=str(timesheet.pk), subject=subject
    )


def timesheet_context(document: Document) -> dict[str, Any]:
    timesheet = ts.timesheet_with_entries(document.record_id)
    if timesheet is None or timesheet.port_id != document.port_id:
        raise DocumentUnavailable(f"Timesheet {document.subject} no longer exists at this port.")
    if timesheet.status != ReviewStatus.APPROVED:
        raise DocumentUnavailable(
            f"Timesheet {document.subject} is {timesheet.get_status_display().lower()}, "
            "no longer approved: it cannot be signed off."
        )
    entries = list(timesheet.entries.all())
    return {
        "timesheet": timesheet,
        "entries": [e for e in entries if e.total > 0 or e.notes],
        "totals": ts.totals(entries),
        "history": review.history(timesheet),
        "staff_name": display_name(timesheet.author),
        "approver_name": review.decider_words(timesheet),
        "title": f"Timesheet · {display_name(timesheet.author)} · {timesheet.month:%B %Y}",
    }


def _may_see(user: Any, document: Document) -> bool:
    timesheet = Timesheet.objects.filter(pk=document.record_id).select_related("port").first()
    return timesheet is not None and ts.may_see(user, timesheet)


def register() -> None:
    register_document(
        DocumentKind(
            key=TIMESHEET,
            label="Timesheet",
            template="staffing/pdf/timesheet.html",
            build_context=timesheet_context,
            file_name=lambda d: get_valid_filename(f"timesheet-{d.subject}.pdf"),
            may_see=_may_see,
            source=lambda d: ("Timesheet", reverse("staffing:timesheet", args=[d.record_id])),
        )
    )
