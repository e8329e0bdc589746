"""Incident report screens: the list, filing (with autosave), the report with its history,
submitting, photos and scans, and the official PDF. Every lookup goes through
``reports.queries.incidents.visible_incidents``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from poe_ops.forms import ReturnForm
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Conflict
from poe_ops.roles import OPERATE
from poe_ops.scoping import ports_for
from poe_ops.services.audit import log_personal_data_access
from poe_ops.views.documents import answer
from reports.documents import request_incident_pdf
from reports.forms import IncidentFilters, errors_text
from reports.models import IncidentReport
from reports.queries import incident_history
from reports.queries import incidents as incident_queries
from reports.services import attachments, incidents

DETAIL = "reports/incidents/detail.html"
LIST = "reports/incidents/list.html"
PER_PAGE = 50


# --- The list --------------------------------------------------------------------------------


def _details_shown(report: IncidentReport) -> bool:
    """What happened (and its photos) is shown unless it is a medical incident's details and
    the user may not read those (``reports.queries.incidents``)."""
    return not report.is_medical or bool(getattr(report, "shows_medical_details", False))


@login_required
def incident_list(request: HtmxHttpRequest) -> HttpResponse:
    ports = ports_for(request.user)
    filters = IncidentFilters(request.GET or None, ports=ports.order_by("iata"))
    queryset = incident_queries.visible_incidents(request.user).select_related("port", "author")
    if filters.is_bound:
        filters.is_valid()
        queryset = filters.apply(queryset)
    queryset = queryset.order_by("-occurred_at", "-created_at", "-pk")
    page = Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    may_file = list(ports_for(request.user, OPERATE).order_by("iata"))
    return render(
        request,
        LIST,
        {"filters": filters, "page": page, "query": query.urlencode(), "may_file": may_file},
    )


# --- Filing ----------------------------------------------------------------------------------


# --- The report ------------------------------------------------------------------------------


@login_required
def incident_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = incident_queries.incident_for(request.user, pk)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    medical = report.is_medical and report.shows_medical_details  # type: ignore[attr-defined]
    if medical:
        log_personal_data_access(request.user, report, port=report.port, purpose="medical details")
    elif report.individuals.exists():
        log_personal_data_access(request.user, report, port=report.port, purpose="incident report")
    may_decide = report.awaits_decision and incident_queries.may_decide(request.user, report)
    context = {
        "report": report,
        "port": report.port,
        "current_port": report.port,
        "people": list(report.individuals.select_related("case")),
        "attachments": list(report.attachments.all()) if _details_shown(report) else [],
        "history": incident_history.history_rows(report),
        "details_hidden": not _details_shown(report),
        "staff_concerned": list(report.staff_concerned.all()),
        "is_author": report.author_id == request.user.pk,
        "may_decide": may_decide,
        "return_form": ReturnForm(),
    }
    if may_decide:
        incidents.note_opened(request.user, report)
    return render(request, DETAIL, context)


@require_POST
@login_required
def submit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = incident_queries.incident_for(request.user, pk)
    try:
        incidents.submit_incident(request.user, report)
    except ValidationError as error:
        messages.error(request, "Not submitted: " + " ".join(errors_text(error)))
        return redirect("reports:incident_edit", pk=report.pk)
    except Conflict as conflict:
        messages.info(request, str(conflict))
        return redirect("reports:incident", pk=report.pk)
    messages.success(request, f"Incident report {report} was sent to the officers.")
    return redirect("reports:incident", pk=report.pk)


@require_POST
@login_required
def add_attachment(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = incident_queries.incident_for(request.user, pk)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a photo or scan to add.")
    else:
        try:
            attachments.add_attachment(request.user, report, upload)
        except ValidationError as error:
            messages.error(request, " ".join(errors_text(error)))
        else:
            messages.success(request, f"“{upload.name}” was added.")
    return redirect(f"{reverse('reports:incident_edit', args=[report.pk])}#incident-attachments")


@login_required
def attachment(request: HtmxHttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    report = incident_queries.incident_for(request.user, pk)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET"])
    found = report.attachments.filter(pk=attachment_pk).first()
    if found is None or not _details_shown(report):
        raise Http404("No such attachment.")
    purpose = "medical details (attachment)" if report.is_medical else "incident attachment"
    log_personal_data_access(request.user, report, port=report.port, purpose=purpose)
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=not found.is_image,
        filename=found.original_name,
        content_type=found.content_type,
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
@login_required
def request_pdf(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = incident_queries.incident_for(request.user, pk)
    return answer(request, request_incident_pdf(request.user, report))
