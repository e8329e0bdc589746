"""The taps: a person's step, a whole case's step, an undo — from the flight page, the case page
or a search result (the tap's ``view``); the small forms of the steps that carry details (bags,
the hospital) are in ``step_details``, answered the same way. Each answers a script (htmx, or
the tablet's tap queue in static/js/taps.js) with what it redraws there — the person (with the
case's all-at-once buttons out of band) or the case — and a form posted without JavaScript with
the page it came from.
``X-POE-Tap`` says whether the tap was recorded, so a queued tap replayed later can say in words
what was refused."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.backends.utils import csrf_input
from django.urls import reverse

from arrivals.models import Flight, StepEvent
from arrivals.queries import flight_rows, rows_html, step_rows
from arrivals.queries.onward import Leg, case_on_flight
from arrivals.queries.portday import flight_at
from arrivals.queries.search import result_for_case
from arrivals.services import checkin, undo
from arrivals.views.today import FLIGHT_PAGE
from cases.models import Case, Individual
from cases.queries import escorts
from poe_ops.http import HtmxHttpRequest, device_of, post_only
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, may_read_medical_details
from poe_ops.services.audit import log_personal_data_access
from poe_ops.templatetags.poe import links_html

TAP_HEADER = "X-POE-Tap"
# What answers a whole-case tap in each place: the flight's case block, the case page's people,
# the search result.
CASE_TEMPLATES = {
    "flight": f"{FLIGHT_PAGE}#case_block",
    "case": "arrivals/case_detail.html#people",
    "search": "arrivals/search.html#result",
}


def _tapped(response: HttpResponse, message: str, refused: bool) -> HttpResponse:
    """Say what became of the tap, for the queue (ASCII JSON: a header carries no other)."""
    response[TAP_HEADER] = json.dumps(
        {"outcome": "refused" if refused else "recorded", "message": message}
    )
    return response


def _shows_medical_notes(
    request: HtmxHttpRequest, port: Port, case: Case, people: list[Individual]
) -> bool:
    """Whether the case page's rows, drawn again after a tap, show the people's medical notes:
    as the case page itself decides (the port's officers, the medical focal point, HQ), and
    audited as a read of them. No query when nobody on the rows has medical notes."""
    if not any(person.medical_notes for person in people):
        return False
    if not may_read_medical_details(request.user, port):
        return False
    log_personal_data_access(request.user, case, port=port, purpose="medical details")
    return True


def _back(request: HtmxHttpRequest, port: Port, case: Case | None, anchor: str) -> HttpResponse:
    """Where a form posted without JavaScript lands: the page it came from, at what changed."""
    view = step_rows.view_of(request.POST.get("view"))
    if view == "case" and case is not None:
        return redirect(f"{reverse('arrivals:case', args=[case.case_number])}#{anchor}")
    if view == "search":
        return redirect(f"{reverse('arrivals:search', args=[port.iata])}")
    flight_id = request.POST.get("flight", "")
    if not flight_id.isdigit():
        return redirect("arrivals:port_today", iata=port.iata)
    url = reverse("arrivals:flight", kwargs={"iata": port.iata, "pk": int(flight_id)})
    return redirect(f"{url}#{anchor}")


def _row_on_flight(
    request: HtmxHttpRequest,
    port: Port,
    individual_id: int,
    result: checkin.StepResult | None,
    flight_id: int,
) -> tuple[flight_rows.PersonRow, flight_rows.CaseBlock | None]:
    """A person's row after a tap on a flight page, with the onward legs and whom the flight
    carries read in one query, and the case's all-at-once buttons for that flight."""
    if result is not None and result.accepted and result.event_is_latest:
        # The tap made (or, sent again, had made) the person's latest step: the row needs
        # nothing more from the DB.
        person = result.individual
        person.latest_event_id = result.event.pk  # type: ignore[attr-defined]
        events: dict[int, StepEvent] | None = {result.event.pk: result.event}
        people = [person]
    else:
        people = list(
            flight_rows.with_latest_event(
                Individual.objects.filter(pk=individual_id)
            ).select_related("case")
        )
        events = None
    if result is not None and result.on_flight is not None:
        named, case_legs = result.on_flight  # read with the tap's lock
    else:
        named, case_legs = case_on_flight(people[0].case_id, flight_id)
    legs: dict[int, list[Leg]] = {people[0].case_id: case_legs}
    row = flight_rows.person_rows(request.user, port, people, events, legs=legs)[0]
    missing = escorts.without_escort([vars(row.individual)])  # adults cost no query
    row.individual.escort_missing = row.individual.pk in missing  # type: ignore[attr-defined]
    case_steps = result.case_steps if result is not None else None
    case = row.individual.case
    block = flight_rows.case_moves_on_flight(port, flight_id, case, case_steps, named, case_legs)
    return row, block


def _flight_reply(
    request: HtmxHttpRequest,
    port: Port,
    row: flight_rows.PersonRow,
    block: flight_rows.CaseBlock | None,
    flight_id: int,
) -> str:
    """A tap's answer on a flight's page: the person's row as the page draws it
    (``{% flight_person_row %}``) and, out of band, the case's all-at-once buttons. Written
    straight from ``rows_html`` (no template: the tap is the port's busiest request, and the
    page's own partial is two tags around these calls). The forms need the flight's id only
    if the case is on it."""
    flight = rows_html.flight_pk({"pk": flight_id} if block is not None else None)
    token = csrf_input(request)
    links = links_html(
        "person", request.user, port=port, flight=flight and {"pk": flight}, person=row.individual
    )
    html = rows_html.flight_person_row(row, port, flight, token, may_operate=True, links=links)
    if block is not None:
        html += rows_html.case_moves(
            block, port.iata, "flight", flight, token, may_operate=True, oob=True
        )
    return html


def _answered_on_flight(request: HtmxHttpRequest) -> int | None:
    """The flight whose page a tap's answer redraws (its row there shows the case's journey),
    or None: a form posted without JavaScript, or from the case page or search."""
    flight_id = request.POST.get("flight", "")
    if not request.htmx or step_rows.view_of(request.POST.get("view")) != "flight":
        return None
    return int(flight_id) if flight_id.isdigit() and len(flight_id) < 19 else None  # a bigint


def person_answer(
    request: HtmxHttpRequest,
    port: Port,
    individual_id: int,
    message: str,
    refused: bool,
    result: checkin.StepResult | None = None,
) -> HttpResponse:
    if not request.htmx:
        (messages.error if refused else messages.success)(request, message)
        case = result.individual.case if result is not None else None
        return _back(request, port, case, f"person-{individual_id}")
    on_flight = _answered_on_flight(request)
    if on_flight is not None:
        row, block = _row_on_flight(request, port, individual_id, result, on_flight)
        row.message, row.is_refusal = message, refused
        html = _flight_reply(request, port, row, block, on_flight)
        return _tapped(HttpResponse(html), message, refused)
    view = step_rows.view_of(request.POST.get("view"))
    flight_id = request.POST.get("flight", "")
    row = step_rows.row_after_tap(request.user, port, individual_id, result)
    block = step_rows.case_moves_after_tap(port, view, flight_id, row.individual.case)
    row.message, row.is_refusal = message, refused
    context = {
        "row": row,
        "port": port,
        "view": view,
        # The partials need only the flight's id (for their forms), and only if the case is on it.
        "flight": {"pk": flight_id} if view == "flight" and block is not None else None,
        "may_operate": True,
        "block": block,
        "oob": True,
    }
    if view == "case":
        context["shows_medical_notes"] = _shows_medical_notes(
            request, port, row.individual.case, [row.individual]
        )
    response = render(request, "arrivals/_tap_reply.html", context)
    return _tapped(response, message, refused)


@post_only
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
            flight_id=_answered_on_flight(request),
        )
    except Refusal as error:
        port = get_port_or_404(request.user, iata, OPERATE)
        get_scoped_or_404(
            Individual.objects.filter(case__port=port), request.user, pk=pk, via="case__port"
        )
        return person_answer(request, port, pk, str(error), refused=True)
    port = result.individual.case.port
    return person_answer(request, port, pk, result.message, not result.accepted, result)


@post_only
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
        return person_answer(request, port, event.individual_id, str(error), refused=True)
    return person_answer(
        request, port, event.individual_id, result.message, not result.accepted, result
    )


@post_only
@login_required
def case_step(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    case = get_scoped_or_404(Case.objects.filter(port=port), request.user, OPERATE, pk=pk)
    view = step_rows.view_of(request.POST.get("view"))
    the_flight, only = None, None
    if view == "flight":
        # From a flight page: only the case's people on that flight.
        the_flight = flight_at(request.user, port, request.POST.get("flight"))
        on_flight = flight_rows.flight_blocks(request.user, the_flight, case_id=case.pk)
        only = on_flight[0].individual_ids if on_flight else []
    else:
        # From the case page or search: everyone still travelling (not those a newer ABN left
        # out, nobody of a cancelled case), as the "All N" button counted them.
        only = list(step_rows.travelling_ids_and_steps(case))
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
    return case_answer(request, port, case, the_flight, message, refused, view)


def case_answer(
    request: HtmxHttpRequest,
    port: Port,
    case: Case,
    the_flight: Flight | None,
    message: str,
    refused: bool,
    view: str,
) -> HttpResponse:
    if not request.htmx:
        (messages.error if refused else messages.success)(request, message)
        return _back(request, port, case, f"case-{case.pk}")
    context: dict[str, Any] = {
        "port": port,
        "flight": the_flight,
        "may_operate": True,
        "view": view,
    }
    if the_flight is not None:
        block = flight_rows.flight_blocks(request.user, the_flight, case_id=case.pk)[0]
    else:
        block = step_rows.whole_case_block(request.user, port, case)
    block.message, block.is_refusal = message, refused
    context["block"] = context["people_block"] = block
    context["rows"] = block.rows
    context["case"] = case
    if view == "case":
        context["shows_medical_notes"] = _shows_medical_notes(
            request, port, case, [row.individual for row in block.rows]
        )
    if view == "search":
        context["result"] = result_for_case(case)
    response = render(request, CASE_TEMPLATES[view], context)
    return _tapped(response, message, refused)
