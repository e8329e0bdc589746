"""The arrivals day's paperwork: the daily arrival manifest of a port and a case's arrival
sheet, registered with the core's document kinds from ``ArrivalsConfig.ready``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.text import get_valid_filename

from arrivals.queries.case_page import case_page
from arrivals.queries.daily_manifest import manifest_context
from cases.models import Case
from poe_ops.models import Document, Port
from poe_ops.registry import DocumentKind, DocumentUnavailable, register_document
from poe_ops.services.documents import request_document

DAILY_MANIFEST = "daily_manifest"
CASE_SHEET = "case_sheet"


def request_manifest(user: Any, port: Port, day: dt.date) -> Document:
    return request_document(
        user, DAILY_MANIFEST, port, day=day, subject=f"{port.iata} {day:%Y-%m-%d}"
    )


def request_case_sheet(user: Any, case: Case) -> Document:
    return request_document(
        user, CASE_SHEET, case.port, object_id=str(case.pk), subject=case.case_number
    )


def _manifest(document: Document) -> dict[str, Any]:
    if document.day is None:
        raise DocumentUnavailable("No day was given for the manifest.")
    return manifest_context(document.port, document.day)


def _case_sheet(document: Document) -> dict[str, Any]:
    case = Case.objects.select_related("port", "agency").filter(pk=document.record_id).first()
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
        "packets": [
            row.individual
            for row in page.people
            if row.individual.a_number
            or row.individual.immigration_category
            or row.individual.tb_class
            or row.individual.tb_followup
            or row.individual.carried_documents.all()
        ],
        "signature_parties": [
            ("IOM staff", "IOM"),
            ("Receiving agency representative", receiving),
        ],
        "title": f"Case arrival sheet · {case.case_number}",
    }


def _port_day(document: Document) -> tuple[str, str]:
    url = reverse("arrivals:port_today", args=[document.port.iata])
    if document.day:
        url += f"?date={document.day:%Y-%m-%d}"
    return f"{document.port.iata} day", url


def _case(document: Document) -> tuple[str, str] | None:
    case = Case.objects.filter(pk=document.record_id).only("case_number").first()
    if case is None:
        return None
    return f"Case {case.case_number}", reverse("arrivals:case", args=[case.case_number])


def register() -> None:
    register_document(
        DocumentKind(
            key=DAILY_MANIFEST,
            label="Daily arrival manifest",
            template="arrivals/pdf/daily_manifest.html",
            build_context=_manifest,
            file_name=lambda d: f"manifest-{d.port.iata}-{d.day:%Y-%m-%d}.pdf",
            source=_port_day,
        )
    )
    register_document(
        DocumentKind(
            key=CASE_SHEET,
            label="Case arrival sheet",
            template="arrivals/pdf/case_sheet.html",
            build_context=_case_sheet,
            file_name=lambda d: get_valid_filename(f"arrival-sheet-{d.subject}.pdf"),
            source=_case,
        )
    )
