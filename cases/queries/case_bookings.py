"""What the case page shows of a case's bookings: hotels, transport, escorts, the custody chain,
what they cost, who still needs an escort, and the status moves open to each booking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from cases.models import (
    Case,
    CustodyHandover,
    EscortAssignment,
    GroundTransportBooking,
    HotelBooking,
    Individual,
)
from cases.queries.escorts import needs_escort
from cases.services.bookings import HOTEL_MOVES, TRANSPORT_MOVES


@dataclass
class Costs:
    ground: Decimal = Decimal("0.00")
    hotel: Decimal = Decimal("0.00")
    meals: Decimal = Decimal("0.00")

    @property
    def total(self) -> Decimal:
        return self.ground + self.hotel + self.meals


@dataclass
class CaseBookings:
    hotels: list[HotelBooking] = field(default_factory=list)
    transport: list[GroundTransportBooking] = field(default_factory=list)
    escorts: list[EscortAssignment] = field(default_factory=list)
    custody: list[CustodyHandover] = field(default_factory=list)
    costs: Costs = field(default_factory=Costs)
    needing_escort: list[Individual] = field(default_factory=list)


def case_bookings(case: Case, people: Sequence[Individual] = ()) -> CaseBookings:
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
        CustodyHandover.objects.filter(case=case)
        .select_related("recorded_by", "override_by")
        .prefetch_related("individuals")
    )
    costs = Costs()
    for hotel in hotels:
        if hotel.status != HotelBooking.Status.CANCELLED:
            costs.hotel += hotel.cost
            costs.meals += hotel.meal_cost
    for ride in transport:
        if ride.status != GroundTransportBooking.Status.CANCELLED:
            costs.ground += ride.cost
    escorted = {p.pk for escort in escorts for p in escort.individuals.all()}
    needing = [
        p
        for p in people
        if p.pk not in escorted
        and needs_escort(
            {
                "current_step": p.current_step,
                "programme_status": p.programme_status,
                "ssr_codes": p.ssr_codes,
            }
        )
    ]
    for hotel in hotels:
        hotel.moves = hotel_status_moves(hotel)  # type: ignore[attr-defined]
    for ride in transport:
        ride.moves = transport_status_moves(ride)  # type: ignore[attr-defined]
    return CaseBookings(hotels, transport, escorts, custody, costs, needing)


STATUS_VERBS = {
    "confirmed": "Mark confirmed",
    "checked_in": "Mark checked in",
    "checked_out": "Mark checked out",
    "completed": "Mark completed",
    "cancelled": "Cancel booking",
}


def hotel_status_moves(booking: HotelBooking) -> list[tuple[str, str]]:
    """(status, button label) for the moves open to the booking, in the order of the path."""
    moves = HOTEL_MOVES[booking.status]
    return [(s, STATUS_VERBS[s]) for s in HotelBooking.Status.values if s in moves]


def transport_status_moves(booking: GroundTransportBooking) -> list[tuple[str, str]]:
    moves = TRANSPORT_MOVES[booking.status]
    return [(s, STATUS_VERBS[s]) for s in GroundTransportBooking.Status.values if s in moves]


@dataclass
class Timeline:
    """One person's chain of custody, oldest first."""

    person: Individual
    handovers: list[CustodyHandover]


def custody_timelines(
    custody: Sequence[CustodyHandover], people: Sequence[Individual]
) -> list[Timeline]:
    """The chain of each minor (URM, separated, or anyone under a minor's hand-over), from the
    hand-overs already read with their people: no query."""
    timelines = []
    for person in people:
        theirs = [h for h in custody if any(p.pk == person.pk for p in h.individuals.all())]
        if person.needs_custody or any(h.of_minor for h in theirs):
            timelines.append(Timeline(person, theirs))
    return timelines
