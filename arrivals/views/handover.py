"""Handing people over on the tablet, with the receiver named, identified and (for a URM or
separated minor) both sides signing."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from arrivals.queries.handover import handover_page
from arrivals.services import handover as handing
from cases.forms.handover import HandOverForm
from cases.models import Individual
from cases.services.custody import Giver, Signatures
from poe_ops.http import HtmxHttpRequest, device_of
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    """Hand ``pk`` (and whoever of their case goes with them) over: the custody record naming
    the receiver, the handed-over steps and the agency's confirmation, together."""
    port = get_port_or_404(request.user, iata, OPERATE)
    person = get_scoped_or_404(
        Individual.objects.select_related("case__port").filter(case__port=port),
        request.user,
        OPERATE,
        via="case__port",
        pk=pk,
    )
    case = person.case
    page = handover_page(case, person)
    form = HandOverForm(
        request.POST or None,
        case=case,
        people=page.people,
        chosen=page.ready,
        may_override=has_port_perm(request.user, port, SUPERVISE),
    )
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        receiver, choice = form.receiver_parts()
        me: Any = request.user
        try:
            result = handing.hand_over(
                request.user,
                port,
                case.pk,
                individual_ids=[p.pk for p in data["individuals"]],
                receiver=receiver,
                giver=Giver("staff", me.get_full_name() or me.get_username(), "IOM"),
                choice=choice,
                signatures=Signatures(data["from_signature"], data["to_signature"]),
                at=data.get("at"),
                place=data["place"],
                idempotency_key=data["key"],
                device=device_of(request),
            )
        except Refusal as error:
            refusal = str(error)
        else:
            messages.success(request, result.message)
            return redirect(f"{reverse('arrivals:case', args=[case.case_number])}#case-custody")
    return render(
        request,
        "arrivals/hand_over.html",
        {
            "port": port,
            "current_port": port,
            "person": person,
            "case": case,
            "page": page,
            "form": form,
            "refusal": refusal,
        },
        status=400 if request.method == "POST" else 200,
    )
