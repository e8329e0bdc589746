"""Builders for the bookings tests: vendors, bookings, escorts and handovers at a port."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from cases.models import Case
from cases.models.bookings import (
    CustodyHandover,
    GroundTransportBooking,
    HotelBooking,
    Vendor,
    VendorProblem,
)
from poe_ops.models import Port
from tests.factories import CaseFactory, make_user


def key() -> str:
    return str(uuid.uuid4())


def vendor(port: Port, kind: str = Vendor.Kind.HOTEL, name: str = "", **fields: Any) -> Vendor:
    name = name or f"{port.iata} {kind} {Vendor.objects.count() + 1}"
    return Vendor.objects.create(port=port, kind=kind, name=name, **fields)


def _booker(port: Port) -> Any:
    return make_user(f"{port.iata.lower()}.booker")


def hotel_booking(port: Port, case: Case | None = None, **fields: Any) -> HotelBooking:
    case = case or CaseFactory.create(port=port)
    values: dict[str, Any] = {
        "check_in": port.local_today(),
        "nights": 1,
        "rooms": 1,
        "cost": Decimal("129.00"),
        "meal_cost": Decimal("42.00"),
        **fields,
    }
    return HotelBooking.objects.create(
        case=case,
        vendor=values.pop("vendor", None) or vendor(port),
        idempotency_key=key(),
        created_by=_booker(port),
        **values,
    )


def transport_booking(
    port: Port, case: Case | None = None, **fields: Any
) -> GroundTransportBooking:
    case = case or CaseFactory.create(port=port)
    values: dict[str, Any] = {
        "pickup_at": dt.datetime.now(dt.UTC),
        "pickup_place": "Arrivals hall",
        "dropoff": "hotel",
        "cost": Decimal("85.00"),
        **fields,
    }
    return GroundTransportBooking.objects.create(
        case=case,
        vendor=values.pop("vendor", None) or vendor(port, Vendor.Kind.GROUND_TRANSPORT),
        idempotency_key=key(),
        created_by=_booker(port),
        **values,
    )


def handover(port: Port, case: Case | None = None) -> CustodyHandover:
    case = case or CaseFactory.create(port=port)
    return CustodyHandover.objects.create(
        case=case,
        subject=CustodyHandover.Subject.DOCUMENTS,
        from_kind="staff",
        from_name="Amina Haidari",
        from_organisation="IOM",
        to_kind="agency",
        to_name="Sam Rivera",
        to_organisation="IRC Atlanta",
        place="Arrivals hall",
        idempotency_key=key(),
        recorded_by=_booker(port),
    )


def problem(port: Port) -> VendorProblem:
    return VendorProblem.objects.create(
        vendor=vendor(port, Vendor.Kind.GROUND_TRANSPORT),
        kind=VendorProblem.Kind.LATE_PICKUP,
        description="Forty minutes late.",
        reported_by=_booker(port),
    )
