"""The history of an incident report, in words, for its page and its official PDF: the review
transitions (``poe_ops.services.review.history``) plus the photos and scans added."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from poe_ops.models import AuditEvent
from poe_ops.services import review
from reports.models import IncidentReport

HISTORY_WORDS = {
    "created": "Draft started",
    "updated": "Edited",
    "submitted": "Submitted for approval",
    "resubmitted": "Resubmitted after changes",
    "approved": "Approved",
    "returned": "Returned for changes",
    "attachment_added": "Photo or scan added",
}


@dataclass
class HistoryRow:
    at: dt.datetime
    who: str
    what: str
    action: str
    comment: str = ""
    fields: list[str] = field(default_factory=list)
    times: int = 1


def history_rows(report: IncidentReport) -> list[HistoryRow]:
    """``poe_ops.services.review.history`` in words, oldest first. A run of autosaves by the
    same person reads as one "Edited" line (with the fields and how many saves), not one line
    per second."""
    rows: list[HistoryRow] = []
    events = sorted(
        [
            *review.history(report),
            *AuditEvent.objects.for_object(report)
            .filter(action="poe.incident.attachment_added")
            .select_related("actor"),
        ],
        key=lambda event: (event.at, event.pk),
    )
    for event in events:
        action = event.action.rsplit(".", 1)[-1]
        actor = event.actor
        who = (actor.get_full_name() or actor.get_username()) if actor else "the system"
        acting = event.data.get("acting_for") if isinstance(event.data, dict) else None
        if acting:
            who = f"{who} (acting for {acting.get('name', '')})"
        fields = sorted(FIELD_LABELS.get(name, name) for name in event.changes)
        if action == "attachment_added":
            fields = [str(event.data.get("name", ""))]
        elif action != "updated":
            fields = []
        last = rows[-1] if rows else None
        if action == "updated" and last and last.action == "updated" and last.who == who:
            last.at, last.times = event.at, last.times + 1
            last.fields = sorted(set(last.fields) | set(fields))
            continue
        rows.append(
            HistoryRow(
                at=event.at,
                who=who,
                what=HISTORY_WORDS.get(action, action),
                action=action,
                comment=str(event.data.get("comment", "")),
                fields=fields,
            )
        )
    return rows


FIELD_LABELS = {
    "occurred_at": "time",
    "flight": "flight",
    "case": "case",
    "individuals": "people",
    "category": "category",
    "severity": "severity",
    "narrative": "what happened",
    "actions_taken": "actions taken",
    "follow_up_needed": "follow-up",
    "staff_concerned": "staff the report is about",
}
