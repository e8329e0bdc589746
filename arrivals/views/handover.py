"""Handing a minor over with the receiver named, on the tablet."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from arrivals.services import handover as custody
from cases.forms import HandOverForm
from cases.models import Individual
from cases.services.custody import Party
from poe_ops.http import HtmxHttpRequest, device_of
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    """A minor's handed-over step, with the receiving person named in the same action."""
    port = get_port_or_404(request.user, iata, OPERATE)
    person = get_scoped_or_404(
        Individual.objects.select_related("case__port").filter(case__port=port),
        request.user,
        OPERATE,
        via="case__port",
        pk=pk,
    )
    form = HandOverForm(request.POST or None, initial={"place": f"{port.iata} arrivals hall"})
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        me: Any = request.user
        try:
            custody.hand_over_minor(
                request.user,
                port,
                person.pk,
                from_party=Party("staff", me.get_full_name() or me.get_username(), "IOM"),
                to_party=Party(data["to_kind"], data["to_name"], data["to_organisation"]),
                place=data["place"],
                idempotency_key=data["key"],
                device=device_of(request),
            )
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, f"{person} handed over to {data['to_name']}.")
            return redirect(
                f"{reverse('arrivals:case', args=[person.case.case_number])}#case-custody"
            )
    return render(
        request,
        "arrivals/hand_over.html",
        {
            "port": port,
            "current_port": port,
            "person": person,
            "case": person.case,
            "form": form,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )
