"""Vendors: the port's officers (and its Operations HQ) add and change them and their contracted
rates; associates rate them and log problems after a booking; officers resolve the problems."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models.bookings import (
    UNITS_OF_KIND,
    Booking,
    GroundTransportBooking,
    HotelBooking,
    Vendor,
    VendorProblem,
    VendorRate,
    VendorRating,
)
from poe_ops.keys import check_key, first_made, new_key, once
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE, OPERATE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import changed_fields, log_action, snapshot

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
        require_port_perm(user, problem.vendor.port, MANAGE)
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


# --- vendors and their contracted rates ---------------------------------------------------------

VENDOR_FIELDS = (
    "kind",
    "name",
    "contact_name",
    "phone",
    "email",
    "address",
    "contracted_rates",
    "active",
)


def _check_vendor(port: Port, name: str, kind: str, pk: int | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise Refusal("Name: say what the vendor is called.", field="name")
    if kind not in Vendor.Kind.values:
        raise Refusal("Kind: choose hotel, ground transport, interpreter or meals.", field="kind")
    twin = Vendor.objects.filter(port=port, name__iexact=name).exclude(pk=pk or 0).first()
    if twin is not None:
        raise Refusal(
            f"{port.iata} already has a vendor called “{twin.name}”"
            f"{'' if twin.active else ' (no longer in use: change it back to in use)'}.",
            field="name",
        )
    return name


def add_vendor(user: User, port: Port, *, idempotency_key: str = "", **fields: Any) -> Vendor:
    """A new vendor of ``port`` (a hotel, transport company, interpreter service or meal
    provider). Refused with ``Refusal`` naming the field; audited. A repeated key (a double
    submit) is the first vendor, not a refusal of its name."""
    require_port_perm(user, port, MANAGE)
    key = check_key(idempotency_key) if idempotency_key else new_key()
    first = first_made(Vendor, key, lambda made: made.port_id == port.pk)
    if first is not None:
        return first
    values = {name: fields.get(name, "") for name in VENDOR_FIELDS}
    values["active"] = bool(fields.get("active", True))
    values["name"] = _check_vendor(port, str(values["name"]), str(values["kind"]))

    def then(made: Vendor) -> None:
        log_action(
            user,
            "poe.vendor.created",
            made,
            port=port,
            changes=changed_fields({}, snapshot(made, VENDOR_FIELDS)),
        )

    with transaction.atomic():
        vendor = Vendor(port=port, idempotency_key=key, **values)
        return once(vendor, then, matches=lambda made: made.port_id == port.pk).obj


def change_vendor(user: User, vendor: Vendor, **fields: Any) -> Vendor:
    """Change a vendor's details, or take it out of use (``active``). Its kind stays once it has
    been booked: those bookings were for that kind of service."""
    require_port_perm(user, vendor.port, MANAGE)
    with transaction.atomic():
        locked = Vendor.objects.select_for_update().select_related("port").get(pk=vendor.pk)
        before = snapshot(locked, VENDOR_FIELDS)
        kind = str(fields.get("kind", locked.kind))
        name = _check_vendor(locked.port, str(fields.get("name", locked.name)), kind, locked.pk)
        if kind != locked.kind and _has_bookings(locked):
            raise Refusal(
                f"{locked} has bookings as a {locked.get_kind_display().lower()}; its kind "
                "cannot change. Add a new vendor instead.",
                field="kind",
            )
        for field_name in VENDOR_FIELDS:
            if field_name in fields:
                setattr(locked, field_name, fields[field_name])
        locked.name, locked.kind = name, kind
        changes = changed_fields(before, snapshot(locked, VENDOR_FIELDS))
        if changes:
            locked.save()
            log_action(user, "poe.vendor.changed", locked, port=locked.port, changes=changes)
    return locked


def _has_bookings(vendor: Vendor) -> bool:
    """Booked in any kind of booking, including those of apps above (interpreters)."""
    return any(
        relation.related_model._default_manager.filter(**{relation.field.name: vendor}).exists()
        for relation in Vendor._meta.related_objects
        if isinstance(relation.related_model, type) and issubclass(relation.related_model, Booking)
    )


def add_rate(
    user: User,
    vendor: Vendor,
    *,
    unit: str,
    amount: Decimal,
    valid_from: dt.date,
    valid_until: dt.date | None = None,
    notes: str = "",
    idempotency_key: str = "",
) -> VendorRate:
    """A contracted rate of ``vendor`` from ``valid_from`` (to ``valid_until``, or until further
    notice). A new rate after an open-ended one of the same unit ends that one the day before;
    any other overlap is refused, naming the rate it overlaps. Audited, with the rate it ended."""
    require_port_perm(user, vendor.port, MANAGE)
    key = check_key(idempotency_key) if idempotency_key else new_key()
    first = first_made(VendorRate, key, lambda made: made.vendor_id == vendor.pk)
    if first is not None:
        return first
    if unit not in UNITS_OF_KIND.get(vendor.kind, ()):
        allowed = " or ".join(
            VendorRate.Unit(u).label.lower() for u in UNITS_OF_KIND.get(vendor.kind, ())
        )
        raise Refusal(f"A {vendor.get_kind_display().lower()} is paid by {allowed}.", field="unit")
    if amount is None or amount <= 0:
        raise Refusal("Amount: more than $0.", field="amount")
    if valid_until is not None and valid_until < valid_from:
        raise Refusal("The rate ends before it starts.", field="valid_until")
    with transaction.atomic():
        Vendor.objects.select_for_update().get(pk=vendor.pk)  # one rate change at a time
        repeated = VendorRate.objects.filter(idempotency_key=key).first()
        if repeated is not None:  # a double submit that waited for the first
            return repeated
        ended = None
        for other in VendorRate.objects.filter(vendor=vendor, unit=unit):
            overlaps = other.valid_from <= (valid_until or dt.date.max) and (
                other.valid_until is None or other.valid_until >= valid_from
            )
            if not overlaps:
                continue
            if other.valid_until is None and other.valid_from < valid_from and ended is None:
                ended = other
                continue
            raise Refusal(
                f"It overlaps the rate {other}; end that one first or choose other days.",
                field="valid_from",
            )
        if ended is not None:
            ended.valid_until = valid_from - dt.timedelta(days=1)
            ended.save(update_fields=["valid_until"])
        rate = VendorRate.objects.create(
            vendor=vendor,
            unit=unit,
            amount=amount,
            valid_from=valid_from,
            valid_until=valid_until,
            notes=notes.strip(),
            created_by=signed_in(user),
            idempotency_key=key,
        )
        log_action(
            user,
            "poe.vendor.rate.added",
            vendor,
            port=vendor.port,
            data={
                "rate": rate.pk,
                "unit": unit,
                "amount": amount,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "ended": {"rate": ended.pk, "valid_until": ended.valid_until} if ended else None,
            },
        )
    return rate


def end_rate(user: User, rate: VendorRate, last_day: dt.date) -> VendorRate:
    """The last day a rate applies (a contract that ends)."""
    require_port_perm(user, rate.vendor.port, MANAGE)
    if last_day < rate.valid_from:
        raise Refusal(
            f"The rate starts on {rate.valid_from:%d %b %Y}; its last day cannot be before.",
            field="last_day",
        )
    with transaction.atomic():
        locked = VendorRate.objects.select_for_update().get(pk=rate.pk)
        before = locked.valid_until
        locked.valid_until = last_day
        locked.save(update_fields=["valid_until"])
        log_action(
            user,
            "poe.vendor.rate.ended",
            rate.vendor,
            port=rate.vendor.port,
            changes={"valid_until": [before, last_day]},
            data={"rate": rate.pk, "unit": rate.unit},
        )
    return locked
