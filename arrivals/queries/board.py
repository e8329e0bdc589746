"""The daily arrival board for Operations HQ: every port the user may view, its flights of the
port-local day both ways (landing and leaving), who is where, what stands out, and who may miss
their onward connection (``arrivals.queries.at_risk``: the same rule as the port's own pages).

Read-only, and a fixed number of queries whatever the number of flights and people: one for the
flights of all ports together, one for the people on them with their names and cases' agencies
(``portday.people_by_flight``; two statements), one for their onward legs with the people they
name (``onward.legs_of_cases``). The repeated rows are rendered by ``board_html``."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from arrivals.models import Flight
from arrivals.queries import board_html
from arrivals.queries.at_risk import AtRisk, may_be_at_risk, people_at_risk
from arrivals.queries.moves import STEP_ORDER
from arrivals.queries.onward import legs_of_cases
from arrivals.queries.portday import people_by_flight as people_by_flight_of
from cases import ssr
from cases.models import ProgrammeStatus
from cases.steps import ArrivalStep
from poe_ops.languages import language_name
from poe_ops.localtime import local_day_bounds
from poe_ops.models import OnCall, Port

# What makes a flight stand out (CBP secondary is routine: it shows in the steps, not here).
EXCEPTION_STEPS = (
    ArrivalStep.HOSPITAL,
    ArrivalStep.REFUSED_ADMISSION,
    ArrivalStep.DETAINED,
    ArrivalStep.NO_SHOW,
    ArrivalStep.NEEDS_REBOOKING,
)
TROUBLED = frozenset({Flight.Status.DELAYED, Flight.Status.CANCELLED, Flight.Status.DIVERTED})

FLAGS = {
    "urm": "URM (unaccompanied refugee minors)",
    "separated": "Separated minors",
    "wheelchair": "Wheelchair",
    "medical": "Medical",
    "interpreter": "Interpreter needed",
}


# A port's at-risk list shows the soonest departures first; past this many, the rest are one
# click away ("show all"), so a surge day's hundreds of names do not bury the urgent ones.
AT_RISK_SHOWN = 25


@dataclass(frozen=True)
class BoardFilters:
    port: str = ""  # IATA code, or "" for every port
    agency: str = ""  # agency code, or ""
    flag: str = ""  # a key of FLAGS, or ""
    all_at_risk: bool = False  # list every person at risk, not only the soonest

    @property
    def active(self) -> bool:
        return bool(self.port or self.agency or self.flag)

    def matches(self, person: dict[str, Any]) -> bool:
        if self.agency and person["agency"] != self.agency:
            return False
        return not self.flag or self.flag in person["flags"]


def _flags_of(person: dict[str, Any]) -> set[str]:
    codes = person["ssr_codes"]
    found = set()
    if person["programme_status"] == ProgrammeStatus.URM:
        found.add("urm")
    elif person["programme_status"] == ProgrammeStatus.SEPARATED:
        found.add("separated")
    if ssr.has_wheelchair(codes):
        found.add("wheelchair")
    if person["medical"] or ssr.has_medical(codes):
        found.add("medical")
    if person["interpreter_needed"]:
        found.add("interpreter")
    return found


@dataclass
class BoardFlight:
    flight: Flight
    cases: int
    people: int
    by_step: list[tuple[str, str, int]]
    urm: int
    separated: int
    wheelchair: int
    medical: int
    languages: list[str]
    waiting_after_landing: int  # still "expected" although the flight has landed
    exceptions: list[tuple[str, int]]  # (label, count) for hospital, CBP referral, no-show
    at_risk: int
    no_escort: int = 0  # minors and MEDA/STCR travellers with no escort assigned

    @property
    def troubled(self) -> bool:
        return self.flight.status in TROUBLED

    @property
    def stands_out(self) -> bool:
        return self.troubled or bool(
            self.waiting_after_landing or self.exceptions or self.at_risk or self.no_escort
        )

    @property
    def bar(self) -> list[tuple[str, str, int, int]]:
        """(step, label, count, share of the bar in steps of 5 %) for the progress bar."""
        if not self.people:
            return []
        return [
            (step, label, count, max(5, round(20 * count / self.people) * 5))
            for step, label, count in self.by_step
        ]


@dataclass
class BoardDeparture:
    """A domestic flight leaving the port on the day, with the people booked on it."""

    flight: Flight
    cases: int
    people: int
    by_step: list[tuple[str, str, int]]
    at_risk: int

    @property
    def stands_out(self) -> bool:
        return self.flight.status in TROUBLED or bool(self.at_risk)


@dataclass
class BoardPort:
    port: Port
    local_now: dt.datetime
    flights: list[BoardFlight] = field(default_factory=list)
    at_risk: list[AtRisk] = field(default_factory=list)
    departures: list[BoardDeparture] = field(default_factory=list)

    show_all_at_risk: bool = False
    # Who answers the port's phone tonight (poe_ops.queries.oncall; set by the board's view).
    on_call: OnCall | None = None

    @property
    def people(self) -> int:
        return sum(f.people for f in self.flights)

    @property
    def cases(self) -> int:
        return sum(f.cases for f in self.flights)

    @property
    def at_risk_shown(self) -> list[AtRisk]:
        return self.at_risk if self.show_all_at_risk else self.at_risk[:AT_RISK_SHOWN]

    @property
    def flight_rows(self) -> SafeString:
        return board_html.flight_rows(self.flights, self.port.iata, self.port.zone)

    @property
    def at_risk_rows(self) -> SafeString:
        return board_html.at_risk_rows(
            self.at_risk_shown, self.port.zone, self.port.min_connection_minutes
        )

    @property
    def departure_rows(self) -> SafeString:
        return board_html.departure_rows(self.departures, self.port.iata, self.port.zone)

    @property
    def at_risk_hidden(self) -> int:
        return len(self.at_risk) - len(self.at_risk_shown)

    @property
    def by_step(self) -> list[tuple[str, str, int]]:
        return _sum_steps(f.by_step for f in self.flights)

    @property
    def no_escort(self) -> int:
        return sum(f.no_escort for f in self.flights)

    @property
    def alerts(self) -> int:
        return sum(1 for f in self.flights if f.stands_out) + sum(
            1 for d in self.departures if d.stands_out
        )


@dataclass
class Board:
    day: dt.date
    ports: list[BoardPort]
    filters: BoardFilters
    generated_at: dt.datetime

    @property
    def flights(self) -> int:
        return sum(len(p.flights) for p in self.ports)

    @property
    def people(self) -> int:
        return sum(p.people for p in self.ports)

    @property
    def cases(self) -> int:
        return sum(p.cases for p in self.ports)

    @property
    def by_step(self) -> list[tuple[str, str, int]]:
        return _sum_steps(p.by_step for p in self.ports)

    @property
    def at_risk(self) -> int:
        return sum(len(p.at_risk) for p in self.ports)


def _sum_steps(groups: Any) -> list[tuple[str, str, int]]:
    total: Counter[str] = Counter()
    for group in groups:
        for step, _label, count in group:
            total[step] += count
    return [(s, ArrivalStep(s).label, total[s]) for s in STEP_ORDER if total[s]]


def _flights(ports: list[Port], day: dt.date) -> list[Flight]:
    """Flights landing at or leaving each port on ``day`` in the port's own local time, in one
    query; arrivals in expected arrival order, then departures."""
    if not ports:
        return []
    window = Q()
    for port in ports:
        start, end = local_day_bounds(port, day)
        arriving = Q(destination=port.iata) & (
            Q(scheduled_arrival__gte=start, scheduled_arrival__lt=end)
            | Q(scheduled_arrival__isnull=True, scheduled_date=day)
        )
        leaving = (
            Q(origin=port.iata)
            & ~Q(destination=port.iata)
            & (
                Q(scheduled_departure__gte=start, scheduled_departure__lt=end)
                | Q(scheduled_departure__isnull=True, scheduled_date=day)
            )
        )
        window |= Q(port=port) & (arriving | leaving)
    return list(
        Flight.objects.filter(window)
        .annotate(
            eta=Coalesce("actual_arrival", "estimated_arrival", "scheduled_arrival"),
            etd=Coalesce("actual_departure", "estimated_departure", "scheduled_departure"),
        )
        .order_by(F("eta").asc(nulls_last=True), F("etd").asc(nulls_last=True), "carrier", "number")
    )


def build_board(ports: list[Port], day: dt.date, filters: BoardFilters) -> Board:
    if filters.port:
        ports = [p for p in ports if p.iata == filters.port]
    by_iata = {p.pk: p.iata for p in ports}
    everything = _flights(ports, day)
    flights = [f for f in everything if f.destination == by_iata[f.port_id]]
    leaving = [f for f in everything if f.leaves(by_iata[f.port_id])]
    people_by_flight = people_by_flight_of([f.pk for f in flights], [f.pk for f in leaving])
    for found in people_by_flight.values():
        for person in found:
            # Once per person, whatever asks later: someone on an inbound flight and on an
            # onward one leaving the port is the same dict on both.
            if "flags" not in person:
                person["flags"] = _flags_of(person)
    legs = legs_of_cases({p["case_id"] for found in people_by_flight.values() for p in found})
    now = timezone.now()

    by_port = {
        p.pk: BoardPort(
            port=p, local_now=now.astimezone(p.zone), show_all_at_risk=filters.all_at_risk
        )
        for p in ports
    }
    risk_pairs: dict[int, list[tuple[Flight | None, dict[str, Any]]]] = defaultdict(list)
    for flight in flights:
        board_port = by_port[flight.port_id]
        people = [p for p in people_by_flight.get(flight.pk, []) if filters.matches(p)]
        if filters.active and not people:
            continue
        risk_pairs[flight.port_id] += [(flight, p) for p in people if may_be_at_risk(p, legs)]
        landed = flight.actual_arrival is not None or flight.status == Flight.Status.LANDED
        steps = Counter(p["current_step"] for p in people)
        interpreters = {
            language_name(p["primary_language"]) for p in people if p["interpreter_needed"]
        }
        flags = Counter(flag for p in people for flag in p["flags"])
        board_port.flights.append(
            BoardFlight(
                flight=flight,
                cases=len({p["case_id"] for p in people}),
                people=len(people),
                by_step=[(s, ArrivalStep(s).label, steps[s]) for s in STEP_ORDER if steps[s]],
                urm=flags["urm"],
                separated=flags["separated"],
                wheelchair=flags["wheelchair"],
                medical=flags["medical"],
                languages=sorted(name or "?" for name in interpreters),
                waiting_after_landing=steps[ArrivalStep.EXPECTED] if landed else 0,
                exceptions=[(ArrivalStep(s).label, steps[s]) for s in EXCEPTION_STEPS if steps[s]],
                at_risk=0,
                no_escort=sum(1 for p in people if p["escort_missing"]),
            )
        )
    departing: dict[int, list[dict[str, Any]]] = {}
    for flight in leaving:
        people = [p for p in people_by_flight.get(flight.pk, []) if filters.matches(p)]
        if filters.active and not people:
            continue
        departing[flight.pk] = people
        risk_pairs[flight.port_id] += [(None, p) for p in people if may_be_at_risk(p, legs)]

    for board_port in by_port.values():
        board_port.at_risk = people_at_risk(board_port.port, risk_pairs[board_port.port.pk], legs)
        on_inbound = Counter(r.inbound.pk for r in board_port.at_risk if r.inbound is not None)
        on_leg = Counter(r.leg.flight_id for r in board_port.at_risk if r.leg is not None)
        for row in board_port.flights:
            row.at_risk = on_inbound[row.flight.pk]
        for flight in leaving:
            if flight.port_id != board_port.port.pk or flight.pk not in departing:
                continue
            steps = Counter(p["current_step"] for p in departing[flight.pk])
            board_port.departures.append(
                BoardDeparture(
                    flight=flight,
                    cases=len({p["case_id"] for p in departing[flight.pk]}),
                    people=len(departing[flight.pk]),
                    by_step=[(s, ArrivalStep(s).label, steps[s]) for s in STEP_ORDER if steps[s]],
                    at_risk=on_leg[flight.pk],
                )
            )
    return Board(day=day, ports=list(by_port.values()), filters=filters, generated_at=now)
