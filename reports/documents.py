"""The official copy of an incident report, registered with the core's document kinds from
``ReportsConfig.ready``. Its PDF is exactly as hidden as the report itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse

from poe_ops.models import Document, Port
from poe_ops.registry import DocumentKind, DocumentUnavailable, register_document
from poe_ops.roles import SUPERVISE, VIEW
from poe_ops.scoping import has_port_perm
from poe_ops.services.documents import request_document
from reports.models import IncidentReport
from reports.queries.incident_history import FIELD_LABELS, history_rows
from reports.queries.incidents import may_see, visible_incidents
from reports.queries.periods import Period
from reports.queries.statistics.build import build_statistics
from reports.queries.statistics.tables import all_tables

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
    register_statistics()
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


# --- The statistics report (the monthly report of an office, or any period on request) ---------

STATISTICS_REPORT = "statistics_report"


def report_spec(ports: Sequence[Port], period: Period) -> str:
    """What a statistics report covers, as its ``object_id``:
    "JFK,ORD|2026-03-01|2026-03-31|month"."""
    iatas = ",".join(sorted(p.iata for p in ports))
    return f"{iatas}|{period.first}|{period.last}|{period.kind}"


def read_spec(spec: str) -> tuple[list[Port], Period]:
    try:
        iatas, first, last, kind = spec.split("|")
        period = Period(kind, dt.date.fromisoformat(first), dt.date.fromisoformat(last))
    except ValueError:
        raise DocumentUnavailable("This report's description is not readable.") from None
    ports = list(Port.objects.filter(iata__in=iatas.split(",")).select_related("office"))
    if len(ports) != len(iatas.split(",")):
        raise DocumentUnavailable("A port of this report no longer exists.")
    return sorted(ports, key=lambda p: p.iata), period


def may_have_report(user: Any, ports: Sequence[Port]) -> bool:
    """The PDF counts every incident, sensitive ones too: it is for those who see them all —
    the ports' officers, and the Operations HQ each port reports to."""
    if not ports or not getattr(user, "is_authenticated", False):
        return False
    groups = set(user.groups.values_list("name", flat=True))
    return all(
        has_port_perm(user, port, VIEW)
        and (has_port_perm(user, port, SUPERVISE) or port.office.hq_group_name in groups)
        for port in ports
    )


def request_statistics_pdf(user: Any, ports: Sequence[Port], period: Period) -> Document:
    """Ask for the statistics of ``period`` at ``ports`` as a PDF; a worker renders it (the
    document page shows it being prepared). 404 unless the user may have it."""
    ports = sorted(ports, key=lambda p: p.iata)
    if not may_have_report(user, ports):
        raise Http404("No such report.")
    return request_document(
        user,
        STATISTICS_REPORT,
        ports[0],
        object_id=report_spec(ports, period),
        subject=f"Statistics {period.label} · {', '.join(p.iata for p in ports)}",
    )


def _statistics_report(document: Document) -> dict[str, Any]:
    ports, period = read_spec(document.object_id)
    stats = build_statistics(ports, period)
    return {
        "stats": stats,
        "tables": all_tables(stats),
        "title": f"Statistics {period.label} · {', '.join(p.iata for p in ports)}",
    }


def _may_see_statistics_report(user: Any, document: Document) -> bool:
    try:
        ports, _period = read_spec(document.object_id)
    except DocumentUnavailable:
        return False
    return may_have_report(user, ports)


def register_statistics() -> None:
    register_document(
        DocumentKind(
            key=STATISTICS_REPORT,
            label="Statistics report",
            template="reports/pdf/statistics_report.html",
            build_context=_statistics_report,
            file_name=lambda d: (
                f"statistics-{d.object_id.split('|')[0].replace(',', '-')}-"
                f"{d.object_id.split('|')[1]}.pdf"
            ),
            may_see=_may_see_statistics_report,
            source=lambda d: ("Statistics", reverse("reports:statistics")),
        )
    )
