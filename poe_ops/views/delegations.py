"""Acting officer: the port's delegations, making one, and ending one early."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from poe_ops.forms import DelegationForm, refusal_on_field
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Delegation, Port
from poe_ops.queries.delegations import delegations_at, officers_of, seniors_of
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE, SUPERVISE, hq_offices
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, has_port_perm
from poe_ops.services import delegations as delegation_services
from poe_ops.text import display_name

PAGE = "poe_ops/delegations.html"


def _form(request: HtmxHttpRequest, port: Port) -> DelegationForm:
    user = request.user
    speaks_for_port = user.is_superuser or any(o.pk == port.office_id for o in hq_offices(user))
    fixed = None if speaks_for_port or not has_port_perm(user, port, SUPERVISE) else user
    ids = [u.pk for u in officers_of(port)]
    people = get_user_model().objects.order_by("last_name", "first_name", "username")
    form = DelegationForm(
        request.POST or None,
        officers=people.filter(pk__in=ids),
        seniors=people.filter(pk__in=[u.pk for u in seniors_of(port)]),
        fixed_officer=fixed,
    )
    if not form.is_bound:
        form.initial.setdefault("first_day", port.local_today())
    return form


@login_required
@require_http_methods(["GET", "POST"])
def delegations(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata, MANAGE)
    form = _form(request, port)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = delegation_services.delegate_approvals(
                request.user,
                port,
                officer=data["officer"],
                delegate=data["delegate"],
                first_day=data["first_day"],
                last_day=data["last_day"],
                note=data["note"],
                idempotency_key=data["key"],
            )
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            made = saved.obj
            messages.success(
                request,
                f"{display_name(made.delegate)} acts as officer for {display_name(made.officer)} "
                f"from {made.first_day:%a %d %b} to {made.last_day:%a %d %b}.",
            )
            return redirect("delegations", iata=port.iata)
    return render(
        request,
        PAGE,
        {
            "port": port,
            "current_port": port,
            "form": form,
            "refusal": refusal,
            "delegations": delegations_at(port),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_POST
@login_required
def end_delegation(request: HtmxHttpRequest, iata: str, pk: int) -> HttpResponse:
    port = get_port_or_404(request.user, iata, MANAGE)
    delegation = get_scoped_or_404(
        Delegation.objects.filter(port=port).select_related("port", "delegate", "officer"),
        request.user,
        MANAGE,
        pk=pk,
    )
    delegation_services.end_delegation(request.user, delegation)
    messages.success(
        request, f"{display_name(delegation.delegate)} no longer acts as officer at {port.iata}."
    )
    return redirect("delegations", iata=port.iata)
