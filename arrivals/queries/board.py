"""The daily arrival board for Operations HQ: every port the user may view, its flights of the
port-local day, who is where, what stands out, and who may miss their onward connection.

Read-only, and a fixed number of queries whatever the number of flights and people: one for the
flights of all ports together, one for the people on them with their cases' agencies
(``portday.people_by_flight``), one for the onward legs with their named travellers, and one
for the names of people at risk. The repeated rows are rendered by ``board_html``."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.safestring import SafeString

from arrivals.models import Flight, Segment
from arrivals.queries import board_html
from arrivals.queries.portday import STEP_ORDER
from arrivals.queries.portday import people_by_flight as people_by_flight_of
from cases import ssr
from cases.models import Individual
from cases.steps import ArrivalStep
from poe_ops.languages import language_name
from poe_ops.localtime import local_day_bounds
from poe_ops.models import OnCall, Port

# People whose arrival is still under way: they can still miss a connection or be forgotten.
IN_PROGRESS = frozenset(
    {ArrivalStep.EXPECTED, ArrivalStep.MET, ArrivalStep.CBP_CLEARED, ArrivalStep.CBP_REFERRAL}
)
EXCEPTION_STEPS = (ArrivalStep.HOSPITAL, ArrivalStep.CBP_REFERRAL, ArrivalStep.NO_SHOW)
TROUBLED = frozenset({Flight.Status.DELAYED, Flight.Status.CANCELLED, Flight.Status.DIVERTED})

FLAGS = {
    "urm": "Unaccompanied minors",
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
    if person["unaccompanied_minor"] or ssr.has_minor(codes):
        found.add("urm")
    if ssr.has_wheelchair(codes):
        found.add("wheelchair")
    if person["medical"] or ssr.has_medical(codes):
        found.add("medical")
    if person["interpreter_needed"]:
        found.add("interpreter")
    return found


@dataclass
class AtRisk:
    """A person whose onward domestic flight leaves too soon after their arrival."""

    name: str
    case_number: str
    inbound: Flight
    onward_code: str
    onward_departure: dt.datetime
    margin_minutes: int  # departure minus (latest ETA + CBP allowance); below the minimum


@dataclass
class BoardFlight:
    flight: Flight
    cases: int
    people: int
    by_step: list[tuple[str, str, int]]
    urm: int
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
class BoardPort:
    port: Port
    local_now: dt.datetime
    flights: list[BoardFlight] = field(default_factory=list)
    at_risk: list[AtRisk] = field(default_factory=list)

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
        return sum(1 for f in self.flights if f.stands_out)


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
    """Inbound flights landing on ``day`` in each port's own local time, in one query."""
    if not ports:
        return []
    window = Q()
    for port in ports:
        start, end = local_day_bounds(port, day)
        window |= Q(port=port, destination=port.iata) & (
            Q(scheduled_arrival__gte=start, scheduled_arrival__lt=end)
            | Q(scheduled_arrival__isnull=True, scheduled_date=day)
        )
    return list(
        Flight.objects.filter(window)
        .annotate(eta=Coalesce("actual_arrival", "estimated_arrival", "scheduled_arrival"))
        .order_by(F("eta").asc(nulls_last=True), "carrier", "number")
    )


@dataclass(frozen=True)
class OnwardLeg:
    code: str
    departure: dt.datetime | None
    named: frozenset[int]  # the individuals named on the segment; empty means the whole case


def _onward_departures(flight_ids: list[int]) -> dict[int, list[OnwardLeg]]:
    """The current onward legs of every case arriving on ``flight_ids``, by case: one query
    (the cases are a subquery; a leg naming several people comes back once per name)."""
    arriving = Segment.objects.filter(
        flight_id__in=flight_ids, direction=Segment.Direction.INBOUND, replaced_by__isnull=True
    ).values("case_id")
    rows = (
        Segment.objects.filter(
            case_id__in=arriving, direction=Segment.Direction.ONWARD, replaced_by__isnull=True
        )
        .values_list(
            "pk",
            "case_id",
            "flight__carrier",
            "flight__number",
            "flight__scheduled_departure",
            "individuals",
        )
        .order_by("case_id", "pk")
    )
    segments: dict[int, tuple[int, str, dt.datetime | None]] = {}
    named: dict[int, set[int]] = defaultdict(set)
    for pk, case_id, carrier, number, departure, individual_id in rows:
        segments[pk] = (case_id, f"{carrier}{number}", departure)
        if individual_id is not None:
            named[pk].add(individual_id)
    legs: dict[int, list[OnwardLeg]] = defaultdict(list)
    for pk, (case_id, code, departure) in segments.items():
        legs[case_id].append(OnwardLeg(code, departure, frozenset(named[pk])))
    return legs


def _risk_margin(port: Port, inbound: Flight, departure: dt.datetime | None) -> int | None:
    """Minutes left over after CBP and the minimum connection; None when there is no risk."""
    if departure is None:
        return None
    if inbound.status in {Flight.Status.CANCELLED, Flight.Status.DIVERTED}:
        return -port.min_connection_minutes  # the inbound flight will not bring them in time
    eta = inbound.actual_arrival or inbound.estimated_arrival or inbound.scheduled_arrival
    if eta is None:
        return None
    out_of_cbp = eta + dt.timedelta(minutes=port.cbp_allowance_minutes)
    margin = int((departure - out_of_cbp).total_seconds() // 60)
    return margin if margin < port.min_connection_minutes else None


def build_board(ports: list[Port], day: dt.date, filters: BoardFilters) -> Board:
    if filters.port:
        ports = [p for p in ports if p.iata == filters.port]
    flights = _flights(ports, day)
    flight_ids = [f.pk for f in flights]
    people_by_flight = people_by_flight_of(flight_ids)
    onward = _onward_departures(flight_ids) if flight_ids else {}
    now = timezone.now()

    by_port = {
        p.pk: BoardPort(
            port=p, local_now=now.astimezone(p.zone), show_all_at_risk=filters.all_at_risk
        )
        for p in ports
    }
    risky: list[tuple[BoardPort, Flight, dict[str, Any], OnwardLeg, int]] = []
    for flight in flights:
        board_port = by_port[flight.port_id]
        people = []
        for person in people_by_flight.get(flight.pk, []):
            person["flags"] = _flags_of(person)  # once per person, whatever asks later
            if filters.matches(person):
                people.append(person)
        if filters.active and not people:
            continue
        landed = flight.actual_arrival is not None or flight.status == Flight.Status.LANDED
        at_risk_here = 0
        for person in people:
            if person["current_step"] not in IN_PROGRESS:
                continue
            for leg in onward.get(person["case_id"], ()):
                if leg.named and person["id"] not in leg.named:
                    continue
                margin = _risk_margin(board_port.port, flight, leg.departure)
                if margin is not None:
                    risky.append((board_port, flight, person, leg, margin))
                    at_risk_here += 1
                    break
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
                wheelchair=flags["wheelchair"],
                medical=flags["medical"],
                languages=sorted(name or "?" for name in interpreters),
                waiting_after_landing=steps[ArrivalStep.EXPECTED] if landed else 0,
                exceptions=[(ArrivalStep(s).label, steps[s]) for s in EXCEPTION_STEPS if steps[s]],
                at_risk=at_risk_here,
                no_escort=sum(1 for p in people if p["escort_missing"]),
            )
        )

    names = {
        pk: (f"{given} {surname}".strip(), case_number)
        for pk, given, surname, case_number in Individual.objects.filter(
            pk__in=[person["id"] for _bp, _f, person, _leg, _m in risky]
        ).values_list("pk", "given_names", "surname", "case__case_number")
    }
    for board_port, flight, person, leg, margin in risky:
        name, case_number = names[person["id"]]
        assert leg.departure is not None
        board_port.at_risk.append(
            AtRisk(name, case_number, flight, leg.code, leg.departure, margin)
        )
    for board_port in by_port.values():
        board_port.at_risk.sort(key=lambda r: (r.onward_departure, r.name))
    return Board(day=day, ports=list(by_port.values()), filters=filters, generated_at=now)
