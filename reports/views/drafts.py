"""Filing an incident report on the tablet: the new report, its autosave from the first keystroke,
and editing a draft or a returned report."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import (
    HttpResponse,
    HttpResponseNotAllowed,
    QueryDict,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_htmx.http import replace_url

from arrivals.models import Flight
from cases.models import Individual
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Port
from poe_ops.refusals import Conflict
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, has_port_perm
from reports.forms import INCIDENT_LABELS, AttachmentForm, IncidentForm, errors_text
from reports.models import IncidentReport
from reports.queries import incident_history
from reports.queries import incidents as incident_queries
from reports.services import incidents

FORM = "reports/incidents/form.html"


def _people_choices(port: Port, form: IncidentForm, chosen: list[int]) -> list[Individual]:
    """Whom the form offers to tick: the people of the linked case and flight, and anyone
    already chosen (all at this port)."""
    flight_id = form["flight"].value()
    case_number = (form["case_number"].value() or "").strip()
    people = Individual.objects.filter(case__port=port)
    wanted = people.filter(pk__in=chosen)
    if case_number:
        wanted = wanted | people.filter(case__case_number__iexact=case_number)
    if flight_id and str(flight_id).isdigit():
        wanted = wanted | people.filter(case__segments__flight_id=int(flight_id))
    return list(wanted.distinct().select_related("case").order_by("case__case_number", "pk")[:80])


def _flight_choices(port: Port, selected: Any) -> list[Flight]:
    today = port.local_today()
    window = Flight.objects.filter(
        port=port,
        scheduled_date__gte=today - dt.timedelta(days=2),
        scheduled_date__lte=today + dt.timedelta(days=1),
    )
    if selected and str(selected).isdigit():
        window = window | Flight.objects.filter(port=port, pk=int(selected))
    return list(window.distinct().order_by("-scheduled_date", "carrier", "number")[:60])


def _form_context(
    request: HtmxHttpRequest,
    port: Port,
    form: IncidentForm,
    report: IncidentReport | None,
    draft_key: uuid.UUID,
) -> dict[str, Any]:
    chosen_raw = form["individuals"].value() or []
    chosen = [int(v) for v in chosen_raw if str(v).isdigit()]
    people = _people_choices(port, form, chosen)
    form.offer_people(people)
    form.offer_flights(_flight_choices(port, form["flight"].value()))
    return {
        "port": port,
        "current_port": port,
        "form": form,
        "report": report,
        "draft_key": draft_key,
        "people": people,
        "attachment_form": AttachmentForm(),
        "autosave_url": reverse("reports:incident_autosave", args=[port.iata]),
        "form_action": reverse("reports:incident_edit", args=[report.pk])
        if report
        else reverse("reports:incident_new", args=[port.iata]),
        "history": incident_history.history_rows(report) if report else [],
    }


def _prefill(port: Port, query: QueryDict) -> tuple[dict[str, Any], list[str]]:
    """Links from a flight, a case or a person: ``?flight=<id>&case=<number>&person=<id>``.
    Only what belongs to this port is taken; the rest is named and left out."""
    raw = QueryDict(mutable=True)
    for field, param in (("flight", "flight"), ("case_number", "case")):
        value = query.get(param)
        if isinstance(value, str) and value:
            raw[field] = value
    raw.setlist("individuals", query.getlist("person"))
    form = IncidentForm(raw, port=port)
    form.is_valid()
    dropped = [
        f"{INCIDENT_LABELS.get(name, name)}: {' '.join(str(m) for m in e)}"
        for name, e in form.errors.items()
    ]
    initial: dict[str, Any] = {
        "occurred_at": port.local_now().strftime("%Y-%m-%dT%H:%M"),
        "individuals": [],
    }
    data = form.cleaned_data
    if data.get("flight"):
        initial["flight"] = data["flight"].pk
    if data.get("case_number"):
        initial["case_number"] = data["case_number"].case_number
    if data.get("individuals"):
        people = list(data["individuals"])
        initial["individuals"] = [p.pk for p in people]
        if "case_number" not in initial and len({p.case_id for p in people}) == 1:
            initial["case_number"] = people[0].case.case_number
    return initial, dropped


def _draft_key(raw: str | None) -> uuid.UUID:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return uuid.uuid4()


def _save_and_maybe_submit(
    request: HtmxHttpRequest, port: Port, report: IncidentReport | None
) -> HttpResponse:
    """The form posted without htmx: save the draft, then submit it if that was the button."""
    form = IncidentForm(request.POST, port=port, author=request.user)
    form.is_valid()
    key = report.draft_key if report else _draft_key(request.POST.get("draft_key"))
    try:
        report = incidents.create_draft(request.user, port, form.draft_data(), draft_key=key)
    except Conflict as conflict:
        messages.error(request, str(conflict))
        found = IncidentReport.objects.filter(draft_key=key).first()
        return redirect("reports:incident", pk=found.pk) if found else redirect("home")
    if form.errors:
        messages.warning(request, "Saved, except what is marked below. Nothing was submitted.")
        context = _form_context(request, port, form, report, report.draft_key)
        return render(request, FORM, context, status=400)
    if request.POST.get("action") != "submit":
        messages.success(request, "Draft saved.")
        return redirect("reports:incident_edit", pk=report.pk)
    try:
        incidents.submit_incident(request.user, report)
    except ValidationError as error:
        form = IncidentForm(request.POST, port=port, author=request.user)
        form.is_valid()
        for field, problems in error.message_dict.items():
            name = "case_number" if field == "case" else field
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
        messages.error(request, "Not submitted yet: fill in what is marked below.")
        context = _form_context(request, port, form, report, report.draft_key)
        return render(request, FORM, context, status=400)
    except Conflict as conflict:
        messages.info(request, str(conflict))
        return redirect("reports:incident", pk=report.pk)
    messages.success(request, f"Incident report {report} was sent to the {port.iata} officers.")
    return redirect("reports:incident", pk=report.pk)


@login_required
def new_incident(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    if request.method == "POST":
        return _save_and_maybe_submit(request, port, None)
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "POST"])
    initial, dropped = _prefill(port, request.GET)
    for problem in dropped:
        messages.warning(request, f"Left out of the report: {problem}")
    form = IncidentForm(initial=initial, port=port, author=request.user)
    return render(request, FORM, _form_context(request, port, form, None, uuid.uuid4()))


@login_required
def edit_incident(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    report = incident_queries.incident_for(request.user, pk)
    if report.author_id != request.user.pk or not report.is_editable:
        messages.info(request, "This report cannot be changed now.")
        return redirect("reports:incident", pk=report.pk)
    port = report.port
    if not has_port_perm(request.user, port, OPERATE):
        return redirect("reports:incident", pk=report.pk)
    if request.method == "POST":
        return _save_and_maybe_submit(request, port, report)
    form = IncidentForm(initial=IncidentForm.initial_for(report), port=port, author=request.user)
    return render(request, FORM, _form_context(request, port, form, report, report.draft_key))


@require_POST
@login_required
def autosave(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    """The form saves itself as the associate types (htmx, a second after the last key):
    the first save makes the draft, later ones (same ``draft_key``) update it."""
    port = get_port_or_404(request.user, iata, OPERATE)
    key = _draft_key(request.POST.get("draft_key"))
    existed = IncidentReport.objects.filter(draft_key=key, author_id=request.user.pk).exists()
    form = IncidentForm(request.POST, port=port, author=request.user)
    form.is_valid()
    context: dict[str, Any] = {"port": port, "form": form}
    try:
        report = incidents.create_draft(request.user, port, form.draft_data(), draft_key=key)
    except Conflict as conflict:
        context["refusal"] = str(conflict)
        return render(request, f"{FORM}#autosave_status", context)
    except ValidationError as error:
        context["refusal"] = " ".join(errors_text(error))
        return render(request, f"{FORM}#autosave_status", context)
    chosen = [p.pk for p in form.cleaned_data.get("individuals") or []]
    people = _people_choices(port, form, chosen)
    form.offer_people(people)
    offered = sorted(int(v) for v in request.POST.getlist("offered") if v.isdigit())
    context.update(
        report=report,
        saved_at=report.updated_at,
        problems=[(INCIDENT_LABELS.get(n, n), e) for n, e in form.errors.items()],
        created=not existed,
        attachment_form=AttachmentForm(),
        people=people,
        people_changed=sorted(p.pk for p in people) != offered,
    )
    response = render(request, f"{FORM}#autosave_reply", context)
    if not existed:
        # A reload (or a dropped connection and a retry) now opens the saved draft.
        replace_url(response, reverse("reports:incident_edit", args=[report.pk]))
    return response
