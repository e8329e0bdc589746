"""A port's bookings of a month with their costs, as CSV (cells never become formulas)."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from cases.models.bookings import GroundTransportBooking, HotelBooking
from poe_ops.exports import safe_row
from poe_ops.http import HtmxHttpRequest
from poe_ops.roles import COORDINATE
from poe_ops.scoping import get_port_or_404


def _month(raw: str, today: dt.date) -> dt.date:
    try:
        return dt.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return today.replace(day=1)


@login_required
def costs_csv(request: HtmxHttpRequest, iata: str) -> HttpResponse:
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
