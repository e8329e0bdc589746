"""The demo's people on their way through the airport: the steps each has taken by now on a
landed flight — met, CBP (one in a family now and then sent to secondary first), bags claimed
(counted, some tagged), customs, then the connection to the gate and departure, a hotel for the
night, a hand-over, or hospital — and the domestic departures that go wrong (one delayed, one
cancelled: its travellers need rebooking). Deterministic for a port, day and clock."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass
from typing import Any

from arrivals.models import Flight
from cases.steps import ArrivalStep

Step = ArrivalStep
MINUTE = dt.timedelta(minutes=1)
# (step, when, detail): one step a person took.
Taken = tuple[str, dt.datetime, dict[str, Any]]

HOSPITALS = {
    "ATL": "Grady Memorial Hospital",
    "JFK": "Jamaica Hospital Medical Center",
    "EWR": "University Hospital Newark",
    "IAD": "Inova Fairfax Hospital",
    "IAH": "Memorial Hermann Northeast",
    "ORD": "Advocate Lutheran General Hospital",
    "LAX": "Centinela Hospital Medical Center",
}
# Small destinations reached through a hub: the second leg leaves the hub.
VIA_HUB = {"FAR": "MSP", "ERI": "DTW", "BOI": "SLC"}


@dataclass
class Journey:
    """What happens to one case on a landed flight."""

    rng: random.Random
    zone: zoneinfo.ZoneInfo
    now: dt.datetime
    port_iata: str
    meeting_point: str = "hall"

    def _bags(self, people: int) -> dict[str, Any]:
        bags = people + self.rng.randint(0, 3)
        detail: dict[str, Any] = {"bags": bags}
        if self.rng.random() < 0.5:
            detail["tags"] = [f"0006{self.rng.randint(100000, 999999)}" for _ in range(bags)]
        if self.rng.random() < 0.12:
            carrier = self.rng.choice(("QR", "TK", "ET", "EK", "AF", "KL"))
            detail.update(
                missing=1, pir=f"{self.port_iata}{carrier}{self.rng.randint(10000, 99999)}"
            )
        return detail

    def steps(self, inbound: Flight, leg: Flight | None, kind: str, people: int) -> list[Taken]:
        """The steps a case has been through by now, oldest first (the same for everyone in
        it; ``person_steps`` varies them per person)."""
        landed = inbound.actual_arrival
        if landed is None:
            return []
        rng = self.rng
        if kind == "single" and rng.random() < 0.15:
            no_show = landed + 90 * MINUTE
            return [(Step.NO_SHOW, no_show, {})] if no_show < self.now else []
        met = landed + rng.randint(20, 40) * MINUTE
        cleared = met + rng.randint(40, 95) * MINUTE
        bags = cleared + rng.randint(15, 35) * MINUTE
        customs = bags + rng.randint(5, 15) * MINUTE
        path: list[Taken] = [
            (Step.MET, met, {"where": self.meeting_point}),
            (Step.CBP_CLEARED, cleared, {}),
            (Step.BAGS_CLAIMED, bags, self._bags(people)),
            (Step.CUSTOMS_CLEARED, customs, {}),
        ]
        if leg is None:
            path.append((Step.HANDED_OVER, customs + rng.randint(20, 50) * MINUTE, {}))
        else:
            assert leg.scheduled_departure is not None
            departs = leg.scheduled_departure
            same_day = departs.astimezone(self.zone).date() == landed.astimezone(self.zone).date()
            if not same_day:
                path.append((Step.HOTEL, customs + rng.randint(30, 60) * MINUTE, {}))
            else:
                recheck = customs + rng.randint(10, 20) * MINUTE
                boarding = recheck + rng.randint(5, 15) * MINUTE
                security = boarding + rng.randint(20, 40) * MINUTE
                gate = max(departs - 45 * MINUTE, security + 5 * MINUTE)
                path += [
                    (Step.BAGS_RECHECKED, recheck, {}),
                    (Step.BOARDING_PASS, boarding, {}),
                    (Step.THROUGH_SECURITY, security, {}),
                ]
                if gate >= departs - 10 * MINUTE:  # too late for the gate: missed it
                    missed = {"reason": f"Missed {leg.code}: CBP took too long"}
                    path.append((Step.NEEDS_REBOOKING, departs + 5 * MINUTE, missed))
                else:
                    path.append((Step.AT_GATE, gate, {}))
                    if leg.actual_departure is not None and leg.actual_departure > gate:
                        path.append((Step.DEPARTED, leg.actual_departure + 2 * MINUTE, {}))
        return [taken for taken in path if taken[1] <= self.now]

    def person_steps(
        self, steps: list[Taken], index: int, *, secondary: bool, hospital: bool
    ) -> list[Taken]:
        """One person's steps: ``secondary`` — sent to CBP secondary before being admitted, and
        everything after a little later (only for a case that is not connecting today: a
        departure does not wait); ``hospital`` — met by the ambulance crew at the
        gate and taken to hospital, with a family member."""
        if not steps or steps[0][0] != Step.MET:
            return steps
        met = steps[0]
        if hospital:
            detail = {
                "hospital": HOSPITALS.get(
                    self.port_iata, f"{self.port_iata} Regional Medical Center"
                ),
                "accompanied_by": "Family member (spouse)" if index else "IOM associate",
            }
            return [met, (Step.HOSPITAL, met[1] + 25 * MINUTE, detail)]
        if not secondary or len(steps) < 2:
            return steps
        sent = met[1] + 15 * MINUTE
        delay = 45 * MINUTE
        later = [(step, at + delay, detail) for step, at, detail in steps[1:]]
        taken = [met, (Step.CBP_SECONDARY, sent, {}), *later]
        return [t for t in taken if t[1] <= self.now]


def disrupt(
    departures: list[Flight], now: dt.datetime, rng: random.Random, busy: set[int]
) -> dict[int, str]:
    """Today's domestic departures that go wrong: one is cancelled — one with travellers already
    past customs (``busy``) when there is one —, and the first of the others still to leave is
    delayed by over an hour. Returns {flight id: "delayed" | "cancelled"}; the flights are
    saved."""
    ahead = sorted(
        (f for f in departures if f.scheduled_departure and f.scheduled_departure > now),
        key=lambda f: f.scheduled_departure or now,
    )
    changed: dict[int, str] = {}
    if len(ahead) > 1:
        gone = next((f for f in ahead if f.pk in busy), ahead[1])
        gone.status = Flight.Status.CANCELLED
        gone.save(update_fields=["status"])
        changed[gone.pk] = "cancelled"
    rest = [f for f in ahead if f.pk not in changed]
    if rest:
        late = rest[0]
        assert late.scheduled_departure is not None
        late.status = Flight.Status.DELAYED
        late.estimated_departure = late.scheduled_departure + rng.randint(70, 110) * MINUTE
        late.gate = f"B{rng.randint(2, 36)}"
        late.save(update_fields=["status", "estimated_departure", "gate"])
        changed[late.pk] = "delayed"
    for flight in rest[1:]:
        flight.gate = f"{rng.choice('ABCDE')}{rng.randint(1, 40)}"
        flight.status = Flight.Status.ON_TIME
        flight.save(update_fields=["gate", "status"])
    return changed


# Past customs and still at the airport: a cancellation puts them into "needs rebooking".
STRANDED_BY_CANCELLATION = frozenset(
    {
        Step.CUSTOMS_CLEARED,
        Step.BAGS_RECHECKED,
        Step.BOARDING_PASS,
        Step.THROUGH_SECURITY,
        Step.AT_GATE,
        Step.HOTEL,
    }
)
