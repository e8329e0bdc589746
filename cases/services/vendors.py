"""Vendor quality: ratings and problems after a booking, an officer resolving them, and the
per-vendor view over a period."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models.bookings import (
    GroundTransportBooking,
    HotelBooking,
    Vendor,
    VendorProblem,
    VendorRating,
)
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import User, require_port_perm, signed_in
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
        raise Refusal("Rating: from 1 (poor) to 5 (excellent).")
    with transaction.atomic():
        made = VendorRating.objects.create(
            vendor=vendor,
            rating=rating,
            comment=comment.strip(),
            rated_by=signed_in(user),
            **booking,
        )
        log_action(user, "poe.vendor.rated", vendor, port=port, data={"rating": rating, **data})
    return made


def log_problem(user: User, target: Rated, kind: str, description: str) -> VendorProblem:
    vendor, port, booking, data = _about(target)
    require_port_perm(user, port, OPERATE)
    if kind not in VendorProblem.Kind.values:
        raise Refusal("Problem: choose late pickup, no room, no interpreter or other.")
    if not description.strip():
        raise Refusal("Problem: say in a few words what happened.")
    with transaction.atomic():
        problem = VendorProblem.objects.create(
            vendor=vendor,
            kind=kind,
            description=description.strip(),
            reported_by=signed_in(user),
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


def record_feedback(
    user: User, target: Rated, *, rating: int | None, comment: str, problem: str, description: str
) -> None:
    """A rating and/or a problem about ``target`` from one feedback form: both or neither."""
    with transaction.atomic():
        if rating is not None:
            rate_vendor(user, target, rating, comment)
        if problem:
            log_problem(user, target, problem, description)


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
            raise Refusal("Resolution: say what was done.")
        problem.status = VendorProblem.Status.RESOLVED
        problem.resolution = resolution.strip()
        problem.resolved_by = signed_in(user)
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
