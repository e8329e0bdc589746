"""Scenarios many tests start from, built on the factories in ``tests/factories.py``: families on
flights, a port's day of arrivals, staff at a port, incident reports as associates file them, and
an office with a notification list. A test that needs one row builds it with its factory; a test
that needs a situation starts from one of these."""

from __future__ import annotations

import datetime as dt
import io
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from arrivals.models import Flight, Segment
from cases.models import Case, CustodyHandover, Individual, ResettlementAgency
from cases.services.custody import (
    Giver,
    Receiver,
    ReceiverChoice,
    Signatures,
    record_handover,
)
from poe_ops.keys import new_key
from poe_ops.models import OperationsOffice, Port
from poe_ops.roles import Role
from reports.models import IncidentAttachment, IncidentReport
from reports.services import attachments, incidents
from staffing.models import StaffProfile
from tests.factories import (
    CaseFactory,
    CredentialFactory,
    ExpectedReceiverFactory,
    FlightFactory,
    IndividualFactory,
    SegmentFactory,
    StaffLanguageFactory,
    StaffProfileFactory,
    make_port_user,
)

# The arrival steps


BAGS = {"bags": 2}


def walk(user: Any, case: Case, steps: Iterable[str], **kwargs: Any) -> None:
    """Move the whole ``case`` (``only=``: some of it) through ``steps``, each tap a new key;
    bags claimed carries two bags."""
    from arrivals.services.checkin import move_case

    for step in steps:
        detail = BAGS if step == "bags_claimed" else None
        move_case(user, case.pk, step, idempotency_key=new_key(), detail=detail, **kwargs)


THROUGH_CUSTOMS = ("met", "cbp_cleared", "bags_claimed", "customs_cleared")
TO_THE_GATE = (*THROUGH_CUSTOMS, "bags_rechecked", "boarding_pass", "through_security", "at_gate")


def onward(
    case: Case,
    departure: dt.datetime,
    *,
    carrier: str = "DL",
    number: str = "1234",
    destination: str = "BOI",
    individuals: Iterable[Individual] = (),
    **fields: Any,
) -> Flight:
    """An onward domestic flight leaving the case's port at ``departure`` with the case (or
    ``individuals`` of it) booked on it."""
    port = case.port
    flight = FlightFactory.create(
        port=port, carrier=carrier, number=number, origin=port.iata, destination=destination,
        scheduled_date=departure.astimezone(port.zone).date(), scheduled_departure=departure,
        **fields,
    )  # fmt: skip
    SegmentFactory.create(
        case=case, flight=flight, direction=Segment.Direction.ONWARD, individuals=list(individuals)
    )
    return flight


# Port-local time


def local(port: Port, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``hour:minute`` on ``day`` in the port's time zone."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=port.zone)


def next_monday(port: Port) -> dt.date:
    """The Monday after the port's today: a week nobody has rostered yet."""
    today = port.local_today()
    return today + dt.timedelta(days=7 - today.weekday())


# Families and flights


def family_on_flight(
    port: Port, flight: Flight | None = None, size: int = 4, **person_fields: Any
) -> tuple[Case, list[Individual]]:
    """A case of ``size`` people booked (whole case) on ``flight``'s inbound segment; without a
    flight, on a new one landing now."""
    flight = flight or FlightFactory.create(port=port, scheduled_arrival=dt.datetime.now(dt.UTC))
    case = CaseFactory.create(port=port)
    people: list[Individual] = []
    for _ in range(size):
        person = IndividualFactory.build(case=case, **person_fields)
        # Two of a family with one generated name would make "Meal for …" two fields: drawn
        # again (unless the test named them).
        while "given_names" not in person_fields and any(
            p.given_names == person.given_names for p in people
        ):
            person.given_names = IndividualFactory.build(case=case).given_names
        person.save()
        people.append(person)
    SegmentFactory.create(case=case, flight=flight)
    return case, people


def receiver_named(user: Any, people: list[Individual], *, key: str = "") -> CustodyHandover:
    """A hand-over of ``people`` (adults of one case) to their U.S. tie, identified, recorded
    through the custody service: after it, tapping them "handed over" is accepted."""
    case = people[0].case
    saved = record_handover(
        user,
        case,
        subject=CustodyHandover.Subject.PEOPLE,
        individuals=people,
        giver=Giver("staff", "Amina Haidari", "IOM"),
        receiver=Receiver(
            "us_tie",
            "Farid Noori",
            "brother",
            phone="+1 404 555 0123",
            id_type="drivers_license",
            id_last_digits="4821",
        ),
        place="Arrivals hall",
        choice=ReceiverChoice(reason="The family's brother, on the ABN"),
        idempotency_key=key or new_key(),
    )
    return saved.obj


def signed_handover(port: Port) -> CustodyHandover:
    """A URM of ``port`` handed to her expected receiver, both sides signing (files saved to
    the private storage)."""
    case, (minor,) = family_on_flight(port, size=1, programme_status="urm")
    ExpectedReceiverFactory.create(case=case)
    minor.current_step = "customs_cleared"
    minor.save()
    saved = record_handover(
        make_port_user(f"{port.iata.lower()}.signer", port, Role.ASSOCIATE),
        case,
        subject=CustodyHandover.Subject.PEOPLE,
        individuals=[minor],
        giver=Giver("staff", "Amina Haidari", "IOM"),
        receiver=Receiver(
            "agency",
            "Sam Rivera",
            "IRC Atlanta",
            phone="+1 404 555 0142",
            id_type="badge",
            id_last_digits="7731",
        ),
        place="Door 3",
        signatures=Signatures(sign("Amina"), sign("Sam")),
        idempotency_key=new_key(),
    )
    return saved.obj


def sign(text: str = "Sig") -> bytes:
    """A PNG that looks like a signature: dark strokes on transparency."""
    from PIL import Image, ImageDraw

    image = Image.new("RGBA", (400, 120), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    stroke = [(20, 90), (80, 20), (140, 95), (200, 30), (260, 90), (380, 40)]
    pen.line(stroke, fill="black", width=5)
    pen.text((30, 100), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def family(port: Port, surname: str, given: list[str], **case_fields: object) -> list[Individual]:
    """A case at ``port`` of one person per given name, all called ``surname``, on no flight."""
    case = CaseFactory.create(port=port, **case_fields)
    return [
        IndividualFactory.create(
            case=case,
            surname=surname,
            given_names=name,
            person_number=f"{case.case_number}-{n}",
        )
        for n, name in enumerate(given, start=1)
    ]


@dataclass
class PortDay:
    day: dt.date
    flights: list[Flight]
    cases: list[Case]
    people: list[Individual]


def port_day(port: Port, day: dt.date | None = None) -> PortDay:
    """A day of paperwork at ``port`` (today by default), seven people on two flights:
    QR747 from DOH at 09:00 with the Haidari (4) and Nyiramana (1) cases; TK33 from IST at
    15:30 with the Rahimi case (2), of whom one has an onward flight to Boise at 19:45.
    Zahra Haidari needs a wheelchair and an interpreter and has her documents in custody;
    Béatrice Nyiramana is a URM (programme status)."""
    day = day or port.local_today()
    early = FlightFactory.create(
        port=port, carrier="QR", number="747", scheduled_date=day,
        scheduled_arrival=local(port, day, 9), origin="DOH",
    )  # fmt: skip
    late = FlightFactory.create(
        port=port, carrier="TK", number="33", scheduled_date=day,
        scheduled_arrival=local(port, day, 15, 30), origin="IST",
    )  # fmt: skip
    agency = ResettlementAgency.objects.order_by("code").first()
    haidari = family(port, "Haidari", ["Zahra", "Ahmad", "Maryam", "Ali"], agency=agency)
    haidari[3].programme_status = ""
    haidari[0].ssr_codes = ["WCHR"]
    haidari[0].interpreter_needed = True
    haidari[0].document_in_custody = True
    haidari[0].save()
    nyiramana = family(port, "Nyiramana", ["Béatrice"])
    nyiramana[0].programme_status = "urm"
    nyiramana[0].save()
    rahimi = family(port, "Rahimi", ["Omid", "Shirin"], local_affiliate="Agape Boise")
    for people, flight in ((haidari, early), (nyiramana, early), (rahimi, late)):
        SegmentFactory.create(case=people[0].case, flight=flight)
    onward = FlightFactory.create(
        port=port, carrier="DL", number="1234", scheduled_date=day, origin=port.iata,
        destination="BOI", scheduled_departure=local(port, day, 19, 45),
    )  # fmt: skip
    SegmentFactory.create(
        case=rahimi[0].case,
        flight=onward,
        direction=Segment.Direction.ONWARD,
        individuals=[rahimi[0]],
    )
    people = haidari + nyiramana + rahimi
    return PortDay(day, [early, late], [p[0].case for p in (haidari, nyiramana, rahimi)], people)


def crowded_day(port: Port, day: dt.date, people: int, *, needing_escort: bool = False) -> None:
    """``people`` people in cases of three on one inbound flight per 30 people, spread over
    ``day``, every case connecting onward at 02:00 — too soon after any of them, so everyone
    is at risk of missing the connection. With ``needing_escort``, each case has an
    unaccompanied minor and a MEDA traveller. Built in bulk: the tests that use it are about
    the pages' queries, not the builders."""
    flights = [
        FlightFactory.create(
            port=port, scheduled_arrival=local(port, day, 1 + i % 22, i % 60), number=str(100 + i)
        )
        for i in range(max(1, people // 30))
    ]
    onward = FlightFactory.create(
        port=port,
        carrier="DL",
        origin=port.iata,
        destination="BOI",
        scheduled_date=day,
        scheduled_departure=local(port, day, 2),
    )
    cases = Case.objects.bulk_create(
        [
            Case(case_number=f"BULK{i:05d}", abn_number=f"B{i}", port=port)
            for i in range(people // 3)
        ]
    )
    Individual.objects.bulk_create(
        [
            Individual(
                case=c,
                person_number=f"P{j}",
                given_names="Test",
                surname=f"Person{j}",
                programme_status="urm" if needing_escort and j == 0 else "",
                ssr_codes=["MEDA"] if needing_escort and j == 1 else [],
            )
            for c in cases
            for j in range(3)
        ]
    )
    Segment.objects.bulk_create(
        [
            Segment(case=c, flight=flights[i % len(flights)], direction=Segment.Direction.INBOUND)
            for i, c in enumerate(cases)
        ]
        + [Segment(case=c, flight=onward, direction=Segment.Direction.ONWARD) for c in cases]
    )


def flight_with_people(
    port: Port,
    arrival: dt.datetime,
    people: int,
    *,
    number: str = "747",
    language: str = "prs",
    interpreters: int = 0,
    **person_fields: Any,
) -> tuple[Flight, list[Individual]]:
    """An inbound QR flight from DOH landing at ``arrival`` with one case of ``people`` people,
    the first ``interpreters`` of whom need an interpreter in ``language``."""
    flight = FlightFactory.create(
        port=port,
        carrier="QR",
        number=number,
        scheduled_date=arrival.date(),
        scheduled_arrival=arrival,
        origin="DOH",
    )
    case = CaseFactory.create(port=port)
    SegmentFactory.create(case=case, flight=flight)
    individuals = [
        IndividualFactory.create(
            case=case,
            person_number=f"{case.case_number}-{n}",
            primary_language=language,
            interpreter_needed=n < interpreters,
            **person_fields,
        )
        for n in range(people)
    ]
    return flight, individuals


# Staff


def staff(
    user: Any,
    port: Port,
    *,
    badge_expires: dt.date | None = dt.date(2099, 1, 1),
    languages: tuple[str, ...] = (),
) -> StaffProfile:
    """Give ``user`` a profile at ``port`` with an airport badge from the port's authority valid
    until ``badge_expires`` (none when that is None), speaking ``languages`` fluently."""
    profile = StaffProfileFactory.create(user=user, home_ports=[port])
    if badge_expires is not None:
        CredentialFactory.create(
            profile=profile, authority=f"{port.iata} Airport Authority", expires=badge_expires
        )
    for code in languages:
        StaffLanguageFactory.create(profile=profile, code=code)
    return profile


# Incident reports, filed through the services as an associate files them


_reporters = itertools.count(1)

# The smallest files whose first bytes are what they claim.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"\x00" * 64


def complete(**overrides: Any) -> dict[str, Any]:
    """What a report needs before it can be submitted: a low lost-luggage incident."""
    data: dict[str, Any] = {
        "occurred_at": timezone.now() - dt.timedelta(minutes=30),
        "category": "lost_luggage",
        "severity": "low",
        "narrative": "One suitcase did not arrive on the belt.",
        "actions_taken": "Filed a property irregularity report with the airline.",
    }
    data.update(overrides)
    return data


def reporter_at(port: Port, name: str = "") -> Any:
    """An associate at ``port``: a new one each time unless named."""
    return make_port_user(
        name or f"{port.iata.lower()}.reporter{next(_reporters)}", port, Role.ASSOCIATE
    )


def draft_incident(port: Port, author: Any = None, **data: Any) -> IncidentReport:
    """A complete draft (``data`` overrides its fields) by ``author`` or a new associate."""
    return incidents.create_draft(author or reporter_at(port), port, complete(**data))


def submitted_incident(port: Port, author: Any = None, **data: Any) -> IncidentReport:
    """A draft as above, submitted: it awaits an officer and has notified whom it notifies."""
    report = draft_incident(port, author, **data)
    return incidents.submit_incident(report.author, report)


def attachment_on(report: IncidentReport, content: bytes = PNG) -> IncidentAttachment:
    """Attachments go on while the report is editable; added directly on a submitted one."""
    upload = SimpleUploadedFile("photo.png", content, content_type="image/png")
    if report.is_editable:
        return attachments.add_attachment(report.author, report, upload)
    found = IncidentAttachment(
        report=report,
        original_name="photo.png",
        content_type=attachments.check_upload(upload),
        size=len(content),
        uploaded_by=report.author,
    )
    found.file.save("photo.png", upload, save=True)
    return found


# Notifications

DC_LIST = ["dc-ops@example.org", "dc-duty@example.org"]


def give_dc_a_list() -> OperationsOffice:
    """Operations HQ DC's notification emails go to ``DC_LIST``."""
    office = OperationsOffice.objects.get(code="DC")
    office.notification_emails = "\n".join(DC_LIST)
    office.save()
    return office
