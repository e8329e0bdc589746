"""Manifest import screens: the upload form with recent imports; one upload's page — its
progress while it is checked, the preview to confirm or discard, then what it did or why it was
refused; and the confirm and discard actions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRefresh

from arrivals.forms.imports import ManifestUploadForm
from arrivals.models import ImportBatch
from arrivals.queries.imports import headline, import_page
from arrivals.services import manifest_import
from poe_ops.http import HtmxHttpRequest
from poe_ops.ratelimit import rate_limited
from poe_ops.refusals import Refusal
from poe_ops.roles import COORDINATE
from poe_ops.scoping import get_scoped_or_404, ports_for, scope

NOT_FOR_YOU = (
    "Manifest imports are done by senior associates, officers and Operations HQ. "
    "Ask your senior associate if a manifest is missing."
)
PAGE = "arrivals/import_detail.html"


@login_required
@rate_limited("import")
def imports(request: HtmxHttpRequest) -> HttpResponse:
    ports = ports_for(request.user, COORDINATE)
    may_import = ports.exists()
    if request.method == "POST":
        if not may_import:
            raise PermissionDenied(NOT_FOR_YOU)
        form = ManifestUploadForm(ports, request.POST, request.FILES)
        if form.is_valid():
            batch = manifest_import.upload_manifest(
                request.user,
                form.cleaned_data["port"],
                form.cleaned_data["file"],
                complete=form.complete,
            )
            return redirect("arrivals:import_detail", pk=batch.pk)
    else:
        form = ManifestUploadForm(ports)
    recent = (
        scope(
            ImportBatch.objects.select_related("port", "uploaded_by"), request.user, COORDINATE
        ).defer("summary", "errors", "warnings")[:30]
        if may_import
        else []
    )
    return render(
        request,
        "arrivals/imports.html",
        {"form": form, "may_import": may_import, "recent": recent, "not_for_you": NOT_FOR_YOU},
        status=400 if form.errors else 200,
    )


def _batch(request: HtmxHttpRequest, pk: int) -> ImportBatch:
    return get_scoped_or_404(
        ImportBatch.objects.select_related("port", "uploaded_by", "confirmed_by"),
        request.user,
        COORDINATE,
        pk=pk,
    )


@login_required
def import_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    if request.method not in {"GET", "HEAD"}:  # after the scope check: another port's is a 404
        return HttpResponseNotAllowed(["GET"])
    if request.htmx and request.htmx.target == f"import-progress-{batch.pk}":
        if not batch.is_checking:
            return HttpResponseClientRefresh()  # the preview (or the refusal) is ready
        return render(request, f"{PAGE}#progress", {"batch": batch})
    context = {"page": import_page(batch), "batch": batch, "port": batch.port}
    return render(request, PAGE, context)


@require_POST
@login_required
@rate_limited("import")
def import_confirm(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        batch = manifest_import.confirm_import(request.user, batch)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        done = headline(batch.summary) or ["nothing changed"]
        messages.success(request, f"Applied: {', '.join(done)}.")
    return redirect("arrivals:import_detail", pk=batch.pk)


@require_POST
@login_required
def import_discard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = _batch(request, pk)
    try:
        manifest_import.discard_import(request.user, batch)
    except Refusal as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, f"{batch.file_name} was discarded; nothing was imported.")
    return redirect("arrivals:imports")
