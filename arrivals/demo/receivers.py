"""Who receives the demo's cases: each case's agency office (near the port, or in its onward
city), a U.S. tie for some families, an expected receiver for every case that ends at the port
and for every URM, and the custody records of those already handed over — signed on the
"tablet" for a minor, as the rules require. Plus, at the busy ports (ATL, JFK), one URM and one
separated child waiting right now, through CBP, for their expected receiver: the demo's
hand-over to try.

Deterministic for a port and a day (its own random stream, so the day's flights and families
stay what they were)."""

from __future__ import annotations

import datetime as dt
import io
import random
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from PIL import Image, ImageDraw

from arrivals.models import Flight, Segment, StepEvent
from cases.models import (
    AgencyOffice,
    Case,
    CustodyHandover,
    ExpectedReceiver,
    Individual,
    ProgrammeStatus,
    USTie,
)
from cases.steps import ArrivalStep
from poe_ops.models import Port
from poe_ops.text import fold

BUSY_PORTS = ("ATL", "JFK")
DEVICE = "Demo tablet (seed_demo)"
WORKERS = (
    "Sam Rivera",
    "Dana Cohen",
    "Patrick Mugisha",
    "Leila Haddad",
    "Chris Okonkwo",
    "Maria Gonzales",
    "Tom Becker",
    "Aisha Rahman",
)
RELATIVES = ("brother", "sister", "uncle", "aunt", "cousin", "son", "daughter")
ID_TYPES = ("drivers_license", "state_id", "green_card", "passport")


def office_maps() -> tuple[dict[int, list[AgencyOffice]], dict[str, AgencyOffice]]:
    """The offices the demo gives cases: {port id: offices meeting cases there} and
    {"City, ST": office}. Active offices of active agencies only."""
    usable = list(
        AgencyOffice.objects.filter(active=True, agency__active=True)
        .select_related("agency")
        .prefetch_related("ports")
        .order_by("name")
    )
    near: dict[int, list[AgencyOffice]] = {}
    for office in usable:
        for port in office.ports.all():
            near.setdefault(port.pk, []).append(office)
    return near, {f"{o.city}, {o.state}": o for o in usable}


@dataclass
class Receiving:
    """What the planner decided for one case, written after the case and its people."""

    case: Case
    tie: dict[str, str] | None = None
    expected: dict[str, Any] | None = None


@dataclass
class ReceiverPlanner:
    port: Port
    day: dt.date
    near: list[AgencyOffice]
    by_city: dict[str, AgencyOffice]
    plans: list[Receiving] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"poe-demo-receivers:{self.port.iata}:{self.day.isoformat()}")  # noqa: S311

    def office_for(self, destination: str, onward: bool) -> AgencyOffice | None:
        if onward:
            return self.by_city.get(destination)
        return self.rng.choice(self.near) if self.near else None

    def plan(self, case: Case, people: list[Individual], onward: bool) -> None:
        """A U.S. tie for some families, and an expected receiver for each case that ends at
        the port and each URM (a foster-care caseworker)."""
        rng = self.rng
        urm = any(p.programme_status == ProgrammeStatus.URM for p in people)
        plan = Receiving(case)
        head = people[0]
        if not urm and rng.random() < (0.2 if onward else 0.45):
            given = rng.choice(("Farid", "Nadia", "Omar", "Grace", "Jean", "Amina", "Yusuf"))
            plan.tie = {
                "name": f"{given} {head.surname}",
                "relationship": rng.choice(RELATIVES),
                "phone": f"+1 404 555 {rng.randint(200, 999):04d}",
                "city": case.final_destination,
            }
        office = case.agency_office
        if plan.tie and not onward:
            plan.expected = {"kind": "us_tie"}
        elif office is not None and (urm or not onward):
            plan.expected = {
                "kind": "agency",
                "name": rng.choice(WORKERS),
                "organisation": office.name,
                "phone": office.duty_phone,
                "agency_office": office,
            }
        self.plans.append(plan)

    def write(self, actor: Any, now: dt.datetime) -> None:
        """Ties and expected receivers, then the custody records of those already gone."""
        ties = {
            p.case.pk: USTie(case=p.case, source=USTie.Source.MANIFEST, **p.tie)
            for p in self.plans
            if p.tie
        }
        USTie.objects.bulk_create(ties.values())
        receivers = []
        for plan in self.plans:
            if plan.expected is None:
                continue
            if plan.expected["kind"] == "us_tie":
                tie = ties[plan.case.pk]
                receivers.append(
                    ExpectedReceiver(
                        case=plan.case,
                        kind="us_tie",
                        name=tie.name,
                        organisation=tie.relationship,
                        phone=tie.phone,
                        us_tie=tie,
                        source=USTie.Source.MANIFEST,
                    )
                )
            else:
                receivers.append(
                    ExpectedReceiver(case=plan.case, source=USTie.Source.MANIFEST, **plan.expected)
                )
        ExpectedReceiver.objects.bulk_create(receivers)
        if actor is not None:
            self.record_custody(actor, now, {r.case_id: r for r in receivers})

    def record_custody(
        self, actor: Any, now: dt.datetime, expected: dict[int, ExpectedReceiver]
    ) -> None:
        """The hand-overs the day's steps imply: to the expected receiver for those handed
        over; to an IOM escort for a URM who departed onward."""
        cases = [p.case for p in self.plans]
        people = Individual.objects.filter(
            case__in=cases, current_step__in=[ArrivalStep.HANDED_OVER, ArrivalStep.DEPARTED]
        ).order_by("case_id", "person_number")
        by_case: dict[int, list[Individual]] = {}
        for person in people:
            by_case.setdefault(person.case_id, []).append(person)
        for case in cases:
            gone = by_case.get(case.pk, [])
            handed = [p for p in gone if p.current_step == ArrivalStep.HANDED_OVER]
            receiver = expected.get(case.pk)
            if handed and receiver is not None:
                self._record(actor, case, handed, receiver_of(receiver), handed[0].current_step_at)
            minors = [p for p in gone if p.current_step == ArrivalStep.DEPARTED and p.needs_custody]
            if minors:
                escort = {
                    "kind": CustodyHandover.Party.ESCORT,
                    "name": "Joseph Mensah",
                    "organisation": "IOM escort",
                    "phone": "+1 404 555 0188",
                }
                self._record(actor, case, minors, escort, minors[0].current_step_at)

    def _record(
        self,
        actor: Any,
        case: Case,
        people: list[Individual],
        receiver: dict[str, Any],
        at: dt.datetime | None,
    ) -> None:
        of_minor = any(p.needs_custody for p in people)
        final = receiver["kind"] in {"agency", "us_tie"}
        record = CustodyHandover(
            case=case,
            subject=CustodyHandover.Subject.PEOPLE,
            of_minor=of_minor,
            from_kind=CustodyHandover.Party.STAFF,
            from_name=actor.get_full_name() or actor.get_username(),
            from_organisation="IOM",
            to_kind=receiver["kind"],
            to_name=receiver["name"],
            to_organisation=receiver["organisation"],
            to_phone=receiver["phone"] or "+1 404 555 0100",
            to_id_type=self.rng.choice(ID_TYPES),
            to_id_last_digits=f"{self.rng.randint(0, 9999):04d}",
            agency_office=receiver.get("agency_office"),
            us_tie=receiver.get("us_tie"),
            receiver_check=CustodyHandover.Check.EXPECTED if final else "",
            at=at or case.created_at,
            place=f"{self.port.iata} arrivals hall" if final else f"{self.port.iata} gate",
            idempotency_key=f"demo-custody-{case.case_number}-{people[0].person_number}",
            recorded_by=actor,
        )
        if of_minor:
            record.from_signature.save("s.png", ContentFile(signature(record.from_name)), False)
            record.to_signature.save("s.png", ContentFile(signature(record.to_name)), False)
        record.save()
        record.individuals.set(people)


def receiver_of(expected: ExpectedReceiver) -> dict[str, Any]:
    return {
        "kind": expected.kind,
        "name": expected.name,
        "organisation": expected.organisation,
        "phone": expected.phone,
        "agency_office": expected.agency_office,
        "us_tie": expected.us_tie,
    }


def signature(name: str) -> bytes:
    """A drawn-looking signature for demo records: a pen stroke that depends on the name."""
    rng = random.Random(fold(name))  # noqa: S311 - demo data
    image = Image.new("RGBA", (480, 140), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    x, points = 20, []
    while x < 440:
        points.append((x, rng.randint(40, 110)))
        x += rng.randint(18, 40)
    pen.line(points, fill=(17, 24, 39, 255), width=4, joint="curve")
    pen.line([(30, 120), (420, 118)], fill=(17, 24, 39, 255), width=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- The hand-overs to try: a URM and a separated child waiting now ----------------------------

# port: (the URM, her agency, her receiver), (the separated child, the adult with her, the tie)
WAITING = {
    "ATL": (
        ("Aline", "Uwase", "RW", "kin", 16, "F", "IRC Atlanta", "Sam Rivera"),
        ("Hawa", "Jalloh", "SL", "kri", 14, "F", "Fatmata Kamara", "Mohamed Jalloh", "uncle"),
    ),
    "JFK": (
        ("Espoir", "Kasongo", "CD", "swa", 15, "M", "HIAS New York", "Dana Cohen"),
        ("Selam", "Haile", "ER", "tir", 13, "F", "Senait Weldu", "Mulu Haile", "aunt"),
    ),
}


def waiting_case_number(port: Port, day: dt.date, kind: str) -> str:
    return f"DEMO-{port.iata}-{day:%Y%m%d}-{kind}"


def seed_waiting_minors(port: Port, day: dt.date, actor: Any, now: dt.datetime) -> int:
    """At ATL and JFK, today: a URM and a separated child through CBP on a flight that landed
    an hour ago, each waiting for their expected receiver. Idempotent."""
    if port.iata not in WAITING or actor is None:
        return 0
    if Case.objects.filter(case_number=waiting_case_number(port, day, "URM")).exists():
        return 0
    urm, separated = WAITING[port.iata]
    office = AgencyOffice.objects.filter(name=urm[6]).select_related("agency").first()
    with transaction.atomic():
        flight = _landed_flight(port, now)
        made = [
            _urm_case(port, day, flight, office, urm, actor, now),
            _separated_case(port, day, flight, office, separated, actor, now),
        ]
    return len(made)


def _landed_flight(port: Port, now: dt.datetime) -> Flight:
    landed = (now - dt.timedelta(minutes=75)).replace(second=0, microsecond=0)
    departed = landed - dt.timedelta(hours=15)
    origin_zone = zoneinfo.ZoneInfo("Africa/Addis_Ababa")
    flight, _ = Flight.objects.get_or_create(
        carrier="ET",
        number="513" if port.iata == "ATL" else "509",
        scheduled_date=departed.astimezone(origin_zone).date(),
        defaults={
            "port": port,
            "origin": "ADD",
            "destination": port.iata,
            "scheduled_departure": departed,
            "scheduled_arrival": landed,
            "actual_arrival": landed + dt.timedelta(minutes=4),
            "status": Flight.Status.LANDED,
        },
    )
    return flight


def _born(day: dt.date, age: int) -> dt.date:
    return dt.date(day.year - age, 3, 14)


def _through_cbp(people: list[Individual], port: Port, actor: Any, now: dt.datetime) -> None:
    """Met, admitted by CBP, bags claimed and through customs: waiting to be handed over."""
    met = now - dt.timedelta(minutes=60)
    path: tuple[tuple[str, dt.datetime, dict[str, int]], ...] = (
        (ArrivalStep.MET, met, {}),
        (ArrivalStep.CBP_CLEARED, now - dt.timedelta(minutes=25), {}),
        (ArrivalStep.BAGS_CLAIMED, now - dt.timedelta(minutes=15), {"bags": 1}),
        (ArrivalStep.CUSTOMS_CLEARED, now - dt.timedelta(minutes=8), {}),
    )
    events = []
    for person in people:
        person.current_step, person.current_step_at = path[-1][0], path[-1][1]
        person.save(update_fields=["current_step", "current_step_at"])
        before: str = ArrivalStep.EXPECTED
        for step, at, detail in path:
            events.append(
                StepEvent(
                    individual=person,
                    port=port,
                    from_step=before,
                    to_step=step,
                    at=at,
                    detail=detail,
                    actor=actor,
                    device=DEVICE,
                    idempotency_key=f"demo-{person.case.case_number}-{person.person_number}-{step}",
                )
            )
            before = step
    StepEvent.objects.bulk_create(events)


def _urm_case(
    port: Port,
    day: dt.date,
    flight: Flight,
    office: AgencyOffice | None,
    who: tuple[Any, ...],
    actor: Any,
    now: dt.datetime,
) -> Case:
    given, surname, nation, language, age, sex, _office_name, worker = who
    case = Case.objects.create(
        case_number=waiting_case_number(port, day, "URM"),
        abn_number=f"ABN-{day:%y%m%d}-{port.iata}U1",
        port=port,
        agency=office.agency if office else None,
        agency_office=office,
        local_affiliate=office.name if office else "",
        final_destination=f"{office.city}, {office.state}" if office else "",
        status=Case.Status.IN_PROGRESS,
        notes="URM: foster-care placement arranged by the agency; caseworker meets her here.",
    )
    minor = Individual.objects.create(
        case=case,
        person_number="P01",
        given_names=given,
        surname=surname,
        date_of_birth=_born(day, age),
        sex=sex,
        nationality=nation,
        primary_language=language,
        interpreter_needed=True,
        programme_status=ProgrammeStatus.URM,
        document_in_custody=True,
        vulnerability_notes="URM: hand over only to the expected caseworker, with ID and "
        "both signatures.",
    )
    Segment.objects.create(case=case, flight=flight, direction=Segment.Direction.INBOUND)
    ExpectedReceiver.objects.create(
        case=case,
        kind=ExpectedReceiver.Kind.AGENCY,
        name=worker,
        organisation=office.name if office else "Foster-care agency",
        phone=office.duty_phone if office else "+1 404 555 0140",
        agency_office=office,
        source=USTie.Source.MANIFEST,
    )
    _through_cbp([minor], port, actor, now)
    return case


def _separated_case(
    port: Port,
    day: dt.date,
    flight: Flight,
    office: AgencyOffice | None,
    who: tuple[Any, ...],
    actor: Any,
    now: dt.datetime,
) -> Case:
    given, surname, nation, language, age, sex, adult, tie_name, relationship = who
    adult_given, adult_surname = adult.split(" ", 1)
    case = Case.objects.create(
        case_number=waiting_case_number(port, day, "SEP"),
        abn_number=f"ABN-{day:%y%m%d}-{port.iata}S1",
        port=port,
        agency=office.agency if office else None,
        agency_office=office,
        local_affiliate=office.name if office else "",
        final_destination=f"{office.city}, {office.state}" if office else "",
        status=Case.Status.IN_PROGRESS,
        notes=f"Separated child travelling with {adult} (not a parent); her {relationship} "
        "receives them.",
    )
    child = Individual.objects.create(
        case=case,
        person_number="P02",
        given_names=given,
        surname=surname,
        date_of_birth=_born(day, age),
        sex=sex,
        nationality=nation,
        primary_language=language,
        relationship=Individual.Relationship.OTHER,
        programme_status=ProgrammeStatus.SEPARATED,
    )
    grown_up = Individual.objects.create(
        case=case,
        person_number="P01",
        given_names=adult_given,
        surname=adult_surname,
        date_of_birth=_born(day, 34),
        sex="F",
        nationality=nation,
        primary_language=language,
        interpreter_needed=True,
    )
    Segment.objects.create(case=case, flight=flight, direction=Segment.Direction.INBOUND)
    tie = USTie.objects.create(
        case=case,
        name=tie_name,
        relationship=relationship,
        phone="+1 404 555 0177" if port.iata == "ATL" else "+1 718 555 0177",
        city=f"{office.city}, {office.state}" if office else "",
        source=USTie.Source.MANIFEST,
    )
    ExpectedReceiver.objects.create(
        case=case,
        kind=ExpectedReceiver.Kind.US_TIE,
        name=tie.name,
        organisation=tie.relationship,
        phone=tie.phone,
        us_tie=tie,
        source=USTie.Source.MANIFEST,
    )
    _through_cbp([grown_up, child], port, actor, now)
    return case
