"""A living demo day at a port: inbound international flights, families, unaccompanied minors,
wheelchair and medical cases, onward domestic legs (two of them to a small destination), and
people already moving on today's earlier flights — through CBP (one now and then in secondary),
baggage claim and customs to the gate, a hotel, a hand-over or hospital (``journey``); today's
domestic departures with one delayed and one cancelled, whose travellers need rebooking.
Invented people only. Deterministic for a port and a date.

``seed_demo_day`` is idempotent: a port and day already seeded are left alone."""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from arrivals.demo.journey import STRANDED_BY_CANCELLATION, VIA_HUB, Journey, Taken, disrupt
from arrivals.demo.people import NATIONS, ONWARD_CITIES, ORIGIN_NATIONS, PORT_CITY, ROUTES
from arrivals.demo.receivers import ReceiverPlanner, office_maps, seed_waiting_minors
from arrivals.models import Flight, Segment, StepEvent
from cases.models import (
    CarriedDocument,
    Case,
    ImmigrationCategory,
    Individual,
    ProgrammeStatus,
    ResettlementAgency,
    TBClass,
)
from cases.steps import ArrivalStep
from poe_ops import demo
from poe_ops.models import Port
from poe_ops.text import fold

Step = ArrivalStep
Relationship = Individual.Relationship
# The name the port's tablet was given (poe_ops.views.device), as the step history shows it.
DEVICE = "{iata} tablet 1"
MINUTE = dt.timedelta(minutes=1)

CASE_NOTES = (
    "",
    "",
    "",
    "Two car seats needed for ground transport.",
    "Family asked for halal meals.",
    "Anchor relative will wait at arrivals.",
    "Baggage: 6 pieces, one pram.",
)
MEDICAL_NOTES = (
    "Insulin-dependent; needs a meal soon after landing.",
    "Recent surgery; oxygen arranged with the airline.",
    "TB follow-up: carries sealed medical envelope.",
    "Dialysis patient; agency arranging clinic on day 2.",
)


def case_number(port: Port, day: dt.date, n: int) -> str:
    return f"DEMO-{port.iata}-{day:%Y%m%d}-{n:02d}"


@dataclass
class _Plan:
    """What one port-day will hold, built in memory and written in a few bulk inserts."""

    cases: list[Case] = field(default_factory=list)
    people: list[tuple[Case, Individual, list[Taken]]] = field(default_factory=list)
    segments: list[tuple[Case, Flight, str]] = field(default_factory=list)


class _DayBuilder:
    def __init__(self, port: Port, day: dt.date, now: dt.datetime) -> None:
        self.port = port
        self.day = day
        self.zone = port.zone
        self.now = now
        self.rng = random.Random(f"poe-demo:{port.iata}:{day.isoformat()}")  # noqa: S311 - demo data
        self.agencies = list(ResettlementAgency.objects.filter(active=True).order_by("code"))
        city, carrier, base = PORT_CITY.get(port.iata, ("", "DL", 3000 + (port.pk % 30) * 200))
        self.home_city = city or f"{port.name or port.iata} area"
        self.domestic_carrier = carrier
        # Alternate days use separate number ranges, so a late flight's onward leg the next
        # morning never collides with the next day's own onward legs.
        self.onward_base = base + (day.toordinal() % 2) * 100
        self.onward: dict[tuple[str, dt.datetime], Flight] = {}
        self.plan = _Plan()
        self.serial = 0
        near, by_city = office_maps()
        self.receivers = ReceiverPlanner(port, day, near.get(port.pk, []), by_city)
        self.hospitalised = False  # one person in hospital per port and day is plenty

    # --- flights ---------------------------------------------------------------------------

    def local(self, hhmm: str, shift_minutes: int = 0) -> dt.datetime:
        hours, minutes = (int(part) for part in hhmm.split(":"))
        wall = dt.datetime.combine(self.day, dt.time(hours, minutes), tzinfo=self.zone)
        return (wall.astimezone(dt.UTC) + shift_minutes * MINUTE).astimezone(self.zone)

    def routes(self) -> tuple[tuple[str, str, str, str, float], ...]:
        if self.port.iata in ROUTES:
            return ROUTES[self.port.iata]
        offset = 3000 + (self.port.pk % 600) * 10  # a port added later in admin
        return tuple(
            (carrier, str(offset + i), origin, at, hours)
            for i, (carrier, _n, origin, at, hours) in enumerate(ROUTES["ATL"])
        )

    def inbound_flight(self, route: tuple[str, str, str, str, float]) -> Flight:
        carrier, number, origin, at, hours = route
        arrival = self.local(at, self.rng.randint(-10, 10))
        departure = arrival - dt.timedelta(hours=hours)
        record = Port.airport_record(origin)
        origin_zone = zoneinfo.ZoneInfo(record["tz"] if record else "UTC")
        fields: dict[str, object] = {
            "port": self.port,
            "origin": origin,
            "destination": self.port.iata,
            "scheduled_departure": departure,
            "scheduled_arrival": arrival,
            "status": Flight.Status.SCHEDULED,
        }
        if arrival + 20 * MINUTE < self.now:
            fields["status"] = Flight.Status.LANDED
            landed = arrival + self.rng.randint(-15, 25) * MINUTE
            fields["actual_arrival"] = min(landed, self.now - 5 * MINUTE)
        elif arrival - dt.timedelta(hours=3) < self.now:
            late = self.rng.random() < 0.5
            fields["status"] = Flight.Status.DELAYED if late else Flight.Status.SCHEDULED
            shift = self.rng.randint(25, 80) if late else self.rng.randint(-10, 10)
            fields["estimated_arrival"] = arrival + shift * MINUTE
        flight, _ = Flight.objects.get_or_create(
            carrier=carrier,
            number=number,
            scheduled_date=departure.astimezone(origin_zone).date(),
            defaults=fields,
        )
        return flight

    def onward_flight(self, inbound: Flight, airport: str) -> Flight:
        assert inbound.scheduled_arrival is not None
        landing = inbound.scheduled_arrival.astimezone(self.zone)
        departs = landing + dt.timedelta(minutes=self.rng.choice((210, 240, 285, 330)))
        if departs.hour >= 22 or departs.date() != landing.date():
            # Too late to connect tonight: hotel overnight, first flight out in the morning.
            morning = landing.date() + dt.timedelta(days=1)
            slot = self.rng.randint(0, 23)  # 06:00 to 07:55
            departs = dt.datetime.combine(morning, dt.time(6 + slot // 12, 5 * (slot % 12)))
            departs = departs.replace(tzinfo=self.zone)
        departs = departs.replace(minute=departs.minute - departs.minute % 5, second=0)
        return self.domestic_flight(self.port.iata, airport, departs)

    def domestic_flight(self, origin: str, airport: str, departs: dt.datetime) -> Flight:
        """A domestic flight from ``origin`` (the port, or the hub of a second leg) handled by the
        port; one per destination and time, shared by every case on it."""
        key = (f"{origin}-{airport}", departs)
        if key in self.onward:
            return self.onward[key]
        arrives = departs + dt.timedelta(minutes=self.rng.randint(90, 280))
        gone = departs + dt.timedelta(minutes=self.rng.randint(0, 15))
        fields: dict[str, object] = {
            "port": self.port,
            "origin": origin,
            "destination": airport,
            "scheduled_departure": departs,
            "scheduled_arrival": arrives,
        }
        if arrives < self.now:
            fields.update(actual_arrival=arrives)
        if gone < self.now:  # what the port records of a flight leaving it: that it departed
            fields.update(status=Flight.Status.DEPARTED)
            fields.update(actual_departure=gone, gate=f"{self.rng.choice('ABCDE')}{gone.minute}")
        flight, _ = Flight.objects.get_or_create(
            carrier=self.domestic_carrier,
            number=str(self.onward_base + len(self.onward)),
            scheduled_date=departs.astimezone(self.zone).date(),
            defaults=fields,
        )
        self.onward[key] = flight
        return flight

    def legs_to(self, inbound: Flight, airport: str) -> list[Flight]:
        """The onward legs to ``airport``: one, or two through a hub for a small destination
        (the second leaving the hub 80 minutes after the first lands)."""
        hub = VIA_HUB.get(airport)
        if hub is None:
            return [self.onward_flight(inbound, airport)]
        first = self.onward_flight(inbound, hub)
        assert first.scheduled_arrival is not None
        then = first.scheduled_arrival + dt.timedelta(minutes=80)
        then = then.replace(minute=then.minute - then.minute % 5, second=0)
        return [first, self.domestic_flight(hub, airport, then)]

    # --- people ----------------------------------------------------------------------------

    def born(self, age: int) -> dt.date:
        return dt.date(self.day.year - age, self.rng.randint(1, 12), self.rng.randint(1, 28))

    def person(
        self, nation_code: str, surname: str, language: str, age: int, sex: str, rel: str
    ) -> Individual:
        nation = NATIONS[nation_code]
        given = self.rng.choice(nation.men if sex == "M" else nation.women)
        adult = age >= 18
        return Individual(
            given_names=given,
            surname=surname,
            date_of_birth=self.born(age),
            sex=sex,
            nationality=nation_code,
            primary_language=language,
            interpreter_needed=adult and (language != "spa" or self.rng.random() < 0.6),
            relationship=rel,
            elderly=age >= 65,
        )

    def family(self, kind: str, nation_code: str) -> list[Individual]:
        """The people of one case: ``kind`` is urm, single or family."""
        nation = NATIONS[nation_code]
        rng = self.rng
        surname = rng.choice(nation.surnames)
        language = nation.languages[0] if rng.random() < 0.7 else rng.choice(nation.languages)
        if kind == "urm":
            minor = self.person(
                nation_code, surname, language, rng.randint(14, 17), rng.choice("MF"), "PA"
            )
            minor.programme_status = ProgrammeStatus.URM
            minor.ssr_codes = ["UMNR"]
            minor.interpreter_needed = True
            minor.vulnerability_notes = (
                "URM: hand over only to the expected caseworker, with ID and both signatures."
            )
            return [minor]
        head_sex = rng.choice("MF")
        head_age = rng.randint(24, 52)
        people = [self.person(nation_code, surname, language, head_age, head_sex, "PA")]
        if kind == "single":
            return people
        size = rng.choice((2, 3, 3, 4, 4, 5, 5, 6, 7))
        if rng.random() < 0.8:
            spouse_sex = "F" if head_sex == "M" else "M"
            spouse_age = max(19, head_age + rng.randint(-6, 4))
            people.append(self.person(nation_code, surname, language, spouse_age, spouse_sex, "SP"))
        if size >= 4 and rng.random() < 0.3:
            people.append(
                self.person(nation_code, surname, language, rng.randint(65, 79), "F", "PR")
            )
        while len(people) < size:
            age = rng.randint(0, min(17, head_age - 18))
            people.append(self.person(nation_code, surname, language, age, rng.choice("MF"), "CH"))
        has_children = any(p.relationship == Relationship.CHILD for p in people)
        if has_children and not any(p.relationship == Relationship.SPOUSE for p in people):
            people[0].single_parent = True
        for member in people:
            if member.elderly and rng.random() < 0.6:
                member.ssr_codes = ["WCHR"]
        spouse = next((p for p in people if p.relationship == Relationship.SPOUSE), None)
        if spouse is not None and spouse.sex == "F" and rng.random() < 0.1:
            spouse.pregnancy = True
            spouse.vulnerability_notes = "About 7 months pregnant; fit-to-fly letter in the bag."
        return people

    def add_need(self, people: list[Individual], need: str) -> None:
        adults = [p for p in people if p.relationship != Relationship.CHILD] or people
        who = self.rng.choice(adults)
        if need == "wheelchair":
            who.ssr_codes = [*who.ssr_codes, self.rng.choice(("WCHR", "WCHC"))]
        elif need == "medical":
            who.medical = True
            who.ssr_codes = [*who.ssr_codes, "MEDA"]
            who.medical_notes = self.rng.choice(MEDICAL_NOTES)

    # --- the day ---------------------------------------------------------------------------

    def build(self) -> None:
        rng = self.rng
        routes = self.routes()
        special = {(0, 0): "urm", (len(routes) - 1, 0): "urm"}
        needs = {(1, 1): "wheelchair", (0, 1): "medical", (2, 0): "wheelchair", (3, 1): "medical"}
        for index, route in enumerate(routes):
            inbound = self.inbound_flight(route)
            nations = ORIGIN_NATIONS.get(route[2], ("AF", "SY", "CD"))
            for slot in range(rng.randint(2, 4)):
                roll = rng.random()
                kind = special.get((index, slot)) or ("single" if roll < 0.15 else "family")
                nation_code = rng.choice(nations)
                people = self.family(kind, nation_code)
                need = needs.get((index, slot))
                if need is None and rng.random() < 0.12:
                    need = rng.choice(("wheelchair", "medical"))
                if need and kind != "urm":
                    self.add_need(people, need)
                legs: list[Flight] = []
                if (index, slot) == (1, 0):  # every day shows a two-leg connection
                    destination, airport = "Fargo, ND", "FAR"
                    legs = self.legs_to(inbound, airport)
                elif rng.random() < 0.35:
                    destination = self.home_city
                else:
                    destination, airport = rng.choice(ONWARD_CITIES)
                    legs = self.legs_to(inbound, airport)
                self.add_case(inbound, legs, kind, people, destination)
        if self.day == self.now.astimezone(self.zone).date():
            self.strand_on_cancelled()

    def strand_on_cancelled(self) -> None:
        """Today's departures go wrong (``journey.disrupt``): whoever is past customs on the
        cancelled flight needs rebooking, recorded a few minutes ago."""
        leaving = [f for f in self.onward.values() if f.origin == self.port.iata]
        past_customs = {
            case.case_number
            for case, _m, steps in self.plan.people
            if steps and steps[-1][0] in STRANDED_BY_CANCELLATION
        }
        busy = {
            flight.pk for case, flight, _d in self.plan.segments if case.case_number in past_customs
        }
        changed = disrupt(leaving, self.now, self.rng, busy)
        cancelled = {pk for pk, what in changed.items() if what == "cancelled"}
        if not cancelled:
            return
        on_it = {
            case.case_number for case, flight, _d in self.plan.segments if flight.pk in cancelled
        }
        code = next(f.code for f in leaving if f.pk in cancelled)
        for n, (case, member, steps) in enumerate(self.plan.people):
            if case.case_number not in on_it or not steps:
                continue
            if steps[-1][0] in STRANDED_BY_CANCELLATION:
                when = max(steps[-1][1] + MINUTE, self.now - 10 * MINUTE)
                reason = {"reason": f"{code} cancelled"}
                self.plan.people[n] = (case, member, [*steps, (Step.NEEDS_REBOOKING, when, reason)])

    def add_case(
        self,
        inbound: Flight,
        legs: list[Flight],
        kind: str,
        people: list[Individual],
        destination: str,
    ) -> None:
        self.serial += 1
        agency = self.rng.choice(self.agencies) if self.agencies else None
        city = destination.split(",")[0]
        office = self.receivers.office_for(destination, bool(legs))
        if office is not None:
            agency = office.agency
        case = Case(
            case_number=case_number(self.port, self.day, self.serial),
            abn_number=f"ABN-{self.day:%y%m%d}-{self.port.iata}{self.serial:02d}",
            port=self.port,
            agency=agency,
            agency_office=office,
            local_affiliate=office.name if office else (f"{agency.code} {city}" if agency else ""),
            final_destination=destination,
            notes=self.rng.choice(CASE_NOTES),
        )
        journey = Journey(self.rng, self.zone, self.now, self.port.iata, self.port.meeting_point)
        steps = journey.steps(inbound, legs[0] if legs else None, kind, len(people))
        departing = any(step == Step.DEPARTED for step, _at, _d in steps)
        secondary = len(people) > 1 and not departing and self.rng.random() < 0.3
        hospital = (
            len(people) > 1
            and any(p.medical for p in people)
            and not self.hospitalised
            and self.rng.random() < 0.7
        )
        self.hospitalised = self.hospitalised or (hospital and bool(steps))
        self.plan.cases.append(case)
        self.receivers.plan(case, people, bool(legs))
        for number, member in enumerate(people, start=1):
            member.person_number = f"P{number:02d}"
            member.name_folded = fold(f"{member.given_names} {member.surname}")
            member.document_in_custody = number == 1
            taken = journey.person_steps(
                steps,
                number - 1,
                secondary=secondary and number == 2,
                hospital=hospital and member.medical,
            )
            self.plan.people.append((case, member, taken))
        self.plan.segments.append((case, inbound, Segment.Direction.INBOUND))
        for leg in legs:
            self.plan.segments.append((case, leg, Segment.Direction.ONWARD))

    def travel_packets(self) -> list[CarriedDocument]:
        """A-numbers, immigration categories, TB classes and the papers in the IOM bag, from a
        random generator of their own (the day's people and steps do not change with them)."""
        rng = random.Random(f"poe-demo-packet:{self.port.iata}:{self.day.isoformat()}")  # noqa: S311
        papers: list[CarriedDocument] = []
        for case, member, _steps in self.plan.people:
            member.a_number = f"A{rng.randint(200_000_000, 249_999_999):09d}"
            if member.nationality == "AF" and rng.random() < 0.5:
                member.immigration_category = ImmigrationCategory.SIV
            else:
                member.immigration_category = rng.choice(
                    [ImmigrationCategory.REFUGEE] * 6 + [ImmigrationCategory.FOLLOW_TO_JOIN]
                )
            if member.relationship != Relationship.CHILD and rng.random() < 0.12:
                member.tb_class = rng.choice((TBClass.B1, TBClass.B2))
                member.tb_followup = True
            kinds = [CarriedDocument.Kind.MEDICAL_FORMS]
            if member.person_number == "P01":
                kinds.insert(0, CarriedDocument.Kind.CBP_PACKET)
            if member.tb_class:
                kinds.append(CarriedDocument.Kind.XRAYS)
            papers += [CarriedDocument(individual=member, kind=kind) for kind in kinds]
            if "oxygen" in member.medical_notes:
                member.ssr_codes = [*member.ssr_codes, "OXYG"]
                case.medical_escort = True
                case.medical_escort_name = "IOM medical escort (Dr. Leyla Demir)"
                papers.append(
                    CarriedDocument(
                        individual=member,
                        kind=CarriedDocument.Kind.OTHER,
                        description="Oxygen prescription",
                    )
                )
        return papers

    def write(self, actor: User | None) -> None:
        finished = {Step.DEPARTED, Step.HANDED_OVER}
        for case in self.plan.cases:
            reached = {s[-1][0] for c, _m, s in self.plan.people if c is case and s}
            if reached:
                done = reached <= finished
                case.status = Case.Status.COMPLETED if done else Case.Status.IN_PROGRESS
        for _case, member, steps in self.plan.people:
            if steps:
                member.current_step, member.current_step_at = steps[-1][0], steps[-1][1]
        papers = self.travel_packets()
        Case.objects.bulk_create(self.plan.cases)
        for case, member, _steps in self.plan.people:
            member.case = case
        Individual.objects.bulk_create([member for _c, member, _s in self.plan.people])
        CarriedDocument.objects.bulk_create(papers)
        Segment.objects.bulk_create(
            Segment(case=case, flight=flight, direction=direction)
            for case, flight, direction in self.plan.segments
        )
        if actor is None:
            return
        events = []
        for case, member, steps in self.plan.people:
            before: str = Step.EXPECTED
            for step, at, detail in steps:
                events.append(
                    StepEvent(
                        individual=member,
                        port=self.port,
                        from_step=before,
                        to_step=step,
                        detail=detail,
                        at=at,
                        actor=actor,
                        device=DEVICE.format(iata=self.port.iata),
                        idempotency_key=f"demo-{case.case_number}-{member.person_number}-{step}",
                    )
                )
                before = step
        StepEvent.objects.bulk_create(events)

    def write_receivers(self, actor: User | None) -> None:
        self.receivers.write(actor, self.now)


def seed_demo_day(
    port: Port, day: dt.date, *, actor: User | None = None, now: dt.datetime | None = None
) -> int:
    """Create ``port``'s demo flights and cases for local date ``day``; return how many cases
    were created (0 when that day is already seeded). Steps already taken on flights that have
    landed (by ``now``) are recorded as step events by ``actor``; without one only the current
    step is set."""
    if Case.objects.filter(case_number=case_number(port, day, 1)).exists():
        return 0
    with transaction.atomic():
        builder = _DayBuilder(port, day, now or timezone.now())
        builder.build()
        builder.write(actor)
        builder.write_receivers(actor)
        if day == port.local_today():
            seed_waiting_minors(port, day, actor, builder.now)
    return len(builder.plan.cases)


def seed_demo() -> str:
    """Today and tomorrow (port-local) at every port, a day already seeded skipped; then vendors
    with their rates, a few overnight transits with bookings, the directory and the shift log at
    ATL and JFK."""
    from arrivals.demo.bookings import seed_demo_bookings
    from arrivals.demo.imports import seed_demo_imports
    from arrivals.demo.operations import seed_contacts, seed_shift_log

    admin = demo.user("admin")
    created = 0
    for port in Port.objects.all():
        actor = demo.user(f"{port.iata.lower()}.associate") or admin
        today = port.local_today()
        for day in (today, today + dt.timedelta(days=1)):
            created += seed_demo_day(port, day, actor=actor)
    for port in Port.objects.filter(iata__in=["ATL", "JFK"]):
        associate = demo.user(f"{port.iata.lower()}.associate")
        with transaction.atomic():
            seed_demo_bookings(port, associate)
            if associate is not None:
                seed_contacts(port, demo.user(f"{port.iata.lower()}.officer") or associate)
                seed_shift_log(port, associate)
    imports = seed_demo_imports()
    return f"{created} new cases, {imports} manifest uploads"
