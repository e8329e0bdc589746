"""Rebooking a missed connection, handing a minor over with the receiver named, and the
port's monthly cost summary. Thin: scope, form, one service call, render."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from arrivals import custody, rebooking
from arrivals.exports import safe_row
from arrivals.models import Segment
from arrivals.rebooking_forms import RebookForm
from cases.booking_common import BookingError
from cases.booking_forms import HandOverForm
from cases.bookings import GroundTransportBooking, HotelBooking
from cases.escort_services import Party
from cases.models import Individual
from cases.services import case_for_page
from poe_ops.roles import COORDINATE, OPERATE
from poe_ops.scoping import get_port_or_404, get_scoped_or_404, require_port_perm


def _device(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:300]


@login_required
@require_http_methods(["GET", "POST"])
def rebook(request: HttpRequest, case_number: str) -> HttpResponse:
    case = case_for_page(request.user, case_number)
    require_port_perm(request.user, case.port, OPERATE)
    segments = list(
        Segment.objects.filter(case=case, replaced_by__isnull=True)
        .select_related("flight")
        .prefetch_related("individuals")
        .order_by("flight__scheduled_departure", "flight__scheduled_date")
    )
    if request.method == "POST":
        done = rebooking.already_done(case, request.POST.get("key", ""))
        if done is not None:  # a double submit: the first one counts, and its form is stale
            messages.info(request, rebooking.RebookingResult(done, repeated=True).message)
            return redirect("cases:detail", case_number=case.case_number)
    person = None
    if request.GET.get("person", "").isdigit():
        person = case.individuals.filter(pk=request.GET["person"]).first()
    form = RebookForm(request.POST or None, case=case, segments=segments, person=person)
    refusal = ""
    if request.method == "POST" and form.is_valid():
        segment = form.segments[form.cleaned_data["segment"]]
        people = form.people() or rebooking.travellers(segment)
        try:
            result = rebooking.rebook(
                request.user,
                case,
                segment_id=segment.pk,
                new_flight=form.new_flight(),
                individuals=form.people(),
                reason=form.cleaned_data["reason"],
                hotel=form.hotel_kwargs(people),
                transport=form.transport_kwargs(),
                idempotency_key=form.cleaned_data["key"],
                device=_device(request),
            )
        except BookingError as error:
            refusal = str(error)
        else:
            messages.success(request, result.message)
            return redirect("cases:detail", case_number=case.case_number)
    return render(
        request,
        "arrivals/rebook.html",
        {
            "case": case,
            "port": case.port,
            "current_port": case.port,
            "form": form,
            "refusal": refusal,
            "has_segments": bool(segments),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def hand_over(request: HttpRequest, iata: str, pk: int) -> HttpResponse:
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
                device=_device(request),
            )
        except BookingError as error:
            refusal = str(error)
        else:
            messages.success(request, f"{person} handed over to {data['to_name']}.")
            return redirect(
                f"{reverse('cases:detail', args=[person.case.case_number])}#case-custody"
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


def _month(raw: str, today: dt.date) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


@login_required
def costs_csv(request: HttpRequest, iata: str) -> HttpResponse:
    """A port's bookings of a month with their costs, and totals (cells never become formulas)."""
    port = get_port_or_404(request.user, iata, COORDINATE)
    first = _month(request.GET.get("month", ""), port.local_today())
    after = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=port.zone)
    end = dt.datetime.combine(after, dt.time.min, tzinfo=port.zone)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="costs-{port.iata}-{first:%Y-%m}.csv"'
    writer = csv.writer(response)
    writer.writerow(["date", "case", "what", "vendor", "status", "ground", "hotel", "meals"])
    totals = {"ground": Decimal("0"), "hotel": Decimal("0"), "meals": Decimal("0")}
    hotels = (
        HotelBooking.objects.filter(case__port=port, check_in__gte=first, check_in__lt=after)
        .exclude(status=HotelBooking.Status.CANCELLED)
        .select_related("case", "vendor")
        .order_by("check_in", "id")
    )
    for h in hotels:
        totals["hotel"] += h.cost
        totals["meals"] += h.meal_cost
        writer.writerow(
            safe_row(
                [
                    h.check_in.isoformat(),
                    h.case.case_number,
                    f"Hotel, {h.nights} night(s), {h.rooms} room(s)",
                    h.vendor.name,
                    h.get_status_display(),
                    "",
                    h.cost,
                    h.meal_cost,
                ]
            )
        )
    rides = (
        GroundTransportBooking.objects.filter(
            case__port=port, pickup_at__gte=start, pickup_at__lt=end
        )
        .exclude(status=GroundTransportBooking.Status.CANCELLED)
        .select_related("case", "vendor")
        .order_by("pickup_at", "id")
    )
    for r in rides:
        totals["ground"] += r.cost
        writer.writerow(
            safe_row(
                [
                    r.pickup_at.astimezone(port.zone).date().isoformat(),
                    r.case.case_number,
                    f"Ground transport to {r.get_dropoff_display().lower()}",
                    r.vendor.name,
                    r.get_status_display(),
                    r.cost,
                    "",
                    "",
                ]
            )
        )
    writer.writerow(
        [
            "",
            "",
            f"Total {port.iata} {first:%Y-%m}",
            "",
            "",
            totals["ground"],
            totals["hotel"],
            totals["meals"],
        ]
    )
    writer.writerow(["", "", "Grand total", "", "", "", "", sum(totals.values())])
    return response
