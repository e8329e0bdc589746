"""The operational day: a port's today view, a flight's people with their arrival steps, the
step taps themselves, and the HQ board. Views parse, call a service, render."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from arrivals import checkin, escorts, portday, undo
from arrivals.models import Flight, StepEvent
from cases.models import Case, Individual
from poe_ops.models import Port
from poe_ops.roles import COORDINATE, OPERATE, SUPERVISE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm
from poe_ops.services.audit import log_personal_data_access

FLIGHT_PAGE = "arrivals/flight.html"


def requested_date(request: HttpRequest, default: dt.date) -> tuple[dt.date, str]:
    """The ``?date=YYYY-MM-DD`` asked for, or ``default``; with an error message when malformed."""
    raw = request.GET.get("date", "").strip()
    if not raw:
        return default, ""
    try:
        return dt.date.fromisoformat(raw), ""
    except ValueError:
        return default, f"“{raw}” is not a date in the form YYYY-MM-DD; showing today instead."


@login_required
def port_today(request: HttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    day, date_error = requested_date(request, port.local_today())
    return render(
        request,
        "arrivals/port_today.html",
        {
            "port": port,
            "day": day,
            "date_error": date_error,
            "is_today": day == port.local_today(),
            "local_now": port.local_now(),
            "flights": portday.flights_of_day(port, day),
            "may_operate": has_port_perm(request.user, port, OPERATE),
            "may_coordinate": has_port_perm(request.user, port, COORDINATE),
            "may_supervise": has_port_perm(request.user, port, SUPERVISE),
        },
    )


def _flight_or_404(request: HttpRequest, port: Port, flight_id: object) -> Flight:
    return get_scoped_or_404(
        Flight.objects.select_related("port").filter(port=port),
        request.user,
        pk=flight_id if str(flight_id).isdigit() else 0,
    )


@login_required
def flight(request: HttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    the_flight = _flight_or_404(request, port, pk)
    log_personal_data_access(request.user, the_flight, port=port, purpose="flight arrivals list")
    return render(
        request,
        FLIGHT_PAGE,
        {
            "port": port,
            "flight": the_flight,
            "blocks": portday.flight_blocks(request.user, the_flight),
            "may_operate": has_port_perm(request.user, port, OPERATE),
            "may_coordinate": has_port_perm(request.user, port, COORDINATE),
            "day": the_flight.latest_arrival,
        },
    )


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))  # set by django_htmx's middleware


def _device(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


def _back_to_flight(request: HttpRequest, port: Port, anchor: str) -> HttpResponse:
    """Where a form posted without JavaScript lands: the flight page at the row it changed."""
    flight_id = request.POST.get("flight", "")
    if not flight_id.isdigit():
        return redirect("arrivals:port_today", iata=port.iata)
    url = reverse("arrivals:flight", kwargs={"iata": port.iata, "pk": int(flight_id)})
    return redirect(f"{url}#{anchor}")


def _person_row(
    request: HttpRequest,
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
    request: HttpRequest,
    port: Port,
    individual_id: int,
    message: str,
    refused: bool,
    result: checkin.StepResult | None = None,
) -> HttpResponse:
    if _is_htmx(request):
        return _person_row(request, port, individual_id, message, refused, result)
    (messages.error if refused else messages.success)(request, message)
    return _back_to_flight(request, port, f"person-{individual_id}")


@require_POST
@login_required
def individual_step(request: HttpRequest, iata: str, pk: int) -> HttpResponse:
    try:
        # The service finds the person among this port's arrivals (404 otherwise, 403 for a port
        # the user may only view) and locks their case with its port: the tap's hot path reads
        # the port once.
        result = checkin.move_individual(
            request.user,
            pk,
            request.POST.get("step", ""),
            idempotency_key=request.POST.get("key", ""),
            device=_device(request),
            iata=iata,
        )
    except checkin.StepInputError as error:
        port = get_port_or_404(request.user, iata, OPERATE)
        get_scoped_or_404(
            Individual.objects.filter(case__port=port), request.user, pk=pk, via="case__port"
        )
        return _step_response(request, port, pk, str(error), refused=True)
    port = result.individual.case.port
    return _step_response(request, port, pk, result.message, not result.accepted, result)


@require_POST
@login_required
def undo_step(request: HttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    event = get_scoped_or_404(StepEvent.objects.filter(port=port), request.user, OPERATE, pk=pk)
    try:
        result = undo.undo_step(
            request.user,
            event.pk,
            idempotency_key=request.POST.get("key", ""),
            device=_device(request),
        )
    except checkin.StepInputError as error:
        return _step_response(request, port, event.individual_id, str(error), refused=True)
    return _step_response(
        request, port, event.individual_id, result.message, not result.accepted, result
    )


@require_POST
@login_required
def case_step(request: HttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, OPERATE)
    case = get_scoped_or_404(Case.objects.filter(port=port), request.user, OPERATE, pk=pk)
    the_flight = _flight_or_404(request, port, request.POST.get("flight"))
    on_flight = portday.flight_blocks(request.user, the_flight, case_id=case.pk)
    only = on_flight[0].individual_ids if on_flight else []
    try:
        result = checkin.move_case(
            request.user,
            case.pk,
            request.POST.get("step", ""),
            idempotency_key=request.POST.get("key", ""),
            device=_device(request),
            only=only,
        )
        message, refused = result.message, not result.moved
    except checkin.StepInputError as error:
        message, refused = str(error), True
    if not _is_htmx(request):
        (messages.error if refused else messages.success)(request, message)
        return _back_to_flight(request, port, f"case-{case.pk}")
    block = portday.flight_blocks(request.user, the_flight, case_id=case.pk)[0]
    block.message, block.is_refusal = message, refused
    return render(
        request,
        f"{FLIGHT_PAGE}#case_block",
        {"block": block, "port": port, "flight": the_flight, "may_operate": True},
    )
