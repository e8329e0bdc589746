"""Search and the case page. Thin: scope, one service call, audit the access, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from arrivals.forms.days import SearchForm
from arrivals.queries import search as services
from arrivals.queries import step_rows
from arrivals.queries.case_page import case_page
from arrivals.queries.moves import moves_table
from cases.queries import case_bookings
from cases.queries.cases import case_for
from cases.queries.receiving import receiving
from poe_ops.http import HtmxHttpRequest
from poe_ops.ratelimit import rate_limited
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, has_port_perm, may_read_medical_details
from poe_ops.services.audit import log_personal_data_access


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited("search")
def search(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    """The query comes by POST so that names never sit in URLs, history or access logs."""
    port = get_port_or_404(request.user, iata)
    outcome = None
    if request.method == "POST":
        outcome = services.search_cases(request.user, request.POST.get("q", ""), port=port)
        if outcome.a_number:
            # An A-number leads to one person: who looked it up, and what it showed, is kept.
            for result in outcome.results:
                log_personal_data_access(
                    request.user, result.case, port=result.case.port, purpose="search by A-number"
                )
    form = SearchForm(initial={"q": outcome.query if outcome else ""}, autofocus=True)
    context = {
        "port": port,
        "current_port": port,
        "outcome": outcome,
        "search_form": form,
        "step_moves": moves_table(),
    }
    template = "arrivals/search.html#results" if request.htmx else "arrivals/search.html"
    return render(request, template, context)


@login_required
def detail(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
    case = case_for(request.user, case_number)
    if request.method not in {"GET", "HEAD"}:  # after the scope check: another port's is a 404
        return HttpResponseNotAllowed(["GET"])
    log_personal_data_access(request.user, case, port=case.port, purpose="case page")
    page = case_page(case)
    people = [row.individual for row in page.people]
    medical = any(person.medical_notes for person in people)
    shows_medical_notes = medical and may_read_medical_details(request.user, case.port)
    if shows_medical_notes:
        log_personal_data_access(request.user, case, port=case.port, purpose="medical details")
    may_operate = has_port_perm(request.user, case.port, OPERATE)
    # Who may check people in gets the flight page's buttons here too, read from the steps
    # the page shows anyway.
    block = (
        step_rows.case_block_from_events(request.user, case, people, page.steps)
        if may_operate
        else None
    )
    bookings = case_bookings.case_bookings(case, people)
    context = {
        "page": page,
        "case": case,
        "port": case.port,
        "current_port": case.port,
        "bookings": bookings,
        "receiving": receiving(case),
        "timelines": case_bookings.custody_timelines(bookings.custody, people),
        "may_operate": may_operate,
        "shows_medical_notes": shows_medical_notes,
        "people_block": block,
        "rows": block.rows if block is not None else page.people,
        "step_moves": moves_table() if may_operate else None,
    }
    return render(request, "arrivals/case_detail.html", context)
