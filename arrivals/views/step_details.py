"""The steps that carry details (bags, the hospital): a small form instead of a guess, for one
person or a whole family, then the tap itself, answered as a tap is (``checkin.person_answer``,
``checkin.case_answer``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import reswap, retarget

from arrivals.forms.steps import DETAIL_FORMS, StepDetailForm
from arrivals.queries import flight_rows, step_rows
from arrivals.queries.portday import flight_at
from arrivals.services import checkin
from arrivals.views.checkin import case_answer, person_answer
from cases.models import Case, Individual
from cases.steps import ArrivalStep
from poe_ops.http import HtmxHttpRequest, device_of
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404


def _detail_form(step: str, data: object = None) -> StepDetailForm:
    form_class = DETAIL_FORMS.get(step)
    if form_class is None:
        raise Http404("This step takes no details.")
    return form_class(data or None)


def _show_detail_form(
    request: HtmxHttpRequest, context: dict[str, object], slot: str, posted: bool
) -> HttpResponse:
    """The form alone (htmx: into its slot in the row or the case block, also when a submit
    was refused — answered 200, as a refused tap is, since the form in words is the answer), or
    a page of its own without JavaScript (400 when refused)."""
    if request.htmx:
        response = render(request, "arrivals/step_detail.html#detail_form", context)
        if posted:
            response = reswap(retarget(response, f"#{slot}"), "innerHTML")
        return response
    return render(request, "arrivals/step_detail.html", context, status=400 if posted else 200)


@login_required
@require_http_methods(["GET", "POST"])
def individual_step_detail(request: HtmxHttpRequest, iata: str, pk: int, step: str) -> HttpResponse:
    """The details of one person's step (bags, the hospital), then the tap itself."""
    port = get_port_or_404(request.user, iata, OPERATE)
    person = get_scoped_or_404(
        Individual.objects.select_related("case").filter(case__port=port),
        request.user,
        OPERATE,
        via="case__port",
        pk=pk,
    )
    if request.method == "GET" and request.GET.get("close"):
        return HttpResponse("")  # the form's Cancel, over htmx: empty the slot
    form = _detail_form(step, request.POST)
    if request.method == "POST" and form.is_valid():
        try:
            result = checkin.move_individual(
                request.user,
                person.pk,
                step,
                idempotency_key=form.cleaned_data["key"],
                device=device_of(request),
                port=port,
                detail=form.detail(),
            )
        except Refusal as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            return person_answer(
                request, port, person.pk, result.message, not result.accepted, result
            )
    flight_id = request.POST.get("flight") or request.GET.get("flight", "")
    context = {
        "port": port,
        "current_port": port,
        "form": form,
        "step": step,
        "title": f"{ArrivalStep(step).label}: {person}",
        "who": str(person),
        "action": reverse("arrivals:individual_step_detail", args=[port.iata, person.pk, step]),
        "target": f"#person-{person.pk}",
        "slot": f"step-form-{person.pk}",
        "flight_id": flight_id if flight_id.isdigit() else "",
        "view": step_rows.view_of(request.POST.get("view") or request.GET.get("view")),
        "back": _flight_url(port, flight_id, f"person-{person.pk}"),
    }
    return _show_detail_form(request, context, str(context["slot"]), request.method == "POST")


@login_required
@require_http_methods(["GET", "POST"])
def case_step_detail(request: HtmxHttpRequest, iata: str, pk: int, step: str) -> HttpResponse:
    """The details of a whole family's step (their bags: one count for the family), then the
    tap for everyone on the flight."""
    port = get_port_or_404(request.user, iata, OPERATE)
    case = get_scoped_or_404(Case.objects.filter(port=port), request.user, OPERATE, pk=pk)
    flight_id = request.POST.get("flight") or request.GET.get("flight")
    # From a flight's page: those on that flight; from anywhere else, the whole case.
    the_flight = flight_at(request.user, port, flight_id) if flight_id else None
    if request.method == "GET" and request.GET.get("close"):
        return HttpResponse("")
    form = _detail_form(step, request.POST)
    if request.method == "POST" and form.is_valid():
        on_flight: list[flight_rows.CaseBlock] = []
        if the_flight:
            on_flight = flight_rows.flight_blocks(request.user, the_flight, case_id=case.pk)
        try:
            result = checkin.move_case(
                request.user,
                case.pk,
                step,
                idempotency_key=form.cleaned_data["key"],
                device=device_of(request),
                only=on_flight[0].individual_ids
                if on_flight
                else list(step_rows.travelling_ids_and_steps(case)),
                detail=form.detail(),
            )
        except Refusal as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            view = step_rows.view_of(
                request.POST.get("view") or ("flight" if the_flight else "case")
            )
            return case_answer(
                request, port, case, the_flight, result.message, not result.moved, view
            )
    context = {
        "port": port,
        "current_port": port,
        "form": form,
        "step": step,
        "title": f"{ArrivalStep(step).label}: case {case.case_number}",
        "who": f"everyone in case {case.case_number}"
        + (f" on {the_flight.code}" if the_flight else ""),
        "action": reverse("arrivals:case_step_detail", args=[port.iata, case.pk, step]),
        "target": f"#case-{case.pk}",
        "slot": f"case-form-{case.pk}",
        "flight_id": str(the_flight.pk) if the_flight else "",
        "view": step_rows.view_of(
            request.POST.get("view")
            or request.GET.get("view")
            or ("flight" if the_flight else "case")
        ),
        "back": _flight_url(port, str(the_flight.pk), f"case-{case.pk}")
        if the_flight
        else reverse("arrivals:case", args=[case.case_number]),
    }
    return _show_detail_form(request, context, str(context["slot"]), request.method == "POST")


def _flight_url(port: Port, flight_id: str, anchor: str) -> str:
    if not flight_id.isdigit() or len(flight_id) > 18:
        return reverse("arrivals:port_today", args=[port.iata])
    return f"{reverse('arrivals:flight', args=[port.iata, int(flight_id)])}#{anchor}"
