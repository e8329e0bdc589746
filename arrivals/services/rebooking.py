"""Rebooking a missed or cancelled connection: the new flight replaces the segment (the old one is
kept), a hotel and ground transport may be booked in the same action, the people's steps follow,
and Operations HQ hears of the rebooking — the new flight and its time, the hotel by name (and
of the overnight transit, when there is a hotel). ``rebook_group`` moves everyone booked on one
flight (several cases) to a new one in a single action and tells HQ once.

One transaction: the rebooking, the bookings, the steps, the audit events and the notifications
commit together or not at all. A repeated idempotency key returns the first rebooking."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from arrivals.models import Flight, Rebooking, Segment
from arrivals.services import checkin
from cases.models import Case, Individual
from cases.models.bookings import GroundTransportBooking, MealOrder, Vendor
from cases.services.bookings import MealLine, book_hotel, book_transport
from cases.steps import ArrivalStep, refusal_reason, skipped_at
from poe_ops.keys import Saved, check_key, derive
from poe_ops.models import NotificationKind
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import require_port_perm
from poe_ops.services.audit import log_action
from poe_ops.services.notifications import notify


@dataclass
class NewFlight:
    carrier: str
    number: str
    date: dt.date
    destination: str
    departure: dt.datetime | None = None
    arrival: dt.datetime | None = None


@dataclass
class RebookingResult:
    rebooking: Rebooking
    repeated: bool = False
    moved: list[checkin.StepResult] = field(default_factory=list)

    @property
    def message(self) -> str:
        r = self.rebooking
        parts = [
            f"Case {r.case.case_number} rebooked on {r.new_segment.flight.code} "
            f"{r.new_segment.flight.scheduled_date:%d %b}."
        ]
        if r.hotel_booking_id:
            parts.append("Hotel booked.")
        if r.transport_booking_id:
            parts.append("Transport booked.")
        return " ".join(parts)


def already_done(case: Case, key: str) -> Rebooking | None:
    """The rebooking an earlier submit of the same form made, if any."""
    if not key:
        return None
    return Rebooking.objects.filter(case=case, idempotency_key=key).first()


def travellers(segment: Segment) -> list[Individual]:
    """Who the segment carries: its named people, or everyone in the case."""
    named = list(segment.individuals.all())
    return named or list(segment.case.individuals.order_by("person_number"))


def _flight(case: Case, new: NewFlight, old: Flight) -> Flight:
    carrier, number = new.carrier.strip().upper(), new.number.strip().upper().lstrip("0")
    if not carrier or not number:
        raise Refusal("New flight: give the airline code and flight number, e.g. DL 1234.")
    destination = new.destination.strip().upper() or old.destination
    candidate = Flight(
        carrier=carrier,
        number=number,
        scheduled_date=new.date,
        port=case.port,
        origin=old.origin,
        destination=destination,
    )
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        problems = "; ".join(
            f"{name.replace('_', ' ')}: {' '.join(messages)}"
            for name, messages in error.message_dict.items()
        )
        raise Refusal(f"New flight: {problems}") from None
    flight, _created = Flight.objects.get_or_create(
        carrier=carrier,
        number=number,
        scheduled_date=new.date,
        defaults={
            "port": case.port,
            "origin": old.origin,
            "destination": destination,
            "scheduled_departure": new.departure,
            "scheduled_arrival": new.arrival,
        },
    )
    if flight.pk == old.pk:
        raise Refusal(f"{flight.code} on {new.date:%d %b} is the flight being replaced.")
    if flight.status == Flight.Status.CANCELLED:
        raise Refusal(f"{flight.code} on {new.date:%d %b} is cancelled; choose another.")
    return flight


def _when(flight: Flight, zone: Any, iata: str) -> str:
    if flight.scheduled_departure:
        return f"{flight.scheduled_departure.astimezone(zone):%d %b %H:%M} {iata} time"
    return f"{flight.scheduled_date:%d %b %Y}"


def _hotel_words(rebooking: Rebooking) -> str:
    hotel = rebooking.hotel_booking
    if hotel is None:
        return "none"
    nights = f"{hotel.nights} night{'s' if hotel.nights != 1 else ''}"
    return f"{hotel.vendor.name}, check-in {hotel.check_in:%d %b}, {nights}, {hotel.rooms} room(s)"


def _transport_words(rebooking: Rebooking, zone: Any) -> str:
    ride = rebooking.transport_booking
    if ride is None:
        return "none"
    to = ride.get_dropoff_display() + (f": {ride.dropoff_detail}" if ride.dropoff_detail else "")
    return f"{ride.vendor.name}, pickup {ride.pickup_at.astimezone(zone):%d %b %H:%M} → {to}"


def _notice(rebooking: Rebooking, people: Sequence[Individual], actor: Any) -> None:
    case, port = rebooking.case, rebooking.case.port
    old, new = rebooking.old_segment.flight, rebooking.new_segment.flight
    subject = (
        f"{port.iata} · Rebooking: case {case.case_number} from {old.code} to {new.code} "
        f"{new.scheduled_date:%d %b}"
    )
    if rebooking.hotel_booking_id:
        subject += f", hotel {rebooking.hotel_booking.vendor.name}"  # type: ignore[union-attr]
    details = [
        ["Case", case.case_number],
        ["People", ", ".join(str(p) for p in people)],
        [
            "Missed / replaced",
            f"{old.code} {old.scheduled_date:%d %b} {old.origin} → {old.destination} "
            f"({old.get_status_display().lower()})",
        ],
        [
            "New flight",
            f"{new.code} {new.origin} → {new.destination}, "
            f"departs {_when(new, port.zone, port.iata)}",
        ],
        ["Reason", rebooking.reason or "—"],
        ["Hotel", _hotel_words(rebooking)],
        ["Transport", _transport_words(rebooking, port.zone)],
        ["Recorded by", str(actor.get_full_name() or actor.get_username())],
    ]
    context = {
        "summary": f"Case {case.case_number} was rebooked from {old.code} to {new.code} "
        f"departing {_when(new, port.zone, port.iata)}"
        + (f"; hotel: {_hotel_words(rebooking)}." if rebooking.hotel_booking_id else "."),
        "details": details,
        "path": reverse("arrivals:case", args=[case.case_number]),
    }
    notify(
        NotificationKind.REBOOKING,
        port,
        case,
        subject,
        context,
        dedupe_key=f"rebooking:{rebooking.pk}",
    )


def rebook(
    user: Any,
    case: Case,
    *,
    segment_id: int,
    new_flight: NewFlight,
    idempotency_key: str,
    individuals: Sequence[Individual] = (),
    reason: str = "",
    hotel: dict[str, Any] | None = None,
    transport: dict[str, Any] | None = None,
    device: str = "",
) -> RebookingResult:
    """Put ``individuals`` (default: everyone on the segment) on ``new_flight`` instead of the
    segment ``segment_id``; ``hotel`` and ``transport`` are the keyword arguments of
    ``book_hotel`` / ``book_transport`` (without case and key) when they are booked too."""
    require_port_perm(user, case.port, OPERATE)
    earlier = Rebooking.objects.filter(idempotency_key=idempotency_key).first()
    if earlier is not None:
        if earlier.case_id != case.pk:
            raise Refusal("This form was already used for another case; reload the page.")
        return RebookingResult(earlier, repeated=True)
    try:
        with transaction.atomic():
            return _rebook(
                user,
                case,
                segment_id,
                new_flight,
                idempotency_key,
                individuals,
                reason,
                hotel,
                transport,
                device,
            )
    except IntegrityError:
        earlier = Rebooking.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is None:
            raise
        return RebookingResult(earlier, repeated=True)


def _rebook(
    user: Any,
    case: Case,
    segment_id: int,
    new_flight: NewFlight,
    key: str,
    individuals: Sequence[Individual],
    reason: str,
    hotel: dict[str, Any] | None,
    transport: dict[str, Any] | None,
    device: str,
    *,
    quiet: bool = False,
) -> RebookingResult:
    case = Case.objects.select_for_update(of=("self",)).select_related("port").get(pk=case.pk)
    old = (
        Segment.objects.select_for_update(of=("self",))
        .select_related("flight", "case")
        .filter(case=case, pk=segment_id)
        .first()
    )
    if old is None:
        raise Refusal("Choose the flight being replaced (it is not on this case).")
    if old.is_replaced:
        raise Refusal(f"{old.flight.code} was already replaced; reload the page.")
    on_old = travellers(old)
    chosen = list(individuals) or on_old
    strangers = [str(p) for p in chosen if p.pk not in {t.pk for t in on_old}]
    if strangers:
        raise Refusal(f"Not booked on {old.flight.code}: {', '.join(strangers)}.")
    flight = _flight(case, new_flight, old.flight)
    whole = not old.individuals.exists() and len(chosen) == len(on_old)
    new = Segment.objects.create(case=case, flight=flight, direction=old.direction)
    if not whole:
        new.individuals.set(chosen)
        staying = [p for p in on_old if p.pk not in {c.pk for c in chosen}]
        if staying:  # the others keep the old flight on a segment of their own
            rest = Segment.objects.create(case=case, flight=old.flight, direction=old.direction)
            rest.individuals.set(staying)
    old.replaced_by = new
    old.save(update_fields=["replaced_by"])
    hotel_saved: Saved | None = None
    transport_saved: Saved | None = None
    if hotel is not None:
        hotel_saved = book_hotel(
            user,
            case,
            idempotency_key=f"{key}:hotel",
            individuals=chosen if not whole else (),
            **hotel,
        )
    if transport is not None:
        transport_saved = book_transport(
            user,
            case,
            idempotency_key=f"{key}:transport",
            individuals=chosen if not whole else (),
            **transport,
        )
    rebooking = Rebooking.objects.create(
        case=case,
        old_segment=old,
        new_segment=new,
        reason=reason.strip()[:200],
        hotel_booking=hotel_saved.obj if hotel_saved else None,
        transport_booking=transport_saved.obj if transport_saved else None,
        idempotency_key=key,
        rebooked_by=user,
    )
    log_action(
        user,
        "poe.case.rebooked",
        case,
        changes={
            "flight": [
                f"{old.flight.code} {old.flight.scheduled_date}",
                f"{flight.code} {flight.scheduled_date}",
            ]
        },
        data={
            "rebooking": rebooking.pk,
            "old_segment": old.pk,
            "new_segment": new.pk,
            "people": [p.pk for p in chosen],
            "reason": rebooking.reason,
            "hotel_booking": rebooking.hotel_booking_id,
            "transport_booking": rebooking.transport_booking_id,
        },
    )
    if not quiet:
        _notice(rebooking, chosen, user)
    result = RebookingResult(rebooking)
    result.moved = _steps(user, case, old, chosen, hotel is not None, key, device)
    return result


def _steps(
    user: Any,
    case: Case,
    old: Segment,
    people: Sequence[Individual],
    to_hotel: bool,
    key: str,
    device: str,
) -> list[checkin.StepResult]:
    """The people's steps follow: an inbound flight rebooked → "rebooked" for those still
    expected; a connection rebooked with a hotel booked → "to hotel" for those past customs
    (which reports the overnight transit). Without a hotel the connection goes on from where
    it stopped ("needs rebooking" leads back into it); anyone else keeps their step."""
    if old.direction == Segment.Direction.INBOUND:
        target = ArrivalStep.REBOOKED
    elif to_hotel:
        target = ArrivalStep.HOTEL
    else:
        return []
    skipped = skipped_at(case.port)
    moved = []
    for person in people:
        person.refresh_from_db(fields=["current_step"])
        if refusal_reason(person.current_step, target, skipped):
            continue
        moved.append(
            checkin.move_individual(
                user,
                person.pk,
                target,
                idempotency_key=f"{key[:36]}-{person.pk}",
                device=device,
                port=case.port,
            )
        )
    return moved


# --- The whole group on one flight --------------------------------------------------------------


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
    """The current onward segments booked on ``flight``: who a group rebooking moves."""
    return list(
        Segment.objects.filter(
            flight=flight, direction=Segment.Direction.ONWARD, replaced_by__isnull=True
        )
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
                _rebook(
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
            f"departs {_when(new, port.zone, port.iata)}",
        ],
        ["Reason", first.reason or "—"],
        ["Hotel", _hotel_words(first)],
        ["Transport", _transport_words(first, port.zone)],
        ["Recorded by", str(actor.get_full_name() or actor.get_username())],
    ]
    context = {
        "summary": f"Everyone booked on {old.code} ({cases}, {people} "
        f"{'person' if people == 1 else 'people'}) was rebooked on {new.code} departing "
        f"{_when(new, port.zone, port.iata)}"
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
