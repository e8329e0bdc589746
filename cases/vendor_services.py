"""Vendor quality: ratings and problems after a booking, an officer resolving them, and the
per-vendor view over a period."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Avg, Count, Q
from django.utils import timezone

from cases.booking_common import (
    BookingError,
    User,
    _actor,
)
from cases.bookings import (
    GroundTransportBooking,
    HotelBooking,
    Vendor,
    VendorProblem,
    VendorRating,
)
from poe_ops.models import Port
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import require_port_perm
from poe_ops.services.audit import log_action

# --- vendor quality ---------------------------------------------------------------------------


Rated = HotelBooking | GroundTransportBooking | Vendor


def _about(target: Rated) -> tuple[Vendor, Port, dict[str, Any], dict[str, Any]]:
    """The vendor, its port, the booking fields and the audit data for what is rated."""
    if isinstance(target, Vendor):
        return target, target.port, {}, {}
    booking = {"hotel_booking" if isinstance(target, HotelBooking) else "transport_booking": target}
    data = {"booking": target.pk, "case": target.case.case_number}
    return target.vendor, target.case.port, booking, data


def rate_vendor(user: User, target: Rated, rating: int, comment: str = "") -> VendorRating:
    """Rate a vendor's service, after a booking (``target`` is the booking) or in general (an
    interpreter service, which is not booked here)."""
    vendor, port, booking, data = _about(target)
    require_port_perm(user, port, OPERATE)
    if not 1 <= rating <= 5:
        raise BookingError("Rating: from 1 (poor) to 5 (excellent).")
    with transaction.atomic():
        made = VendorRating.objects.create(
            vendor=vendor, rating=rating, comment=comment.strip(), rated_by=_actor(user), **booking
        )
        log_action(user, "poe.vendor.rated", vendor, port=port, data={"rating": rating, **data})
    return made


def log_problem(user: User, target: Rated, kind: str, description: str) -> VendorProblem:
    vendor, port, booking, data = _about(target)
    require_port_perm(user, port, OPERATE)
    if kind not in VendorProblem.Kind.values:
        raise BookingError("Problem: choose late pickup, no room, no interpreter or other.")
    if not description.strip():
        raise BookingError("Problem: say in a few words what happened.")
    with transaction.atomic():
        problem = VendorProblem.objects.create(
            vendor=vendor,
            kind=kind,
            description=description.strip(),
            reported_by=_actor(user),
            **booking,
        )
        log_action(
            user,
            "poe.vendor.problem.logged",
            vendor,
            port=port,
            data={"problem": problem.pk, "kind": kind, **data},
        )
    return problem


def resolve_problem(user: User, problem_id: int, resolution: str) -> VendorProblem:
    """An officer closes an open problem with what was done."""
    with transaction.atomic():
        problem = (
            VendorProblem.objects.select_for_update(of=("self",))
            .select_related("vendor__port")
            .get(pk=problem_id)
        )
        require_port_perm(user, problem.vendor.port, SUPERVISE)
        if problem.status == VendorProblem.Status.RESOLVED:
            return problem
        if not resolution.strip():
            raise BookingError("Resolution: say what was done.")
        problem.status = VendorProblem.Status.RESOLVED
        problem.resolution = resolution.strip()
        problem.resolved_by = _actor(user)
        problem.resolved_at = timezone.now()
        problem.save()
        log_action(
            user,
            "poe.vendor.problem.resolved",
            problem.vendor,
            port=problem.vendor.port,
            changes={"status": ["open", "resolved"]},
            data={"problem": problem.pk},
        )
    return problem


# --- the officer's view over a period ----------------------------------------------------------


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
