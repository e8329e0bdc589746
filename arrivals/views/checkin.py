"""The taps: a person's step, a whole case's step, an undo. Each answers htmx with the person's row
(or the case's block) and a form posted without JavaScript with the flight page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from arrivals.models import StepEvent
from arrivals.queries import portday
from arrivals.queries.portday import flight_at
from arrivals.services import checkin, undo
from arrivals.views.today import FLIGHT_PAGE
from cases.models import Case, Individual
from cases.queries import escorts
from poe_ops.http import HtmxHttpRequest, device_of
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404


def _back_to_flight(request: HtmxHttpRequest, port: Port, anchor: str) -> HttpResponse:
    """Where a form posted without JavaScript lands: the flight page at the row it changed."""
    flight_id = request.POST.get("flight", "")
    if not flight_id.isdigit():
        return redirect("arrivals:port_today", iata=port.iata)
    url = reverse("arrivals:flight", kwargs={"iata": port.iata, "pk": int(flight_id)})
    return redirect(f"{url}#{anchor}")


def _person_row(
    request: HtmxHttpRequest,
    port: Port,
    individual_id: int,
    message: str,
    refused: bool,
    result: checkin.StepResult | None = None,
) -> HttpResponse:
    if result is not None and result.accepted and not result.repeated:
        # The tap just made the person's latest step: the row needs nothing more from the DB.
        person = result.individual
        person.latest_event_id = result.event.pk  # type: ignore[attr-defined]
        rows = portday.person_rows(request.user, port, [person], {result.event.pk: result.event})
    else:
        people = list(
            portday.with_latest_event(Individual.objects.filter(pk=individual_id)).select_related(
                "case"
            )
        )
        rows = portday.person_rows(request.user, port, people)
    row = rows[0]
    row.message, row.is_refusal = message, refused
    missing = escorts.without_escort([vars(row.individual)])  # adults cost no query
    row.individual.escort_missing = row.individual.pk in missing  # type: ignore[attr-defined]
    flight_id = request.POST.get("flight", "")
    block = None
    if flight_id.isdigit() and len(flight_id) < 19:  # a bigint
        # The case's "All N → …" buttons depend on everyone's step: refresh them out of band.
        case_steps = result.case_steps if result is not None else None
        block = portday.case_moves_on_flight(port, int(flight_id), row.individual.case, case_steps)
    context = {
        "row": row,
        "port": port,
        # The partials need only the flight's id (for their forms), and only if the case is on it.
        "flight": {"pk": flight_id} if block is not None else None,
        "may_operate": True,
        "block": block,
        "oob": True,
    }
    return render(request, "arrivals/_tap_reply.html", context)


def _step_response(
    request: HtmxHttpRequest,
    port: Port,
    individual_id: int,
    message: str,
    refused: bool,
    result: checkin.StepResult | None = None,
) -> HttpResponse:
    if request.htmx:
        return _person_row(request, port, individual_id, message, refused, result)
    (messages.error if refused else messages.success)(request, message)
    return _back_to_flight(request, port, f"person-{individual_id}")


@require_POST
@login_required
def individual_step(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    try:
        # The service finds the person among this port's arrivals (404 otherwise, 403 for a port
        # the user may only view) and locks their case with its port: the tap's hot path reads
        # the port once.
        result = checkin.move_individual(
            request.user,
            pk,
            request.POST.get("step", ""),
            idempotency_key=request.POST.get("key", ""),
            device=device_of(request),
            iata=iata,
        )
    except Refusal as error:
        port = get_port_or_404(request.user, iata, OPERATE)
        get_scoped_or_404(
            Individual.objects.filter(case__port=port), request.user, pk=pk, via="case__port"
        )
        return _step_response(request, port, pk, str(error), refused=True)
    port = result.individual.case.port
    return _step_response(request, port, pk, result.message, not result.accepted, result)


@require_POST
@login_required
def undo_step(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    event = get_scoped_or_404(StepEvent.objects.filter(port=port), request.user, OPERATE, pk=pk)
    try:
        result = undo.undo_step(
            request.user,
            event.pk,
            idempotency_key=request.POST.get("key", ""),
            device=device_of(request),
        )
    except Refusal as error:
        return _step_response(request, port, event.individual_id, str(error), refused=True)
    return _step_response(
        request, port, event.individual_id, result.message, not result.accepted, result
    )


@require_POST
@login_required
def case_step(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    case = get_scoped_or_404(Case.objects.filter(port=port), request.user, OPERATE, pk=pk)
    the_flight = flight_at(request.user, port, request.POST.get("flight"))
    on_flight = portday.flight_blocks(request.user, the_flight, case_id=case.pk)
    only = on_flight[0].individual_ids if on_flight else []
    try:
        result = checkin.move_case(
            request.user,
            case.pk,
            request.POST.get("step", ""),
            idempotency_key=request.POST.get("key", ""),
            device=device_of(request),
            only=only,
        )
        message, refused = result.message, not result.moved
    except Refusal as error:
        message, refused = str(error), True
    if not request.htmx:
        (messages.error if refused else messages.success)(request, message)
        return _back_to_flight(request, port, f"case-{case.pk}")
    block = portday.flight_blocks(request.user, the_flight, case_id=case.pk)[0]
    block.message, block.is_refusal = message, refused
    return render(
        request,
        f"{FLIGHT_PAGE}#case_block",
        {"block": block, "port": port, "flight": the_flight, "may_operate": True},
    )
