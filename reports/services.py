"""Asking for paperwork: the request is a ``Document`` row written with its audit event; a
worker renders it after the commit."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.http import Http404

from cases.models import Case
from poe_ops.dispatch import send_on_commit
from poe_ops.models import Port
from poe_ops.roles import VIEW
from poe_ops.scoping import get_scoped_or_404, require_port_perm
from poe_ops.services.audit import log_action
from reports.incidents import visible_incidents
from reports.models import Document
from reports.tasks import render_document

User = AbstractBaseUser | AnonymousUser


class DocumentRequestError(ValueError):
    """The request is incomplete (no day for a manifest, no case for a sheet)."""


# Paperwork about one record (a booking, a handover…): the caller names it and gives its id.
ABOUT_A_RECORD = frozenset(
    {Document.Kind.HOTEL_FORM, Document.Kind.TRANSPORT_MANIFEST, Document.Kind.CUSTODY_FORM}
)


def _subject(
    kind: str, port: Port, day: dt.date | None, case: Case | None, subject: str, object_id: str
) -> str:
    if kind in ABOUT_A_RECORD:
        if not object_id or not subject:
            raise DocumentRequestError("Choose the record the document is about.")
        return subject
    if kind == Document.Kind.DAILY_MANIFEST:
        if day is None:
            raise DocumentRequestError("Choose the day the manifest is for.")
        return f"{port.iata} {day:%Y-%m-%d}"
    if kind == Document.Kind.CASE_SHEET:
        if case is None:
            raise DocumentRequestError("Choose the case the sheet is for.")
        return case.case_number
    raise DocumentRequestError(f"Unknown kind of document: {kind!r}.")


def request_document(
    user: User,
    kind: str,
    port: Port,
    *,
    day: dt.date | None = None,
    case: Case | None = None,
    object_id: str = "",
    subject: str = "",
) -> Document:
    """Record ``user``'s request for a ``kind`` document about ``port`` (and ``day`` or
    ``case``) and queue its rendering once the request commits. 404 for another port."""
    require_port_perm(user, port, VIEW)
    if case is not None and case.port_id != port.pk:
        raise DocumentRequestError(f"Case {case.case_number} is not at {port.iata}.")
    subject = _subject(kind, port, day, case, subject, object_id)
    assert isinstance(user, AbstractBaseUser)
    with transaction.atomic():
        document = Document.objects.create(
            kind=kind,
            port=port,
            case=case,
            day=day,
            object_id=object_id,
            subject=subject[:200],
            requested_by=user,  # type: ignore[misc]
        )
        log_action(
            user,
            "poe.document.requested",
            document,
            port=port,
            data={"kind": kind, "subject": subject, "object_id": object_id},
        )
        send_on_commit(render_document, document.pk)
    return document


def document_for(user: User, pk: object) -> Document:
    """The document if ``user`` may view its port; 404 otherwise."""
    queryset: models.QuerySet[Document] = Document.objects.select_related("port", "requested_by")
    document = get_scoped_or_404(queryset, user, VIEW, pk=pk if str(pk).isdigit() else 0)
    if document.kind == Document.Kind.INCIDENT_REPORT and not (
        document.object_id.isdigit()
        and visible_incidents(user).filter(pk=int(document.object_id)).exists()
    ):
        # A sensitive report's PDF is as hidden as the report itself.
        raise Http404("No document matches.")
    return document
