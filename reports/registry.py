"""What each kind of document is made of: its template, how its context is built (fresh from
the database, when the worker renders it) and its file name. Later issues add their paperwork
here, next to a new ``Document.Kind``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.text import get_valid_filename

from cases.models import Case
from cases.services import case_page
from reports import booking_documents
from reports.incident_history import FIELD_LABELS, history_rows
from reports.manifest import manifest_context
from reports.models import Document, IncidentReport
from reports.timesheet_paper import timesheet_context, timesheet_file_name


class DocumentUnavailable(Exception):
    """The document cannot be made; the message says why, in words for the person who asked."""


@dataclass(frozen=True)
class DocumentSpec:
    template: str
    build_context: Callable[[Document], dict[str, Any]]
    file_name: Callable[[Document], str]


def _manifest(document: Document) -> dict[str, Any]:
    if document.day is None:
        raise DocumentUnavailable("No day was given for the manifest.")
    return manifest_context(document.port, document.day)


def _case_sheet(document: Document) -> dict[str, Any]:
    case = (
        Case.objects.select_related("port", "agency").filter(pk=document.case_id).first()
        if document.case_id
        else None
    )
    if case is None:
        raise DocumentUnavailable(
            f"Case {document.subject} no longer exists: "
            "it was removed after the sheet was asked for."
        )
    if case.port_id != document.port_id:
        raise DocumentUnavailable(f"Case {case.case_number} is no longer at {document.port.iata}.")
    page = case_page(case)
    receiving = " · ".join(
        part for part in (case.agency.code if case.agency else "", case.local_affiliate) if part
    )
    return {
        "case": case,
        "page": page,
        "in_custody": [row.individual for row in page.people if row.individual.document_in_custody],
        "signature_parties": [
            ("IOM staff", "IOM"),
            ("Receiving agency representative", receiving),
        ],
        "title": f"Case arrival sheet · {case.case_number}",
    }


def _record(build: Callable[[Document], dict[str, Any]]) -> Callable[[Document], dict[str, Any]]:
    def wrapped(document: Document) -> dict[str, Any]:
        try:
            return build(document)
        except booking_documents.RecordGone as gone:
            raise DocumentUnavailable(str(gone)) from None

    return wrapped


def _incident_report(document: Document) -> dict[str, Any]:
    report = (
        IncidentReport.objects.select_related("port", "author", "flight", "case", "decided_by")
        .filter(pk=int(document.object_id) if document.object_id.isdigit() else 0)
        .first()
    )
    if report is None or report.port_id != document.port_id:
        raise DocumentUnavailable("The incident report no longer exists.")
    return {
        "report": report,
        "people": list(report.individuals.select_related("case")),
        "attachments": list(report.attachments.all()),
        "history": history_rows(report),
        "field_labels": FIELD_LABELS,
        "title": f"Incident report {report} · {report.port.iata}",
    }


REGISTRY: dict[str, DocumentSpec] = {
    Document.Kind.DAILY_MANIFEST: DocumentSpec(
        template="reports/pdf/daily_manifest.html",
        build_context=_manifest,
        file_name=lambda d: f"manifest-{d.port.iata}-{d.day:%Y-%m-%d}.pdf",
    ),
    Document.Kind.CASE_SHEET: DocumentSpec(
        template="reports/pdf/case_sheet.html",
        build_context=_case_sheet,
        file_name=lambda d: get_valid_filename(f"arrival-sheet-{d.subject}.pdf"),
    ),
    Document.Kind.HOTEL_FORM: DocumentSpec(
        template="reports/pdf/hotel_form.html",
        build_context=_record(booking_documents.hotel_form),
        file_name=lambda d: get_valid_filename(f"hotel-form-{d.subject}.pdf"),
    ),
    Document.Kind.TRANSPORT_MANIFEST: DocumentSpec(
        template="reports/pdf/transport_manifest.html",
        build_context=_record(booking_documents.transport_manifest),
        file_name=lambda d: get_valid_filename(f"transport-manifest-{d.subject}.pdf"),
    ),
    Document.Kind.CUSTODY_FORM: DocumentSpec(
        template="reports/pdf/custody_form.html",
        build_context=_record(booking_documents.custody_form),
        file_name=lambda d: get_valid_filename(f"custody-handover-{d.subject}.pdf"),
    ),
    Document.Kind.INCIDENT_REPORT: DocumentSpec(
        template="reports/pdf/incident_report.html",
        build_context=_incident_report,
        file_name=lambda d: f"incident-{d.port.iata}-{d.object_id}.pdf",
    ),
    Document.Kind.TIMESHEET: DocumentSpec(
        template="reports/pdf/timesheet.html",
        build_context=timesheet_context,
        file_name=timesheet_file_name,
    ),
}
