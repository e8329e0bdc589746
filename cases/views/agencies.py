"""The resettlement agencies and their local offices: everyone signed in reads the list (the
duty and after-hours phones are what the night shift needs); Operations HQ keeps it and sees
what the POE sent each office. Thin: permission, form, one service call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from cases.forms.agencies import AgencyForm, AgencyOfficeForm
from cases.models import AgencyOffice, ResettlementAgency
from cases.queries.agencies import agencies_with_offices, messages_to_agencies
from cases.services import agencies as keeping
from poe_ops.http import HtmxHttpRequest

FORM = "cases/booking_form.html"


@login_required
def agencies(request: HtmxHttpRequest) -> HttpResponse:
    return render(
        request,
        "cases/agencies.html",
        {
            "agencies": agencies_with_offices(),
            "may_keep": keeping.may_keep_agencies(request.user),
        },
    )


@login_required
def agency_messages(request: HtmxHttpRequest) -> HttpResponse:
    """What the POE told agency offices, as far as the user may read it (HQ, officers)."""
    return render(
        request,
        "cases/agency_messages.html",
        {"notices": messages_to_agencies(request.user), "office": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def agency_form(request: HtmxHttpRequest, pk: int | None = None) -> HttpResponse:
    keeping.require_agency_keeper(request.user)
    agency = get_object_or_404(ResettlementAgency, pk=pk) if pk is not None else None
    form = AgencyForm(request.POST or None, instance=agency)
    if request.method == "POST" and form.is_valid():
        saved = keeping.save_agency(request.user, form.save(commit=False))
        state = "" if saved.active else " It is inactive: no list offers it now."
        messages.success(request, f"{saved.code} saved.{state}")
        return redirect(f"{reverse('cases:agencies')}#agency-{saved.pk}")
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": f"Agency {agency.code}" if agency else "New agency",
            "back": reverse("cases:agencies"),
            "submit_label": "Save",
            "intro": "Marking an agency inactive removes it, and its offices, from every list; "
            "the cases that name it still show it.",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def office_form(request: HtmxHttpRequest, pk: int | None = None) -> HttpResponse:
    keeping.require_agency_keeper(request.user)
    office = get_object_or_404(AgencyOffice, pk=pk) if pk is not None else None
    initial = {}
    if office is None and str(request.GET.get("agency", "")).isdigit():
        initial["agency"] = int(request.GET["agency"])
    form = AgencyOfficeForm(request.POST or None, instance=office, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = keeping.save_office(
            request.user, form.save(commit=False), ports=form.cleaned_data["ports"]
        )
        messages.success(request, f"{saved.name} saved.")
        return redirect("cases:agency_office", pk=saved.pk)
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": office.name if office else "New local office",
            "back": reverse("cases:agency_office", args=[office.pk])
            if office
            else reverse("cases:agencies"),
            "submit_label": "Save",
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def office(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(
        AgencyOffice.objects.select_related("agency").prefetch_related("ports"), pk=pk
    )
    return render(
        request,
        "cases/agency_office.html",
        {
            "office": found,
            "may_keep": keeping.may_keep_agencies(request.user),
            "notices": messages_to_agencies(request.user, found),
        },
    )
