"""Booking hotels and ground transport, rating vendors, assigning escorts and recording custody
handovers. Each function takes the acting user, checks the port permission, changes state in one
transaction with its audit event, and refuses bad input with a ``BookingError`` saying what is
wrong (nothing is changed then). A repeated idempotency key returns the first result."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone

from cases.bookings import (
    CustodyHandover,
    EscortAssignment,
    GroundTransportBooking,
    HotelBooking,
    MealOrder,
    Vendor,
    VendorProblem,
    VendorRating,
)
from cases.models import Case, Individual
from poe_ops.audit import changed_fields, log_action
from poe_ops.models import NotificationKind
from poe_ops.notifications import notify
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import require_port_perm

User = AbstractBaseUser | AnonymousUser
B = TypeVar("B", HotelBooking, GroundTransportBooking, EscortAssignment, CustodyHandover)

_KEY = re.compile(r"^[A-Za-z0-9:-]{8,64}$")

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


class BookingError(ValueError):
    """Refused: the message says what is wrong and where. Nothing was changed."""


@dataclass(frozen=True)
class Saved:
    """What a create call made; ``repeated`` when the key had been used before."""

    obj: Any
    repeated: bool = False


@dataclass
class MealLine:
    individual: Individual
    meal: str = MealOrder.Meal.REGULAR
    count: int = 3
    allergies: str = ""


def _actor(user: User) -> Any:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


def _check_key(key: str) -> None:
    if not _KEY.match(key or ""):
        raise BookingError("This form has no valid idempotency key; reload the page and try again.")


def _earlier(model: type[B], key: str, case: Case) -> Saved | None:
    found = model.objects.filter(idempotency_key=key).first()
    if found is None:
        return None
    if found.case_id != case.pk:
        raise BookingError("This form was already used for another case; reload the page.")
    return Saved(found, repeated=True)


def _once(model: type[B], key: str, case: Case, create: Callable[[], B]) -> Saved:
    """``create()`` unless ``key`` was used before; a racing duplicate gets the first one."""
    earlier = _earlier(model, key, case)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            return Saved(create())
    except IntegrityError:
        earlier = _earlier(model, key, case)
        if earlier is None:
            raise
        return earlier


def _people(case: Case, individuals: Sequence[Individual]) -> list[Individual]:
    strangers = [str(p) for p in individuals if p.case_id != case.pk]
    if strangers:
        raise BookingError(f"Not in case {case.case_number}: {', '.join(strangers)}.")
    return list(individuals)


def _vendor(case: Case, vendor: Vendor | None, kind: str, what: str) -> Vendor:
    if vendor is None:
        raise BookingError(f"Choose the {what}.")
    if vendor.port_id != case.port_id or vendor.kind != kind:
        raise BookingError(f"{vendor} is not a {what} of {case.port.iata}.")
    if not vendor.active:
        raise BookingError(f"{vendor} is no longer in use at {case.port.iata}; choose another.")
    return vendor


def _money(value: Decimal | None, what: str) -> Decimal:
    value = Decimal("0") if value is None else value
    if value < 0:
        raise BookingError(f"The {what} cannot be negative.")
    return value


def _case_path(case: Case) -> str:
    return reverse("cases:detail", args=[case.case_number])


# --- hotel ------------------------------------------------------------------------------------


def transit_notice(case: Case, night: dt.date, hotel: str, by: Any) -> None:
    """HQ hears once per case and night that the case stays overnight (the same key as the
    "to hotel" step's notice, so a booking and the step report it once)."""
    port = case.port
    subject = f"{port.iata} · Transit: case {case.case_number} to hotel overnight"
    context = {
        "summary": f"Case {case.case_number} is staying overnight in a hotel at {port.iata}.",
        "details": [
            ["Case", case.case_number],
            ["Final destination", case.final_destination or "—"],
            ["Hotel", hotel],
            ["Night of", f"{night:%d %b %Y}"],
            ["Booked by", str(by.get_full_name() or by.get_username())],
        ],
        "path": _case_path(case),
    }
    key = f"transit:{case.pk}:{night.isoformat()}"
    notify(NotificationKind.TRANSIT, port, case, subject, context, dedupe_key=key)


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
    notes: str = "",
) -> Saved:
    """Book a hotel for the case (or ``individuals`` of it) with each person's meals; tells HQ
    of the overnight transit."""
    require_port_perm(user, case.port, OPERATE)
    _check_key(idempotency_key)
    hotel = _vendor(case, vendor, Vendor.Kind.HOTEL, "hotel")
    if not 1 <= nights <= 30:
        raise BookingError("Nights: between 1 and 30.")
    if not 1 <= rooms <= 20:
        raise BookingError("Rooms: between 1 and 20.")
    people = _people(case, individuals)
    eaters = _people(case, [line.individual for line in meals])
    if len({p.pk for p in eaters}) != len(eaters):
        raise BookingError("Each person can have one meal order per booking.")
    for line in meals:
        if line.meal not in MealOrder.Meal.values:
            raise BookingError(f"Meals for {line.individual}: “{line.meal}” is not a meal kind.")
        if not 0 <= line.count <= 60:
            raise BookingError(f"Meals for {line.individual}: between 0 and 60.")
    actor = _actor(user)

    def create() -> HotelBooking:
        booking = HotelBooking.objects.create(
            case=case,
            vendor=hotel,
            check_in=check_in,
            nights=nights,
            rooms=rooms,
            accessible_room=accessible_room,
            crib=crib,
            cost=_money(cost, "room cost"),
            meal_cost=_money(meal_cost, "meal cost"),
            notes=notes,
            idempotency_key=idempotency_key,
            created_by=actor,
        )
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
            },
        )
        transit_notice(case, check_in, hotel.name, actor)
        return booking

    with transaction.atomic():
        return _once(HotelBooking, idempotency_key, case, create)


# --- ground transport --------------------------------------------------------------------------


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
    notes: str = "",
) -> Saved:
    require_port_perm(user, case.port, OPERATE)
    _check_key(idempotency_key)
    company = _vendor(case, vendor, Vendor.Kind.GROUND_TRANSPORT, "ground-transport company")
    if not pickup_place.strip():
        raise BookingError("Pickup place: say where the car picks them up.")
    if dropoff not in GroundTransportBooking.DropOff.values:
        raise BookingError("Drop-off: choose terminal, hotel, final destination or agency office.")
    needs_detail = dropoff in {
        GroundTransportBooking.DropOff.FINAL_DESTINATION,
        GroundTransportBooking.DropOff.AGENCY_OFFICE,
    }
    if needs_detail and not dropoff_detail.strip():
        raise BookingError("Drop-off details: give the address.")
    if not 0 <= child_seats <= 10 or not 0 <= luggage_count <= 60:
        raise BookingError("Child seats: 0 to 10; luggage: 0 to 60 pieces.")
    people = _people(case, individuals)
    actor = _actor(user)

    def create() -> GroundTransportBooking:
        booking = GroundTransportBooking.objects.create(
            case=case,
            vendor=company,
            pickup_at=pickup_at,
            pickup_place=pickup_place.strip(),
            dropoff=dropoff,
            dropoff_detail=dropoff_detail.strip(),
            wheelchair_accessible=wheelchair_accessible,
            child_seats=child_seats,
            luggage_count=luggage_count,
            cost=_money(cost, "cost"),
            notes=notes,
            idempotency_key=idempotency_key,
            created_by=actor,
        )
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
            },
        )
        return booking

    with transaction.atomic():
        return _once(GroundTransportBooking, idempotency_key, case, create)


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
            raise BookingError(f"“{to_status}” is not a booking status.")
        if booking.status == to_status:
            return booking  # a double tap: already there
        if to_status not in moves[booking.status]:
            raise BookingError(
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


# --- vendor quality ---------------------------------------------------------------------------


def _booking_fields(booking: HotelBooking | GroundTransportBooking) -> dict[str, Any]:
    if isinstance(booking, HotelBooking):
        return {"hotel_booking": booking}
    return {"transport_booking": booking}


def rate_vendor(
    user: User,
    booking: HotelBooking | GroundTransportBooking,
    rating: int,
    comment: str = "",
) -> VendorRating:
    require_port_perm(user, booking.case.port, OPERATE)
    if not 1 <= rating <= 5:
        raise BookingError("Rating: from 1 (poor) to 5 (excellent).")
    with transaction.atomic():
        made = VendorRating.objects.create(
            vendor=booking.vendor,
            rating=rating,
            comment=comment.strip(),
            rated_by=_actor(user),
            **_booking_fields(booking),
        )
        log_action(
            user,
            "poe.vendor.rated",
            booking.vendor,
            port=booking.case.port,
            data={"rating": rating, "booking": booking.pk, "case": booking.case.case_number},
        )
    return made


def log_problem(
    user: User,
    booking: HotelBooking | GroundTransportBooking,
    kind: str,
    description: str,
) -> VendorProblem:
    require_port_perm(user, booking.case.port, OPERATE)
    if kind not in VendorProblem.Kind.values:
        raise BookingError("Problem: choose late pickup, no room, no interpreter or other.")
    if not description.strip():
        raise BookingError("Problem: say in a few words what happened.")
    with transaction.atomic():
        problem = VendorProblem.objects.create(
            vendor=booking.vendor,
            kind=kind,
            description=description.strip(),
            reported_by=_actor(user),
            **_booking_fields(booking),
        )
        log_action(
            user,
            "poe.vendor.problem.logged",
            booking.vendor,
            port=booking.case.port,
            data={"problem": problem.pk, "kind": kind, "case": booking.case.case_number},
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


# --- escorts ---------------------------------------------------------------------------------


def assign_escort(
    user: User,
    case: Case,
    *,
    individuals: Sequence[Individual],
    kind: str,
    name: str,
    idempotency_key: str,
    organisation: str = "",
    escort_user: Any = None,
    purpose: str = EscortAssignment.Purpose.LEG,
    leg: str = "",
) -> Saved:
    require_port_perm(user, case.port, OPERATE)
    _check_key(idempotency_key)
    if kind not in EscortAssignment.Kind.values:
        raise BookingError("Escort: choose IOM staff, medical escort or agency representative.")
    if purpose not in EscortAssignment.Purpose.values:
        raise BookingError("Escort for: a leg of the journey or the handover.")
    if escort_user is not None:
        name = name.strip() or str(escort_user.get_full_name() or escort_user.get_username())
    if not name.strip():
        raise BookingError("Escort name: who is it?")
    if kind == EscortAssignment.Kind.AGENCY and not organisation.strip():
        raise BookingError("Organisation: which agency does the representative work for?")
    people = _people(case, individuals)
    if not people:
        raise BookingError("Choose who the escort accompanies.")
    actor = _actor(user)

    def create() -> EscortAssignment:
        escort = EscortAssignment.objects.create(
            case=case,
            kind=kind,
            name=name.strip(),
            organisation=organisation.strip()
            or ("IOM" if kind == EscortAssignment.Kind.IOM_STAFF else ""),
            user=escort_user,
            purpose=purpose,
            leg=leg.strip(),
            idempotency_key=idempotency_key,
            assigned_by=actor,
        )
        escort.individuals.set(people)
        log_action(
            user,
            "poe.escort.assigned",
            case,
            data={
                "escort": escort.pk,
                "kind": kind,
                "name": escort.name,
                "organisation": escort.organisation,
                "people": [p.pk for p in people],
            },
        )
        return escort

    with transaction.atomic():
        return _once(EscortAssignment, idempotency_key, case, create)


# --- custody -----------------------------------------------------------------------------------


@dataclass
class Party:
    kind: str
    name: str
    organisation: str = ""


def record_handover(
    user: User,
    case: Case,
    *,
    subject: str,
    from_party: Party,
    to_party: Party,
    place: str,
    idempotency_key: str,
    individual: Individual | None = None,
    at: dt.datetime | None = None,
) -> Saved:
    """Who handed a minor (or a case's documents in custody) to whom, when and where. The
    receiving party must be named with their organisation: custody is never "nobody"."""
    require_port_perm(user, case.port, OPERATE)
    _check_key(idempotency_key)
    if subject not in CustodyHandover.Subject.values:
        raise BookingError("Handover of: a minor or documents held in custody.")
    if individual is not None:
        _people(case, [individual])
    if subject == CustodyHandover.Subject.MINOR:
        if individual is None:
            raise BookingError("Choose the minor who is handed over.")
        if not (individual.unaccompanied_minor or "UMNR" in individual.ssr_codes):
            raise BookingError(f"{individual} is not recorded as an unaccompanied minor.")
    for label, party in (("From", from_party), ("To", to_party)):
        if party.kind not in CustodyHandover.Party.values:
            raise BookingError(f"{label}: IOM staff, escort or agency representative.")
        if not party.name.strip():
            raise BookingError(f"{label}: name the person.")
    if not to_party.organisation.strip():
        raise BookingError("To: name the receiving person's organisation.")
    if not place.strip():
        raise BookingError("Place: where did the handover happen?")
    when = at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise BookingError("Time: a handover cannot be recorded in the future.")
    actor = _actor(user)

    def create() -> CustodyHandover:
        handover = CustodyHandover.objects.create(
            case=case,
            subject=subject,
            individual=individual,
            from_kind=from_party.kind,
            from_name=from_party.name.strip(),
            from_organisation=from_party.organisation.strip(),
            to_kind=to_party.kind,
            to_name=to_party.name.strip(),
            to_organisation=to_party.organisation.strip(),
            at=when,
            place=place.strip(),
            idempotency_key=idempotency_key,
            recorded_by=actor,
        )
        log_action(
            user,
            "poe.custody.handover",
            individual or case,
            port=case.port,
            data={
                "handover": handover.pk,
                "subject": subject,
                "from": [from_party.kind, handover.from_name, handover.from_organisation],
                "to": [to_party.kind, handover.to_name, handover.to_organisation],
                "place": handover.place,
                "at": when,
            },
        )
        return handover

    with transaction.atomic():
        return _once(CustodyHandover, idempotency_key, case, create)


def named_receiver(individual: Individual) -> CustodyHandover | None:
    """The latest handover of this minor to someone outside the POE team, if any."""
    return (
        CustodyHandover.objects.filter(
            individual=individual,
            subject=CustodyHandover.Subject.MINOR,
            to_kind__in=[CustodyHandover.Party.ESCORT, CustodyHandover.Party.AGENCY],
        )
        .order_by("-at", "-id")
        .first()
    )


# --- what a case costs -------------------------------------------------------------------------


@dataclass
class Costs:
    ground: Decimal = Decimal("0.00")
    hotel: Decimal = Decimal("0.00")
    meals: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.ground + self.hotel + self.meals


def _sum(queryset: models.QuerySet[Any], field_name: str) -> Decimal:
    value = queryset.aggregate(total=models.Sum(field_name))["total"]
    return Decimal(value or 0).quantize(Decimal("0.01"))


def case_costs(case: Case) -> Costs:
    """What was spent on the case; cancelled bookings cost nothing."""
    hotels = HotelBooking.objects.filter(case=case).exclude(status=HotelBooking.Status.CANCELLED)
    rides = GroundTransportBooking.objects.filter(case=case).exclude(
        status=GroundTransportBooking.Status.CANCELLED
    )
    return Costs(
        ground=_sum(rides, "cost"), hotel=_sum(hotels, "cost"), meals=_sum(hotels, "meal_cost")
    )


@dataclass
class CaseBookings:
    hotels: list[HotelBooking] = field(default_factory=list)
    transport: list[GroundTransportBooking] = field(default_factory=list)
    escorts: list[EscortAssignment] = field(default_factory=list)
    custody: list[CustodyHandover] = field(default_factory=list)
    costs: Costs = field(default_factory=Costs)


def case_bookings(case: Case) -> CaseBookings:
    """The case page's bookings, escorts, custody chain and costs in a fixed number of queries."""
    hotels = list(
        HotelBooking.objects.filter(case=case)
        .select_related("vendor")
        .prefetch_related("individuals", "meals__individual")
        .order_by("check_in", "id")
    )
    transport = list(
        GroundTransportBooking.objects.filter(case=case)
        .select_related("vendor")
        .prefetch_related("individuals")
    )
    escorts = list(EscortAssignment.objects.filter(case=case).prefetch_related("individuals"))
    custody = list(
        CustodyHandover.objects.filter(case=case).select_related("individual", "recorded_by")
    )
    costs = Costs()
    for hotel in hotels:
        if hotel.status != HotelBooking.Status.CANCELLED:
            costs.hotel += hotel.cost
            costs.meals += hotel.meal_cost
    for ride in transport:
        if ride.status != GroundTransportBooking.Status.CANCELLED:
            costs.ground += ride.cost
    return CaseBookings(hotels, transport, escorts, custody, costs)


def hotel_status_moves(booking: HotelBooking) -> list[tuple[str, str]]:
    labels = dict(HotelBooking.Status.choices)
    return [(s, labels[s]) for s in HotelBooking.Status.values if s in HOTEL_MOVES[booking.status]]


def transport_status_moves(booking: GroundTransportBooking) -> list[tuple[str, str]]:
    labels = dict(GroundTransportBooking.Status.choices)
    moves = TRANSPORT_MOVES[booking.status]
    return [(s, labels[s]) for s in GroundTransportBooking.Status.values if s in moves]
