"""Rebooking everyone booked on one flight (a cancelled departure, typically) in a single
action: each case its own rebooking (``rebooking.rebook_locked``), with a hotel and a ride each
when they stay the night, in one transaction, and Operations HQ told once — the cases, the new
flight and its time, the hotel. A repeated idempotency key returns the first result."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse

from arrivals.models import Flight, Rebooking, Segment
from arrivals.services.rebooking import (
    NewFlight,
    RebookingResult,
    departs_words,
    hotel_words,
    rebook_locked,
    transport_words,
    travellers,
)
from cases.models import Case, Individual
from cases.models.bookings import GroundTransportBooking, MealOrder, Vendor
from cases.services.bookings import MealLine
from poe_ops.keys import check_key, derive
from poe_ops.models import NotificationKind
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import require_port_perm
from poe_ops.services.notifications import notify


@dataclass
class GroupHotel:
    """One hotel for every case of a group: each case gets its own booking at ``vendor``, one
    room per ``people_per_room`` of its people, three regular meals a person (changed on the
    case's booking afterwards if needed)."""

    vendor: Vendor
    check_in: dt.date
    nights: int = 1
    people_per_room: int = 4
    room_rate: Any = None  # USD per room and night, or None
    meal_rate: Any = None  # USD per meal, or None


@dataclass
class GroupRide:
    """The same ride for every case of a group (one booking each): to the hotel, or back to the
    terminal."""

    vendor: Vendor
    pickup_at: dt.datetime
    pickup_place: str
    dropoff: str = GroundTransportBooking.DropOff.HOTEL


@dataclass
class GroupResult:
    flight: Flight
    results: list[RebookingResult] = field(default_factory=list)
    repeated: bool = False

    @property
    def message(self) -> str:
        if not self.results:
            return f"Nobody is booked on {self.flight.code} any more."
        new = self.results[0].rebooking.new_segment.flight
        cases = ", ".join(r.rebooking.case.case_number for r in self.results)
        hotels = sum(1 for r in self.results if r.rebooking.hotel_booking_id)
        text = (
            f"{len(self.results)} case{'s' if len(self.results) != 1 else ''} rebooked from "
            f"{self.flight.code} to {new.code} {new.scheduled_date:%d %b}: {cases}."
        )
        return text + (f" Hotel booked for {hotels}." if hotels else "")


def _group_hotel(hotel: GroupHotel, people: list[Individual]) -> dict[str, Any]:
    rooms = max(1, math.ceil(len(people) / max(hotel.people_per_room, 1)))
    return {
        "vendor": hotel.vendor,
        "check_in": hotel.check_in,
        "nights": hotel.nights,
        "rooms": rooms,
        "cost": None if hotel.room_rate is None else hotel.room_rate * rooms * hotel.nights,
        "meal_cost": None if hotel.meal_rate is None else hotel.meal_rate * 3 * len(people),
        "meals": [MealLine(p, MealOrder.Meal.REGULAR, 3) for p in people],
    }


def _group_ride(
    ride: GroupRide, hotel: GroupHotel | None, people: list[Individual]
) -> dict[str, Any]:
    return {
        "vendor": ride.vendor,
        "pickup_at": ride.pickup_at,
        "pickup_place": ride.pickup_place,
        "dropoff": ride.dropoff,
        "dropoff_detail": hotel.vendor.name if hotel and ride.dropoff == "hotel" else "",
        "luggage_count": 2 * len(people),
    }


def group_on(flight: Flight) -> list[Segment]:
    """The current onward segments booked on ``flight``: who a group rebooking moves (not the
    cases the ABN has cancelled)."""
    return list(
        Segment.objects.filter(
            flight=flight, direction=Segment.Direction.ONWARD, replaced_by__isnull=True
        )
        .exclude(case__status=Case.Status.CANCELLED)
        .select_related("case__port", "flight")
        .prefetch_related("individuals")
        .order_by("case__case_number", "pk")
    )


def rebook_group(
    user: Any,
    flight: Flight,
    *,
    new_flight: NewFlight,
    idempotency_key: str,
    reason: str = "",
    hotel: GroupHotel | None = None,
    ride: GroupRide | None = None,
    device: str = "",
) -> GroupResult:
    """Move everyone booked onward on ``flight`` (every case, each its own rebooking, with a
    hotel and a ride each when given) to ``new_flight``, in one transaction; HQ hears once,
    naming the cases, the new flight and the hotel. A repeated key returns the first result."""
    require_port_perm(user, flight.port, OPERATE)
    check_key(idempotency_key)
    earlier = _group_done(flight, idempotency_key)
    if earlier is not None:
        return earlier
    try:
        return _rebook_group(user, flight, new_flight, idempotency_key, reason, hotel, ride, device)
    except IntegrityError:  # the same form sent twice at once: the other one won
        earlier = _group_done(flight, idempotency_key)
        if earlier is None:
            raise
        return earlier


def _group_done(flight: Flight, key: str) -> GroupResult | None:
    earlier = list(
        Rebooking.objects.filter(idempotency_key__startswith=f"{key}:g")
        .select_related("case", "old_segment", "new_segment__flight")
        .order_by("case__case_number")
    )
    if not earlier:
        return None
    if any(r.old_segment.flight_id != flight.pk for r in earlier):
        raise Refusal("This form was already used for another flight; reload the page.")
    return GroupResult(flight, [RebookingResult(r, repeated=True) for r in earlier], True)


def _rebook_group(
    user: Any,
    flight: Flight,
    new_flight: NewFlight,
    idempotency_key: str,
    reason: str,
    hotel: GroupHotel | None,
    ride: GroupRide | None,
    device: str,
) -> GroupResult:
    result = GroupResult(flight)
    with transaction.atomic():
        for segment in group_on(flight):
            people = travellers(segment)
            result.results.append(
                rebook_locked(
                    user,
                    segment.case,
                    segment.pk,
                    new_flight,
                    derive(idempotency_key, f"g{segment.pk}"),
                    (),
                    reason,
                    _group_hotel(hotel, people) if hotel else None,
                    _group_ride(ride, hotel, people) if ride else None,
                    device,
                    quiet=True,
                )
            )
        if result.results:
            _group_notice(result, user)
    return result


def _group_notice(result: GroupResult, actor: Any) -> None:
    first = result.results[0].rebooking
    port = first.case.port
    old, new = result.flight, first.new_segment.flight
    hotel = first.hotel_booking
    people = sum(len(travellers(r.rebooking.new_segment)) for r in result.results)
    cases = f"{len(result.results)} case{'s' if len(result.results) != 1 else ''}"
    subject = (
        f"{port.iata} · Rebooking: {cases} from {old.code} to {new.code} "
        f"{new.scheduled_date:%d %b}" + (f", hotel {hotel.vendor.name}" if hotel else "")
    )
    details = [
        ["Cases", ", ".join(r.rebooking.case.case_number for r in result.results)],
        ["People", str(people)],
        [
            "Missed / replaced",
            f"{old.code} {old.scheduled_date:%d %b} {old.origin} → {old.destination} "
            f"({old.get_status_display().lower()})",
        ],
        [
            "New flight",
            f"{new.code} {new.origin} → {new.destination}, "
            f"departs {departs_words(new, port.zone, port.iata)}",
        ],
        ["Reason", first.reason or "—"],
        ["Hotel", hotel_words(first)],
        ["Transport", transport_words(first, port.zone)],
        ["Recorded by", str(actor.get_full_name() or actor.get_username())],
    ]
    context = {
        "summary": f"Everyone booked on {old.code} ({cases}, {people} "
        f"{'person' if people == 1 else 'people'}) was rebooked on {new.code} departing "
        f"{departs_words(new, port.zone, port.iata)}"
        + (f"; hotel: {hotel.vendor.name}." if hotel else "."),
        "details": details,
        "path": reverse("arrivals:flight", args=[port.iata, old.pk]),
    }
    notify(
        NotificationKind.REBOOKING,
        port,
        old,
        subject,
        context,
        dedupe_key=f"rebooking-group:{first.pk}",
    )
