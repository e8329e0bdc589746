"""Who may miss their connection at the port, and why — shown where the work is done (the port's
day, each flight's page) and on the HQ board, from the same rule.

A person still on the way through the airport is at risk when their onward flight from the port
(their first onward leg leaving it):

- is **cancelled** — they need rebooking, whatever step they are at;
- has **departed** without them (not yet at the gate);
- leaves too soon: its best-known departure (actual, else estimated, else scheduled) minus the
  inbound flight's best-known arrival plus the port's CBP allowance is under the port's minimum
  connection (``Port.cbp_allowance_minutes``, ``Port.min_connection_minutes``); a cancelled or
  diverted inbound flight puts everyone not yet landed at risk. Through security or at the gate,
  they have made it unless the flight is cancelled;
- lands at the hub too late for their second leg (under ``HUB_CONNECTION_MINUTES``, the first
  leg's arrival moved by its delay);
- is delayed (its status, or an estimate later than scheduled): the port watches them — at the
  gate longer, perhaps a night more, and the agency at the destination must hear of it.

People already marked "needs rebooking" are listed too (first), with the one tap that rebooks
them. Reads nothing itself: the callers pass the people and legs they already read."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from arrivals.models import Flight
from arrivals.queries.onward import Leg, connection_at, legs_of
from cases.steps import IN_PROGRESS, ArrivalStep
from poe_ops.models import Port

CANCELLED = "cancelled"
MISSED = "missed"
NEEDS_REBOOKING = "needs_rebooking"
INBOUND_LOST = "inbound"
TIGHT = "tight"
SECOND_LEG = "second_leg"
DELAYED = "delayed"
URGENT = frozenset({CANCELLED, MISSED, NEEDS_REBOOKING})
# The least time between two domestic legs at a hub.
HUB_CONNECTION_MINUTES = 45
# Past the checkpoint: only a cancellation can still strand them.
MADE_IT = frozenset({ArrivalStep.THROUGH_SECURITY, ArrivalStep.AT_GATE})
# The steps at which someone can be at risk at all (everyone else is gone or not coming).
CAN_BE_AT_RISK = IN_PROGRESS | {ArrivalStep.HOTEL, ArrivalStep.NEEDS_REBOOKING}


def may_be_at_risk(person: Mapping[str, Any], legs: Mapping[int, list[Leg]]) -> bool:
    """A cheap first look: on the way (or at the hotel, or to rebook) with an onward leg."""
    return person["current_step"] in CAN_BE_AT_RISK and person["case_id"] in legs


@dataclass
class AtRisk:
    """A person who may miss (or has missed) their onward flight, and why."""

    individual_id: int
    name: str
    case_number: str
    step: str
    inbound: Flight | None
    leg: Leg | None
    reason: str
    margin_minutes: int | None = None  # departure minus (ETA + CBP allowance), when "tight"
    min_connection: int = 90  # the port's minimum connection, for the words

    @property
    def step_label(self) -> str:
        return str(ArrivalStep(self.step).label)

    @property
    def why(self) -> str:
        return self.words(self.min_connection)

    @property
    def onward_code(self) -> str:
        return self.leg.code if self.leg else ""

    @property
    def onward_departure(self) -> dt.datetime | None:
        return self.leg.departure if self.leg else None

    @property
    def urgent(self) -> bool:
        return self.reason in URGENT

    def words(self, min_connection: int) -> str:
        """Why, in a few words: what the panel's last column says."""
        if self.reason == NEEDS_REBOOKING:
            if self.leg is not None and self.leg.cancelled:
                return f"{self.onward_code} cancelled"
            if self.leg is not None and self.leg.departed:
                return f"{self.onward_code} has departed"
            return "Needs rebooking"
        if self.reason == CANCELLED:
            return f"{self.onward_code} cancelled"
        if self.reason == MISSED:
            return f"{self.onward_code} has departed"
        if self.reason == INBOUND_LOST:
            return "Inbound flight cancelled or diverted"
        if self.reason == DELAYED and self.leg is not None:
            late = self.leg.minutes_late
            return f"{self.onward_code} delayed" + (f" {late:d} min" if late else "")
        if self.reason == SECOND_LEG:
            return f"{self.margin_minutes or 0:d} min for the next leg at the hub"
        margin = self.margin_minutes or 0
        if margin < 0:
            return f"{margin:d} min"
        return f"{margin:d} of {min_connection:d} min"

    def sort_key(self) -> tuple[int, dt.datetime, str]:
        far = dt.datetime.max.replace(tzinfo=dt.UTC)
        return (0 if self.urgent else 1, self.onward_departure or far, self.name)


def _margin(port: Port, inbound: Flight | None, leg: Leg, step: str) -> tuple[str, int] | None:
    departure = leg.departure
    if inbound is None or departure is None:
        return None
    if inbound.status in {Flight.Status.CANCELLED, Flight.Status.DIVERTED}:
        if step == ArrivalStep.EXPECTED:
            return INBOUND_LOST, -port.min_connection_minutes
        return None
    eta = inbound.actual_arrival or inbound.estimated_arrival or inbound.scheduled_arrival
    if eta is None:
        return None
    out_of_cbp = eta + dt.timedelta(minutes=port.cbp_allowance_minutes)
    margin = int((departure - out_of_cbp).total_seconds() // 60)
    return (TIGHT, margin) if margin < port.min_connection_minutes else None


def risk_of(
    port: Port,
    inbound: Flight | None,
    step: str,
    legs: list[Leg],
    individual_id: int,
    step_at: dt.datetime | None = None,
) -> tuple[str, int | None, Leg | None] | None:
    """(reason, margin, leg) when the person is at risk; None when not. ``step_at``: when they
    reached ``step`` — someone marked "needs rebooking" and since booked on a new flight (a
    segment made after that) is back on their connection."""
    leg = connection_at(legs, individual_id, port.iata)
    if step == ArrivalStep.NEEDS_REBOOKING:
        rebooked = (
            leg is not None
            and not (leg.cancelled or leg.departed)
            and step_at is not None
            and leg.booked_at > step_at
        )
        return None if rebooked else (NEEDS_REBOOKING, None, leg)
    if leg is None or (step not in IN_PROGRESS and step != ArrivalStep.HOTEL):
        return None
    if leg.cancelled:
        return CANCELLED, None, leg
    if step == ArrivalStep.HOTEL and leg.departed:
        return MISSED, None, leg
    if step not in MADE_IT and step != ArrivalStep.HOTEL:
        if leg.departed:
            return MISSED, None, leg
        found = _margin(port, inbound, leg, step)
        if found:
            return found[0], found[1], leg
    if leg.departed:
        return None
    hub = _hub_margin(legs, leg, individual_id)
    if hub is not None:
        return SECOND_LEG, hub, leg
    return (DELAYED, None, leg) if leg.delayed else None


def _hub_margin(legs: list[Leg], first: Leg, individual_id: int) -> int | None:
    """Minutes between the first leg landing at the hub and the next leg leaving it, when fewer
    than ``HUB_CONNECTION_MINUTES``; None otherwise."""
    after = next(
        (
            leg
            for leg in legs_of(legs, individual_id)
            if leg.origin == first.destination and leg is not first
        ),
        None,
    )
    lands = first.arrival
    if after is None or lands is None or after.departure is None:
        return None
    margin = int((after.departure - lands).total_seconds() // 60)
    return margin if margin < HUB_CONNECTION_MINUTES else None


def people_at_risk(
    port: Port,
    people: Iterable[tuple[Flight | None, Mapping[str, Any]]],
    legs: Mapping[int, list[Leg]],
) -> list[AtRisk]:
    """Everyone at risk among ``people`` — (inbound flight or None, the person as
    ``portday.people_by_flight`` reads them) — urgent first, then by departure; each person
    once."""
    found: dict[int, AtRisk] = {}
    for inbound, person in people:
        if person["id"] in found or not may_be_at_risk(person, legs):
            continue
        risk = risk_of(
            port,
            inbound,
            person["current_step"],
            legs.get(person["case_id"], []),
            person["id"],
            person.get("current_step_at"),
        )
        if risk is None:
            continue
        reason, margin, leg = risk
        found[person["id"]] = AtRisk(
            individual_id=person["id"],
            name=f"{person['given_names']} {person['surname']}".strip(),
            case_number=person["case_number"],
            step=person["current_step"],
            inbound=inbound,
            leg=leg,
            reason=reason,
            margin_minutes=margin,
            min_connection=port.min_connection_minutes,
        )
    return sorted(found.values(), key=AtRisk.sort_key)


def cancelled_flights(rows: Iterable[AtRisk]) -> list[tuple[int, str, int]]:
    """(flight id, code, people) of each cancelled onward flight among ``rows``: one "rebook
    everyone" link each."""
    counts: dict[int, tuple[str, int]] = {}
    for row in rows:
        if row.leg is not None and row.leg.cancelled:
            code, n = counts.get(row.leg.flight_id, (row.leg.code, 0))
            counts[row.leg.flight_id] = (code, n + 1)
    return [(pk, code, n) for pk, (code, n) in counts.items()]
