"""Booking hotels and ground transport, and moving a booking's status. Each function takes the
acting user, checks the port permission, changes state in one transaction with its audit event,
and refuses bad input with a ``Refusal`` saying what is wrong (nothing is changed then). A
repeated idempotency key returns the first result (``poe_ops.keys.once``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction

from cases.models import Case, Individual
from cases.models.bookings import GroundTransportBooking, HotelBooking, MealOrder, Vendor
from cases.queries import rates
from cases.services import agency_messages
from cases.services.costs import settle
from poe_ops.keys import Saved, check_key, once
from poe_ops.models import NotificationKind
from poe_ops.refusals import Refusal
from poe_ops.registry import page_url
from poe_ops.roles import OPERATE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import changed_fields, log_action
from poe_ops.services.notifications import notify


def _vendor(case: Case, vendor: Vendor | None, kind: str, what: str) -> Vendor:
    if vendor is None:
        raise Refusal(f"Choose the {what}.")
    if vendor.port_id != case.port_id or vendor.kind != kind:
        raise Refusal(f"{vendor} is not a {what} of {case.port.iata}.")
    if not vendor.active:
        raise Refusal(f"{vendor} is no longer in use at {case.port.iata}; choose another.")
    return vendor


HOTEL_MOVES: dict[str, frozenset[str]] = {
    HotelBooking.Status.REQUESTED: frozenset(
        {HotelBooking.Status.CONFIRMED, HotelBooking.Status.CANCELLED}
    ),
    HotelBooking.Status.CONFIRMED: frozenset(
        {HotelBooking.Status.CHECKED_IN, HotelBooking.Status.CANCELLED}
    ),
    HotelBooking.Status.CHECKED_IN: frozenset({HotelBooking.Status.CHECKED_OUT}),
    HotelBooking.Status.CHECKED_OUT: frozenset(),
    HotelBooking.Status.CANCELLED: frozenset(),
}
TRANSPORT_MOVES: dict[str, frozenset[str]] = {
    GroundTransportBooking.Status.REQUESTED: frozenset(
        {GroundTransportBooking.Status.CONFIRMED, GroundTransportBooking.Status.CANCELLED}
    ),
    GroundTransportBooking.Status.CONFIRMED: frozenset(
        {GroundTransportBooking.Status.COMPLETED, GroundTransportBooking.Status.CANCELLED}
    ),
    GroundTransportBooking.Status.COMPLETED: frozenset(),
    GroundTransportBooking.Status.CANCELLED: frozenset(),
}


@dataclass
class MealLine:
    individual: Individual
    meal: str = MealOrder.Meal.REGULAR
    count: int = 3
    allergies: str = ""


# --- hotel ------------------------------------------------------------------------------------


def transit_notice(case: Case, night: dt.date, hotel: str, by: Any) -> None:
    """HQ hears once per case and night that the case stays overnight (the same key as the
    "to hotel" step's notice, so a booking and the step report it once); so does the case's
    agency office."""
    port = case.port
    subject = f"{port.iata} · Transit: case {case.case_number} to hotel overnight"
    context = {
        "summary": f"Case {case.case_number} is staying overnight at {hotel} ({port.iata}), "
        f"check-in {night:%d %b}.",
        "details": [
            ["Case", case.case_number],
            ["Final destination", case.final_destination or "—"],
            ["Hotel", hotel],
            ["Night of", f"{night:%d %b %Y}"],
            ["Booked by", str(by.get_full_name() or by.get_username())],
        ],
        "path": page_url("case", case.case_number),
    }
    key = f"transit:{case.pk}:{night.isoformat()}"
    notify(NotificationKind.TRANSIT, port, case, subject, context, dedupe_key=key)
    agency_messages.hotel_night(case, night)


def book_hotel(
    user: User,
    case: Case,
    *,
    vendor: Vendor | None,
    check_in: dt.date,
    nights: int,
    rooms: int,
    idempotency_key: str,
    individuals: Sequence[Individual] = (),
    meals: Sequence[MealLine] = (),
    accessible_room: bool = False,
    crib: bool = False,
    cost: Decimal | None = None,
    meal_cost: Decimal | None = None,
    cost_reason: str = "",
    meal_cost_reason: str = "",
    notes: str = "",
) -> Saved:
    """Book a hotel for the case (or ``individuals`` of it) with each person's meals; tells HQ
    of the overnight transit. The room cost is nights × rooms × the contracted room rate, the
    meal cost the meals ordered × the meal rate (``cases.queries.rates``), unless a cost is
    typed with a reason (``cases.services.costs.settle``)."""
    require_port_perm(user, case.port, OPERATE)
    check_key(idempotency_key)
    hotel = _vendor(case, vendor, Vendor.Kind.HOTEL, "hotel")
    if not 1 <= nights <= 30:
        raise Refusal("Nights: between 1 and 30.")
    if not 1 <= rooms <= 20:
        raise Refusal("Rooms: between 1 and 20.")
    people = case.members(individuals)
    eaters = case.members([line.individual for line in meals])
    if len({p.pk for p in eaters}) != len(eaters):
        raise Refusal("Each person can have one meal order per booking.")
    for line in meals:
        if line.meal not in MealOrder.Meal.values:
            raise Refusal(f"Meals for {line.individual}: “{line.meal}” is not a meal kind.")
        if not 0 <= line.count <= 60:
            raise Refusal(f"Meals for {line.individual}: between 0 and 60.")
    actor = signed_in(user)
    room_quote = rates.hotel_rooms(hotel, check_in, nights, rooms)
    rooms_cost = settle(
        cost, cost_reason, room_quote, what="room cost", field="cost", reason_field="cost_reason"
    )
    eaten = sum(line.count for line in meals if line.meal != MealOrder.Meal.NONE)
    meal_quote = rates.meals_for_stay(hotel, check_in, eaten)
    meals_cost = settle(
        meal_cost,
        meal_cost_reason,
        meal_quote,
        what="meal cost",
        field="meal_cost",
        reason_field="meal_cost_reason",
        required=False,  # a hotel with no meal rate (meals included) costs no meals
    )

    booking = HotelBooking(
        case=case,
        vendor=hotel,
        check_in=check_in,
        nights=nights,
        rooms=rooms,
        accessible_room=accessible_room,
        crib=crib,
        cost=rooms_cost.cost,
        computed_cost=rooms_cost.computed,
        cost_override_reason=rooms_cost.reason,
        meal_cost=meals_cost.cost,
        computed_meal_cost=meals_cost.computed,
        meal_cost_override_reason=meals_cost.reason,
        notes=notes,
        idempotency_key=idempotency_key,
        created_by=actor,
    )

    def then(booking: HotelBooking) -> None:
        booking.individuals.set(people)
        MealOrder.objects.bulk_create(
            MealOrder(
                booking=booking,
                individual=line.individual,
                meal=line.meal,
                count=line.count,
                allergies=line.allergies.strip()[:200],
            )
            for line in meals
        )
        log_action(
            user,
            "poe.booking.hotel.created",
            booking,
            port=case.port,
            data={
                "case": case.case_number,
                "hotel": hotel.name,
                "check_in": check_in,
                "nights": nights,
                "rooms": rooms,
                "people": [p.pk for p in people] or "whole case",
                "meals": {str(line.individual.pk): [line.meal, line.count] for line in meals},
                "cost": booking.cost,
                "meal_cost": booking.meal_cost,
                "room_cost": rooms_cost.audit(room_quote.how),
                "meals_cost": meals_cost.audit(meal_quote.how),
            },
        )
        transit_notice(case, check_in, hotel.name, actor)

    with transaction.atomic():
        return once(booking, then, matches=lambda first: first.case_id == case.pk)


# --- ground transport --------------------------------------------------------------------------


def transport_notice(
    booking: GroundTransportBooking, people: Sequence[Individual], by: Any
) -> None:
    """HQ hears of every ride booked: who, which company, when and where to (once per
    booking)."""
    case, port = booking.case, booking.case.port
    pickup = f"{booking.pickup_at.astimezone(port.zone):%d %b %H:%M} {port.iata} time"
    to = booking.get_dropoff_display()
    if booking.dropoff_detail:
        to += f": {booking.dropoff_detail}"
    subject = (
        f"{port.iata} · Transport: case {case.case_number} {booking.vendor.name} "
        f"{booking.pickup_at.astimezone(port.zone):%d %b %H:%M} → {booking.get_dropoff_display()}"
    )
    context = {
        "summary": f"Ground transport booked for case {case.case_number}: {booking.vendor.name}, "
        f"pickup {pickup} at {booking.pickup_place}, to {to}.",
        "details": [
            ["Case", case.case_number],
            ["People", ", ".join(str(p) for p in people) or "Whole case"],
            ["Company", f"{booking.vendor.name} {booking.vendor.phone}".strip()],
            ["Pickup", f"{pickup} at {booking.pickup_place}"],
            ["Drop-off", to],
            ["Wheelchair-accessible", "yes" if booking.wheelchair_accessible else "no"],
            ["Luggage", str(booking.luggage_count)],
            ["Booked by", str(by.get_full_name() or by.get_username())],
        ],
        "path": page_url("case", case.case_number),
    }
    notify(
        NotificationKind.TRANSPORT,
        port,
        case,
        subject,
        context,
        dedupe_key=f"transport:{booking.pk}",
    )


def book_transport(
    user: User,
    case: Case,
    *,
    vendor: Vendor | None,
    pickup_at: dt.datetime,
    pickup_place: str,
    dropoff: str,
    idempotency_key: str,
    dropoff_detail: str = "",
    individuals: Sequence[Individual] = (),
    wheelchair_accessible: bool = False,
    child_seats: int = 0,
    luggage_count: int = 0,
    cost: Decimal | None = None,
    cost_reason: str = "",
    notes: str = "",
) -> Saved:
    """Book a ride for the case (or ``individuals`` of it). Its cost is the company's contracted
    ride rate on the day of pickup unless a cost is typed with a reason."""
    require_port_perm(user, case.port, OPERATE)
    check_key(idempotency_key)
    company = _vendor(case, vendor, Vendor.Kind.GROUND_TRANSPORT, "ground-transport company")
    if not pickup_place.strip():
        raise Refusal("Pickup place: say where the car picks them up.")
    if dropoff not in GroundTransportBooking.DropOff.values:
        raise Refusal("Drop-off: choose terminal, hotel, final destination or agency office.")
    needs_detail = dropoff in {
        GroundTransportBooking.DropOff.FINAL_DESTINATION,
        GroundTransportBooking.DropOff.AGENCY_OFFICE,
    }
    if needs_detail and not dropoff_detail.strip():
        raise Refusal("Drop-off details: give the address.")
    if not 0 <= child_seats <= 10 or not 0 <= luggage_count <= 60:
        raise Refusal("Child seats: 0 to 10; luggage: 0 to 60 pieces.")
    people = case.members(individuals)
    actor = signed_in(user)
    ride_quote = rates.ride(company, pickup_at.astimezone(case.port.zone).date())
    ride_cost = settle(
        cost, cost_reason, ride_quote, what="cost", field="cost", reason_field="cost_reason"
    )

    booking = GroundTransportBooking(
        case=case,
        vendor=company,
        pickup_at=pickup_at,
        pickup_place=pickup_place.strip(),
        dropoff=dropoff,
        dropoff_detail=dropoff_detail.strip(),
        wheelchair_accessible=wheelchair_accessible,
        child_seats=child_seats,
        luggage_count=luggage_count,
        cost=ride_cost.cost,
        computed_cost=ride_cost.computed,
        cost_override_reason=ride_cost.reason,
        notes=notes,
        idempotency_key=idempotency_key,
        created_by=actor,
    )

    def then(booking: GroundTransportBooking) -> None:
        booking.individuals.set(people)
        log_action(
            user,
            "poe.booking.transport.created",
            booking,
            port=case.port,
            data={
                "case": case.case_number,
                "company": company.name,
                "pickup_at": pickup_at,
                "dropoff": dropoff,
                "people": [p.pk for p in people] or "whole case",
                "cost": booking.cost,
                "ride_cost": ride_cost.audit(ride_quote.how),
            },
        )
        transport_notice(booking, people, actor)

    with transaction.atomic():
        return once(booking, then, matches=lambda first: first.case_id == case.pk)


# --- status changes ----------------------------------------------------------------------------


def _change_status(
    user: User,
    model: type[HotelBooking] | type[GroundTransportBooking],
    pk: int,
    to_status: str,
    moves: dict[str, frozenset[str]],
    action: str,
) -> Any:
    with transaction.atomic():
        booking = (
            model.objects.select_for_update(of=("self",))
            .select_related("case__port", "vendor")
            .get(pk=pk)
        )
        require_port_perm(user, booking.case.port, OPERATE)
        labels = dict(model.Status.choices)
        if to_status not in labels:
            raise Refusal(f"“{to_status}” is not a booking status.")
        if booking.status == to_status:
            return booking  # a double tap: already there
        if to_status not in moves[booking.status]:
            raise Refusal(
                f"This booking is {labels[booking.status].lower()}; it cannot become "
                f"{labels[to_status].lower()}."
            )
        before = booking.status
        booking.status = to_status
        booking.save(update_fields=["status", "updated_at"])
        log_action(
            user,
            action,
            booking,
            port=booking.case.port,
            changes=changed_fields({"status": before}, {"status": to_status}),
            data={"case": booking.case.case_number},
        )
        return booking


def change_hotel_status(user: User, booking_id: int, to_status: str) -> HotelBooking:
    """requested → confirmed → checked in → checked out; cancelled before check-in."""
    booking: HotelBooking = _change_status(
        user, HotelBooking, booking_id, to_status, HOTEL_MOVES, "poe.booking.hotel.status"
    )
    return booking


def change_transport_status(user: User, booking_id: int, to_status: str) -> GroundTransportBooking:
    """requested → confirmed → completed; cancelled before completion."""
    booking: GroundTransportBooking = _change_status(
        user,
        GroundTransportBooking,
        booking_id,
        to_status,
        TRANSPORT_MOVES,
        "poe.booking.transport.status",
    )
    return booking
