"""Rebooking a missed or cancelled connection: the new flight replaces the segment (the old one is
kept), a hotel and ground transport may be booked in the same action, the people's steps follow,
and Operations HQ hears of the rebooking — the new flight and its time, the hotel by name (and
of the overnight transit, when there is a hotel). Everyone on one flight at once:
``arrivals.services.group_rebooking``.

One transaction: the rebooking, the bookings, the steps, the audit events and the notifications
commit together or not at all. A repeated idempotency key returns the first rebooking."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from arrivals.models import Flight, Rebooking, Segment
from arrivals.services import agency_notices, checkin
from cases.models import Case, Individual
from cases.services.bookings import book_hotel, book_transport
from cases.steps import ArrivalStep, refusal_reason, skipped_at
from poe_ops.keys import Saved
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
        parts = [f"Case {r.case.case_number} rebooked on {r.new_segment.flight_label}."]
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


def departs_words(flight: Flight, zone: Any, iata: str) -> str:
    """When the flight leaves, in the port's local time, for a notice."""
    if flight.scheduled_departure:
        return f"{flight.scheduled_departure.astimezone(zone):%d %b %H:%M} {iata} time"
    return f"{flight.scheduled_date:%d %b %Y}"


def hotel_words(rebooking: Rebooking) -> str:
    """The rebooking's hotel in a line: name, check-in, nights, rooms (or "none")."""
    hotel = rebooking.hotel_booking
    if hotel is None:
        return "none"
    nights = f"{hotel.nights} night{'s' if hotel.nights != 1 else ''}"
    return f"{hotel.vendor.name}, check-in {hotel.check_in:%d %b}, {nights}, {hotel.rooms} room(s)"


def transport_words(rebooking: Rebooking, zone: Any) -> str:
    """The rebooking's ride in a line: company, pickup, drop-off (or "none")."""
    ride = rebooking.transport_booking
    if ride is None:
        return "none"
    to = ride.get_dropoff_display() + (f": {ride.dropoff_detail}" if ride.dropoff_detail else "")
    return f"{ride.vendor.name}, pickup {ride.pickup_at.astimezone(zone):%d %b %H:%M} → {to}"


def _notice(rebooking: Rebooking, people: Sequence[Individual], actor: Any) -> None:
    case, port = rebooking.case, rebooking.case.port
    old, new = rebooking.old_segment.flight, rebooking.new_segment.flight
    subject = (
        f"{port.iata} · Rebooking: case {case.case_number} from {old.code} to "
        f"{rebooking.new_segment.flight_label}"
    )
    if rebooking.hotel_booking_id:
        subject += f", hotel {rebooking.hotel_booking.vendor.name}"  # type: ignore[union-attr]
    details = [
        ["Case", case.case_number],
        ["People", ", ".join(str(p) for p in people)],
        [
            "Missed / replaced",
            f"{rebooking.old_segment.flight_label} {old.origin} → {old.destination} "
            f"({old.get_status_display().lower()})",
        ],
        [
            "New flight",
            f"{new.code} {new.origin} → {new.destination}, "
            f"departs {departs_words(new, port.zone, port.iata)}",
        ],
        ["Reason", rebooking.reason or "—"],
        ["Hotel", hotel_words(rebooking)],
        ["Transport", transport_words(rebooking, port.zone)],
        ["Recorded by", str(actor.get_full_name() or actor.get_username())],
    ]
    context = {
        "summary": f"Case {case.case_number} was rebooked from {old.code} to {new.code} "
        f"departing {departs_words(new, port.zone, port.iata)}"
        + (f"; hotel: {hotel_words(rebooking)}." if rebooking.hotel_booking_id else "."),
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
    agency_notices.rebooked(rebooking, people)


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
            return rebook_locked(
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


def rebook_locked(
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
    """The rebooking itself, inside the caller's transaction (``rebook``, or
    ``group_rebooking.rebook_group`` for each case on a flight); ``quiet``: the caller tells HQ
    itself, once for many."""
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
