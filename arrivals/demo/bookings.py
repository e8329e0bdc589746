"""Demo bookings for the quick start: hotels, transport companies, an interpreter service and a
meal provider at ATL and JFK with their contracted rates, and a few overnight transits with
hotel, meals and a ride whose costs come from those rates. Idempotent: vendors are found by
name, rates by vendor and unit, and bookings by fixed idempotency keys, so a second run adds
nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from arrivals.models import Segment
from cases.models import Case
from cases.models.bookings import MealOrder, Vendor, VendorRate
from cases.services.bookings import MealLine, book_hotel, book_transport
from poe_ops.models import Port

VENDORS: dict[str, list[tuple[str, str, str, str]]] = {
    # kind, name, phone, contract notes
    "ATL": [
        ("hotel", "Airport Gateway Inn", "+1 404 555 0141", "Free cancellation until 18:00."),
        ("hotel", "Peachtree Suites College Park", "+1 404 555 0187", "Shuttle every 30 min."),
        ("ground_transport", "Peach State Shuttles", "+1 404 555 0122", "Metro Atlanta only."),
        ("ground_transport", "Hartsfield Accessible Rides", "+1 404 555 0166", "ADA vans."),
        ("interpreter", "Language Line South", "+1 800 555 0100", "On site within 45 min."),
        ("meal_provider", "Halal Kitchen ATL", "+1 404 555 0112", "Delivers to both hotels."),
    ],
    "JFK": [
        ("hotel", "Jamaica Bay Airport Hotel", "+1 718 555 0133", "Free cancellation until 16:00."),
        ("ground_transport", "Queens Community Cars", "+1 718 555 0190", "NYC five boroughs."),
        ("interpreter", "Metro Interpreting NY", "+1 212 555 0150", "Phone within 5 min."),
    ],
}
# vendor name -> (unit, amount): the contracted rates, valid from the start of the year.
RATES: dict[str, list[tuple[str, str]]] = {
    "Airport Gateway Inn": [("room_night", "129.00"), ("meal", "14.00")],
    "Peachtree Suites College Park": [("room_night", "149.00")],
    "Peach State Shuttles": [("ride", "85.00")],
    "Hartsfield Accessible Rides": [("ride", "110.00")],
    "Language Line South": [("interpreter_hour", "95.00")],
    "Halal Kitchen ATL": [("meal", "12.50")],
    "Jamaica Bay Airport Hotel": [("room_night", "179.00"), ("meal", "16.00")],
    "Queens Community Cars": [("ride", "95.00")],
    "Metro Interpreting NY": [("interpreter_hour", "110.00")],
}
TRANSITS_PER_PORT = 2


def seed_vendors(port: Port) -> list[Vendor]:
    made = []
    for kind, name, phone, rates in VENDORS.get(port.iata, []):
        vendor, _ = Vendor.objects.get_or_create(
            port=port,
            name=name,
            defaults={
                "kind": kind,
                "phone": phone,
                "contracted_rates": rates,
                "contact_name": "Duty manager",
                "email": f"bookings@{name.lower().replace(' ', '')[:20]}.example.com",
            },
        )
        made.append(vendor)
    return made


def seed_rates(vendors: list[Vendor], actor: Any, today: dt.date) -> int:
    """Each demo vendor's contracted rates from 1 January of this year (until further notice)."""
    made = 0
    for vendor in vendors:
        for unit, amount in RATES.get(vendor.name, []):
            _, created = VendorRate.objects.get_or_create(
                vendor=vendor,
                unit=unit,
                defaults={
                    "amount": Decimal(amount),
                    "valid_from": today.replace(month=1, day=1),
                    "created_by": actor,
                    "notes": "Contract 2026",
                },
            )
            made += created
    return made


def _transit_cases(port: Port, day: dt.date) -> list[Case]:
    """Cases of the day with an onward leg: the ones that stay overnight in the demo."""
    prefix = f"DEMO-{port.iata}-{day:%Y%m%d}-"
    with_onward = Segment.objects.filter(
        case__case_number__startswith=prefix, direction=Segment.Direction.ONWARD
    ).values("case_id")
    return list(Case.objects.filter(pk__in=with_onward).order_by("case_number")[:TRANSITS_PER_PORT])


def seed_demo_bookings(port: Port, actor: Any) -> int:
    """Vendors at ATL and JFK and a few overnight transits; how many hotel bookings were made."""
    vendors = seed_vendors(port)
    hotels = [v for v in vendors if v.kind == Vendor.Kind.HOTEL]
    cars = [v for v in vendors if v.kind == Vendor.Kind.GROUND_TRANSPORT]
    if not hotels or not cars or actor is None:
        return 0
    made = 0
    today = port.local_today()
    seed_rates(vendors, actor, today)
    for n, case in enumerate(_transit_cases(port, today)):
        people = list(case.individuals.order_by("person_number"))
        meals = [
            MealLine(
                p,
                MealOrder.Meal.CHILD if i > 1 else MealOrder.Meal.HALAL,
                3,
                "Peanuts" if i == 2 else "",
            )
            for i, p in enumerate(people)
        ]
        saved = book_hotel(
            actor,
            case,
            vendor=hotels[n % len(hotels)],
            check_in=today,
            nights=1,
            rooms=max(1, (len(people) + 2) // 3),
            idempotency_key=f"demo-hotel-{case.case_number}",
            meals=meals,
            crib=any(m.meal == MealOrder.Meal.CHILD for m in meals),
        )  # room and meal costs from the contracted rates
        pickup = dt.datetime.combine(today, dt.time(22, 30), tzinfo=port.zone)
        book_transport(
            actor,
            case,
            vendor=cars[n % len(cars)],
            pickup_at=pickup,
            pickup_place="International arrivals, door 5",
            dropoff="hotel",
            dropoff_detail=str(saved.obj.vendor),
            idempotency_key=f"demo-ride-{case.case_number}",
            luggage_count=2 * len(people),
            child_seats=sum(1 for m in meals if m.meal == MealOrder.Meal.CHILD),
        )  # the ride's cost from the company's rate
        made += 0 if saved.repeated else 1
    return made


__all__ = ["seed_demo_bookings", "seed_rates", "seed_vendors"]
