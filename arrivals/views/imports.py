"""Manifest import screens: the upload form with recent imports, and one import's result."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render

from arrivals.forms import ManifestUploadForm
from arrivals.models import ImportBatch
from arrivals.services.manifest_import import import_manifest
from poe_ops.http import HtmxHttpRequest
from poe_ops.ratelimit import rate_limited
from poe_ops.roles import COORDINATE
from poe_ops.scoping import get_scoped_or_404, ports_for, scope

NOT_FOR_YOU = (
    "Manifest imports are done by senior associates, officers and Operations HQ. "
    "Ask your senior associate if a manifest is missing."
)


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
            batch = import_manifest(
                request.user, form.cleaned_data["port"], form.cleaned_data["file"]
            )
            return redirect("arrivals:import_detail", pk=batch.pk)
    else:
        form = ManifestUploadForm(ports)
    recent = (
        scope(ImportBatch.objects.select_related("port", "uploaded_by"), request.user, COORDINATE)[
            :30
        ]
        if may_import
        else []
    )
    return render(
        request,
        "arrivals/imports.html",
        {"form": form, "may_import": may_import, "recent": recent, "not_for_you": NOT_FOR_YOU},
        status=400 if form.errors else 200,
    )


@login_required
def import_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    batch = get_scoped_or_404(
        ImportBatch.objects.select_related("port", "uploaded_by"),
        request.user,
        COORDINATE,
        pk=pk,
    )
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    summary = batch.summary or {}
    return render(
        request,
        "arrivals/import_detail.html",
        {
            "batch": batch,
            "port": batch.port,
            "created": summary.get("created", []),
            "updated": summary.get("updated", []),
            "unchanged": summary.get("unchanged", []),
            "flights_created": summary.get("flights_created", []),
            "flights_updated": summary.get("flights_updated", []),
            "error_count": summary.get("error_count", len(batch.errors)),
        },
    )
