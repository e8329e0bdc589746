"""Rebooking a missed connection (one case), and everyone booked on one flight at once. Thin:
scope, form, one service call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from arrivals.forms.rebooking import GroupRebookForm, RebookForm
from arrivals.models import Flight, Segment
from arrivals.services import group_rebooking, rebooking
from cases.queries.cases import case_for
from poe_ops.http import HtmxHttpRequest, device_of
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404


@login_required
@require_http_methods(["GET", "POST"])
def rebook(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
    case = case_for(request.user, case_number, OPERATE)
    segments = list(
        Segment.objects.filter(case=case, replaced_by__isnull=True)
        .select_related("flight")
        .prefetch_related("individuals")
        .order_by("flight__scheduled_departure", "flight__scheduled_date")
    )
    if request.method == "POST":
        done = rebooking.already_done(case, request.POST.get("key", ""))
        if done is not None:  # a double submit: the first one counts, and its form is stale
            messages.info(request, rebooking.RebookingResult(done, repeated=True).message)
            return redirect("arrivals:case", case_number=case.case_number)
    person = None
    if request.GET.get("person", "").isdigit():
        person = case.individuals.filter(pk=request.GET["person"]).first()
    form = RebookForm(request.POST or None, case=case, segments=segments, person=person)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        segment = form.segments[form.cleaned_data["segment"]]
        people = form.people() or rebooking.travellers(segment)
        try:
            result = rebooking.rebook(
                request.user,
                case,
                segment_id=segment.pk,
                new_flight=form.new_flight(),
                individuals=form.people(),
                reason=form.cleaned_data["reason"],
                hotel=form.hotel_kwargs(people),
                transport=form.transport_kwargs(),
                idempotency_key=form.cleaned_data["key"],
                device=device_of(request),
            )
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, result.message)
            return redirect("arrivals:case", case_number=case.case_number)
    return render(
        request,
        "arrivals/rebook.html",
        {
            "case": case,
            "port": case.port,
            "current_port": case.port,
            "form": form,
            "refusal": refusal,
            "has_segments": bool(segments),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def rebook_group(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    """Everyone booked onward on one flight (a cancelled one, typically) to a new flight, with a
    hotel and a ride per case when they stay the night."""
    port = get_port_or_404(request.user, iata, OPERATE)
    flight = get_scoped_or_404(
        Flight.objects.select_related("port").filter(port=port), request.user, OPERATE, pk=pk
    )
    form = GroupRebookForm(request.POST or None, flight=flight)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            result = group_rebooking.rebook_group(
                request.user,
                flight,
                new_flight=form.new_flight(),
                idempotency_key=form.cleaned_data["key"],
                reason=form.cleaned_data["reason"],
                hotel=form.group_hotel(),
                ride=form.group_ride(),
                device=device_of(request),
            )
        except Refusal as error:
            refusal = str(error)
        else:
            (messages.info if result.repeated else messages.success)(request, result.message)
            return redirect("arrivals:flight", iata=port.iata, pk=flight.pk)
    group = group_rebooking.group_on(flight)
    return render(
        request,
        "arrivals/rebook_group.html",
        {
            "port": port,
            "current_port": port,
            "flight": flight,
            "form": form,
            "refusal": refusal,
            "group": [(s, rebooking.travellers(s)) for s in group],
        },
        status=400 if request.method == "POST" else 200,
    )
