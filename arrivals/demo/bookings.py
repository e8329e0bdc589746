"""Demo bookings for the quick start: hotels, transport companies and an interpreter service at
ATL and JFK, and a few overnight transits with hotel, meals and a ride. Idempotent: vendors are
found by name and bookings by fixed idempotency keys, so a second run adds nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from arrivals.models import Segment
from cases.models import Case
from cases.models.bookings import MealOrder, Vendor
from cases.services.bookings import MealLine, book_hotel, book_transport
from poe_ops.models import Port

VENDORS: dict[str, list[tuple[str, str, str, str]]] = {
    # kind, name, phone, contracted rates
    "ATL": [
        ("hotel", "Airport Gateway Inn", "+1 404 555 0141", "Room $129/night; meals $14 each"),
        ("hotel", "Peachtree Suites College Park", "+1 404 555 0187", "Room $149/night"),
        ("ground_transport", "Peach State Shuttles", "+1 404 555 0122", "$85 per ride in metro"),
        ("ground_transport", "Hartsfield Accessible Rides", "+1 404 555 0166", "$110 ADA van"),
        ("interpreter", "Language Line South", "+1 800 555 0100", "$2.10 per minute"),
    ],
    "JFK": [
        ("hotel", "Jamaica Bay Airport Hotel", "+1 718 555 0133", "Room $179/night; meals $16"),
        ("ground_transport", "Queens Community Cars", "+1 718 555 0190", "$95 per ride"),
        ("interpreter", "Metro Interpreting NY", "+1 212 555 0150", "$2.40 per minute"),
    ],
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
            cost=Decimal("129.00") * max(1, (len(people) + 2) // 3),
            meal_cost=Decimal("14.00") * 3 * len(people),
        )
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
            cost=Decimal("85.00"),
        )
        made += 0 if saved.repeated else 1
    return made


__all__ = ["seed_demo_bookings", "seed_vendors"]
