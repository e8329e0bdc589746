"""What the signed-off timesheet PDF is made of (``Document.Kind.TIMESHEET``;
``Document.object_id`` is the timesheet's pk)."""

from __future__ import annotations

from typing import Any

from django.utils.text import get_valid_filename

from poe_ops.models import ReviewStatus
from poe_ops.services import review
from reports.models import Document
from staffing import timesheets as ts
from staffing.rosters import person_name


def timesheet_context(document: Document) -> dict[str, Any]:
    from reports.registry import DocumentUnavailable  # the registry imports this module

    timesheet = ts.timesheet_with_entries(int(document.object_id or 0))
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
        "staff_name": person_name(timesheet.author),
        "approver_name": person_name(timesheet.decided_by) if timesheet.decided_by else "",
        "title": f"Timesheet · {person_name(timesheet.author)} · {timesheet.month:%B %Y}",
    }


def timesheet_file_name(document: Document) -> str:
    return get_valid_filename(f"timesheet-{document.subject}.pdf")
