"""Test data for the paperwork tests: a port day with two flights and seven people."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

import pypdf

from arrivals.models import Flight, Segment
from cases.models import Case, Individual, ResettlementAgency
from poe_ops.models import Port
from tests.factories import CaseFactory, FlightFactory, IndividualFactory


@dataclass
class PortDay:
    day: dt.date
    flights: list[Flight]
    cases: list[Case]
    people: list[Individual]


def local(port: Port, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=port.zone)


def family(port: Port, surname: str, given: list[str], **case_fields: object) -> list[Individual]:
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


def port_day(port: Port, day: dt.date | None = None) -> PortDay:
    """QR747 from DOH at 09:00 with the Haidari (4) and Nyiramana (1) cases; TK33 from IST at
    15:30 with the Rahimi case (2), of whom one has an onward flight to Boise."""
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
    haidari[3].unaccompanied_minor = False
    haidari[0].ssr_codes = ["WCHR"]
    haidari[0].interpreter_needed = True
    haidari[0].document_in_custody = True
    haidari[0].save()
    nyiramana = family(port, "Nyiramana", ["Béatrice"])
    nyiramana[0].unaccompanied_minor = True
    nyiramana[0].save()
    rahimi = family(port, "Rahimi", ["Omid", "Shirin"], local_affiliate="Agape Boise")
    for people, flight in ((haidari, early), (nyiramana, early), (rahimi, late)):
        Segment.objects.create(
            case=people[0].case, flight=flight, direction=Segment.Direction.INBOUND
        )
    onward = FlightFactory.create(
        port=port, carrier="DL", number="1234", scheduled_date=day, origin=port.iata,
        destination="BOI", scheduled_departure=local(port, day, 19, 45),
    )  # fmt: skip
    leg = Segment.objects.create(
        case=rahimi[0].case, flight=onward, direction=Segment.Direction.ONWARD
    )
    leg.individuals.add(rahimi[0])
    people = haidari + nyiramana + rahimi
    return PortDay(day, [early, late], [p[0].case for p in (haidari, nyiramana, rahimi)], people)


def pdf_text(content: bytes) -> list[str]:
    """The text of each page."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [page.extract_text() for page in reader.pages]


def pdf_page_sizes(content: bytes) -> list[tuple[float, float]]:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
