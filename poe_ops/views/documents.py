"""Paperwork: watch a PDF being prepared, download it. Files are only ever served here, after
the port permission check (and the kind's own, for sensitive records); they have no public URL.

The apps' "make the PDF" buttons post to their own views, which call
``poe_ops.services.documents.request_document`` and answer with ``answer``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render

from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Document
from poe_ops.registry import document_kind
from poe_ops.services.audit import log_personal_data_access
from poe_ops.services.documents import document_for

PAGE = "poe_ops/document.html"


def answer(request: HtmxHttpRequest, document: Document) -> HttpResponse:
    """The reply to a request for a PDF: the status partial for htmx (it polls itself until
    the file is ready); else the document's page."""
    if request.htmx:
        document.refresh_from_db()  # eager tasks (make run) have already rendered it
        return render(request, f"{PAGE}#status", {"document": document})
    return redirect("document", pk=document.pk)


def refused(request: HtmxHttpRequest, message: str, back: str) -> HttpResponse:
    """A request for a PDF that cannot be made (no such day, a record not approved yet)."""
    if request.htmx:
        return render(request, f"{PAGE}#refusal", {"message": message}, status=400)
    messages.error(request, message)
    return redirect(back)


@login_required
def document(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    the_document = document_for(request.user, pk)
    if request.method not in {"GET", "HEAD"}:  # after the scope check: another port's is a 404
        return HttpResponseNotAllowed(["GET"])
    context = {"document": the_document, "port": the_document.port}
    if request.htmx:
        return render(request, f"{PAGE}#status", context)
    kind = document_kind(the_document.kind)
    source = kind.source(the_document) if kind and kind.source else None
    return render(request, PAGE, {**context, "current_port": the_document.port, "source": source})


@login_required
def download(request: HtmxHttpRequest, pk: int) -> HttpResponseBase:
    the_document = document_for(request.user, pk)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    if not the_document.is_ready:
        return redirect("document", pk=the_document.pk)
    log_personal_data_access(
        request.user, the_document, port=the_document.port, purpose="PDF downloaded"
    )
    response = FileResponse(
        the_document.file.open("rb"),
        as_attachment=True,
        filename=the_document.file_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "no-store"
    return response
