"""Vendor quality over a period: ratings and problems per vendor, for the officer's vendor pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Avg, Count, Q

from cases.models.bookings import (
    Vendor,
    VendorProblem,
    VendorRating,
)
from poe_ops.models import Port


@dataclass
class VendorQuality:
    vendor: Vendor
    ratings: int = 0
    average: float | None = None
    problems: int = 0  # logged in the period
    open_problems: int = 0  # open now, whenever logged


def period_bounds(port: Port, start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of ``start`` to the end of ``end``, in the port's local time."""
    first = dt.datetime.combine(start, dt.time.min, tzinfo=port.zone)
    last = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=port.zone)
    return first, last


def vendor_quality(
    port: Port, start: dt.date, end: dt.date, *, vendor: Vendor | None = None
) -> list[VendorQuality]:
    """Each vendor of ``port`` with its ratings and problems between ``start`` and ``end`` (local
    days, inclusive) and its open problems: three queries whatever the number of vendors."""
    since, until = period_bounds(port, start, end)
    vendors = Vendor.objects.filter(port=port).order_by("kind", "name")
    if vendor is not None:
        vendors = vendors.filter(pk=vendor.pk)
    rows = {v.pk: VendorQuality(v) for v in vendors}
    ratings = (
        VendorRating.objects.filter(vendor_id__in=rows, rated_at__gte=since, rated_at__lt=until)
        .values("vendor_id")
        .annotate(n=Count("id"), avg=Avg("rating"))
    )
    for r in ratings:
        rows[r["vendor_id"]].ratings = r["n"]
        rows[r["vendor_id"]].average = round(float(r["avg"]), 1)
    problems = (
        VendorProblem.objects.filter(vendor_id__in=rows)
        .filter(
            Q(status=VendorProblem.Status.OPEN) | Q(reported_at__gte=since, reported_at__lt=until)
        )
        .values("vendor_id")
        .annotate(
            in_period=Count("id", filter=Q(reported_at__gte=since, reported_at__lt=until)),
            still_open=Count("id", filter=Q(status=VendorProblem.Status.OPEN)),
        )
    )
    for p in problems:
        rows[p["vendor_id"]].problems = p["in_period"]
        rows[p["vendor_id"]].open_problems = p["still_open"]
    return list(rows.values())
