"""A person's programme status (URM, separated or accompanied minor), set from the case page.
Here in ``arrivals`` because the rule reads the day the person arrives."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from arrivals.queries.case_page import arrival_day
from cases.forms.people import ProgrammeStatusForm
from cases.queries.cases import case_for
from cases.services import receivers
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE


@login_required
@require_http_methods(["GET", "POST"])
def programme_status(request: HtmxHttpRequest, case_number: str, pk: int) -> HttpResponse:
    case = case_for(request.user, case_number, OPERATE)
    person = get_object_or_404(case.individuals.all(), pk=pk)
    form = ProgrammeStatusForm(
        request.POST or None, initial={"programme_status": person.programme_status}
    )
    refusal = ""
    if request.method == "POST" and form.is_valid():
        try:
            receivers.set_programme_status(
                request.user,
                person,
                form.cleaned_data["programme_status"],
                arrival=arrival_day(case, person),
                reason=form.cleaned_data["reason"],
            )
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, f"Programme status of {person} saved.")
            return redirect(f"{reverse('arrivals:case', args=[case.case_number])}#case-receiving")
    return render(
        request,
        "cases/booking_form.html",
        {
            "case": case,
            "port": case.port,
            "current_port": case.port,
            "form": form,
            "title": f"Programme status of {person}",
            "refusal": refusal,
            "submit_label": "Save",
            "intro": "URM and separated minors travel under the programme's care: they are handed "
            "over only to the expected receiver, with both signatures. Not the airline's UMNR "
            "service code.",
        },
        status=400 if request.method == "POST" else 200,
    )
