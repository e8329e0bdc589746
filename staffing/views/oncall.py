"""The on-call rota: who answers the port's phone after hours, night by night, for everyone of
the port to see; kept by its officers and Operations HQ."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User as Person
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from poe_ops.forms import refusal_on_field
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import AFTER_HOURS_END, Port, night_of
from poe_ops.queries.oncall import rota
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE
from poe_ops.scoping import get_port_or_404, has_port_perm
from poe_ops.services import oncall as oncall_services
from poe_ops.text import display_name
from staffing.forms import OnCallForm
from staffing.models import StaffProfile
from staffing.services.rosters import staff_of

PAGE = "staffing/on_call.html"
NIGHT_PAGE = "staffing/on_call_night.html"
NIGHTS = 14


def _nights_url(port: Port, first: dt.date) -> str:
    return f"{reverse('staffing:on_call', args=[port.iata])}?from={first:%Y-%m-%d}"


def _page(request: HtmxHttpRequest, port: Port, first: dt.date) -> HttpResponse:
    set_nights = rota(port, first, NIGHTS)
    nights = [first + dt.timedelta(days=n) for n in range(NIGHTS)]
    return render(
        request,
        PAGE,
        {
            "port": port,
            "current_port": port,
            "rows": [(night, set_nights.get(night)) for night in nights],
            "first": first,
            "tonight": night_of(port),
            "ends": AFTER_HOURS_END,
            "previous": first - dt.timedelta(days=NIGHTS),
            "following": first + dt.timedelta(days=NIGHTS),
            "may_manage": has_port_perm(request.user, port, MANAGE),
        },
    )


def _first_night(request: HtmxHttpRequest, port: Port) -> dt.date:
    raw = request.GET.get("from", "")
    try:
        return dt.date.fromisoformat(raw) if raw else night_of(port)
    except ValueError:
        return night_of(port)


@login_required
def on_call(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    return _page(request, port, _first_night(request, port))


@login_required
@require_http_methods(["GET", "POST"])
def set_night(request: HtmxHttpRequest, iata: str, night: str) -> HttpResponse:
    """One night of the rota: its form (GET), saved or cleared (POST)."""
    port = get_port_or_404(request.user, iata, MANAGE)
    try:
        day = dt.date.fromisoformat(night)
    except ValueError:
        raise Http404("A night is written YYYY-MM-DD.") from None
    back = _nights_url(port, _first_night(request, port))
    current = rota(port, day, 1).get(day)
    people = staff_of(port)
    if request.method == "POST" and request.POST.get("clear"):
        oncall_services.clear_on_call(request.user, port, day)
        messages.success(request, f"Nobody is on call the night of {day:%a %d %b} any more.")
        return redirect(back)
    initial = (
        {"person": current.person_id, "phone": current.phone, "note": current.note}
        if current
        else {}
    )
    form = OnCallForm(request.POST or None, initial=initial, people=people)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        person = form.chosen()
        phone = form.cleaned_data["phone"] or _profile_phone(person)
        try:
            oncall_services.set_on_call(
                request.user,
                port,
                day,
                person=person,
                phone=phone,
                note=form.cleaned_data["note"],
                staff=[p.pk for p in people],
            )
        except Refusal as error:
            refusal = refusal_on_field(form, error)
        else:
            messages.success(
                request, f"{display_name(person)} is on call the night of {day:%a %d %b}."
            )
            return redirect(back)
    return render(
        request,
        NIGHT_PAGE,
        {
            "port": port,
            "current_port": port,
            "night": day,
            "on_call": current,
            "form": form,
            "refusal": refusal,
            "back": back,
        },
        status=400 if request.method == "POST" else 200,
    )


def _profile_phone(person: Person) -> str:
    profile = StaffProfile.objects.filter(user=person).first()
    return profile.phone if profile else ""
