"""The official copy of an incident report, registered with the core's document kinds from
``ReportsConfig.ready``. Its PDF is exactly as hidden as the report itself."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from poe_ops.models import Document
from poe_ops.registry import DocumentKind, DocumentUnavailable, register_document
from poe_ops.services.documents import request_document
from reports.models import IncidentReport
from reports.queries.incident_history import FIELD_LABELS, history_rows
from reports.queries.incidents import may_see, visible_incidents

INCIDENT_REPORT = "incident_report"


def request_incident_pdf(user: Any, report: IncidentReport) -> Document:
    """Ask for the report's PDF; a worker renders it. 404 for a report the user may not see;
    refused for a medical incident whose medical details they may not read (the PDF holds
    them)."""
    if not may_see(user, report):
        raise Http404("No incident report matches.")
    if not _may_see_report(user, report.pk):
        raise PermissionDenied(
            "The official copy of a medical incident holds medical details: only the port's "
            "officers, the medical focal point and Operations HQ can have it."
        )
    return request_document(
        user,
        INCIDENT_REPORT,
        report.port,
        object_id=str(report.pk),
        subject=f"{report.port.iata} {report}",
    )


def _incident_report(document: Document) -> dict[str, Any]:
    report = (
        IncidentReport.objects.select_related("port", "author", "flight", "case", "decided_by")
        .filter(pk=document.record_id)
        .first()
    )
    if report is None or report.port_id != document.port_id:
        raise DocumentUnavailable("The incident report no longer exists.")
    return {
        "report": report,
        "people": list(report.individuals.select_related("case")),
        "staff_concerned": list(report.staff_concerned.all()),
        "attachments": list(report.attachments.all()),
        "history": history_rows(report),
        "field_labels": FIELD_LABELS,
        "title": f"Incident report {report} · {report.port.iata}",
    }


def _may_see_report(user: Any, pk: int) -> bool:
    """The report is visible and, for a medical incident, so are its medical details."""
    visible = visible_incidents(user).filter(pk=pk)
    return visible.filter(shows_medical_details=True).exists()  # type: ignore[misc]


def _may_see(user: Any, document: Document) -> bool:
    return _may_see_report(user, document.record_id)


def register() -> None:
    register_document(
        DocumentKind(
            key=INCIDENT_REPORT,
            label="Incident report",
            template="reports/pdf/incident_report.html",
            build_context=_incident_report,
            file_name=lambda d: f"incident-{d.port.iata}-{d.object_id}.pdf",
            may_see=_may_see,
            source=lambda d: (
                f"Incident report #{d.object_id}",
                reverse("reports:incident", args=[d.record_id]),
            ),
        )
    )
