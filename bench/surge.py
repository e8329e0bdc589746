"""A surge day for the benchmarks: 7 ports, 3,000 arriving people in 800 cases on 90 flights, ATL
carrying half — about the size of an Operation Allies Welcome day — plus a quiet day of 30 people
for the board's scaling ratio.

Written with ``bulk_create`` into whatever database Django is connected to (the harness uses a
throwaway test database). Deterministic: the same seed gives the same day.

What it holds, so the board's anomaly and misconnect logic has work to do:
- flights spread over each port's local day, the earlier ones landed (some late), a few delayed,
  one cancelled and one diverted;
- needs flags in realistic proportions (wheelchair codes, unaccompanied minors, medical cases,
  interpreter languages);
- a third of the cases with an onward domestic leg leaving 1–5 hours after landing, so some are
  at risk of missing it;
- people on landed flights already moved along the steps (met, CBP, bags, customs, at the gate,
  departed, hotel, handed over, a few exceptions), each with the StepEvent that put them there.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.models import User

from arrivals.models import Flight, Segment, StepEvent
from cases.models import Case, Individual, ResettlementAgency
from cases.steps import ArrivalStep
from poe_ops.models import Port
from poe_ops.text import fold

PEOPLE = 3_000
CASES = 800
FLIGHTS = 90
PORT_SHARE = {
    "ATL": 0.5,
    "JFK": 0.1,
    "IAD": 0.1,
    "ORD": 0.08,
    "LAX": 0.08,
    "EWR": 0.07,
    "IAH": 0.07,
}
QUIET_PEOPLE = 30
# Flights due before noon local time have landed: the same day whatever the hour of the run.
LANDED_BEFORE = dt.time(12)

LANGUAGES = ["prs", "pus", "uzb", "ara", "ukr", "spa", "swa", "fas", "eng", "fra"]
ORIGINS = ["DOH", "FRA", "IST", "DXB", "AMS", "CDG", "LHR", "NBO", "ADD", "MAD"]
CARRIERS = ["QR", "LH", "TK", "EK", "KL", "AF", "BA", "KQ", "ET", "IB"]
DOMESTIC = ["BOI", "SLC", "DEN", "PHX", "SEA", "MSP", "DTW", "CLT", "BNA", "PDX"]
GIVEN = [
    "Ahmad",
    "Fatima",
    "Mohammad",
    "Zahra",
    "Ali",
    "Maryam",
    "Hassan",
    "Amina",
    "Omar",
    "Leila",
]
SURNAMES = ["Karimi", "Rahimi", "Ahmadi", "Haidari", "Sultani", "Noori", "Safi", "Wardak", "Zazai"]


@dataclass
class SeededDay:
    day: dt.date
    people: int
    cases: int
    flights: int
    # ATL people still "expected" on flights not yet landed, by case: for the check-in clients.
    expected_atl: dict[int, list[tuple[int, int]]] = field(
        default_factory=dict
    )  # case → (pk, flight)


def _shares(total: int, shares: dict[str, float]) -> dict[str, int]:
    counts = {k: round(total * v) for k, v in shares.items()}
    counts.setdefault("ATL", 0)
    counts["ATL"] += total - sum(counts.values())
    return counts


def _family_sizes(people: int, cases: int, rng: random.Random) -> list[int]:
    """Family sizes 1–9 that add up to ``people``, mostly 2–5."""
    sizes = [1] * cases
    left = people - cases
    while left > 0:
        i = rng.randrange(cases)
        if sizes[i] < 9:
            sizes[i] += 1
            left -= 1
    return sizes


def seed_day(
    day: dt.date,
    people: int,
    cases: int,
    flights: int,
    *,
    prefix: str,
    shares: dict[str, float] = PORT_SHARE,
    seed: int = 5,
) -> SeededDay:
    rng = random.Random(seed)
    ports = {p.iata: p for p in Port.objects.all()}
    agencies = list(ResettlementAgency.objects.filter(active=True))
    now = dt.datetime.now(dt.UTC)
    number = 100 if prefix == "SURGE" else 5000
    people_at = _shares(people, shares)
    cases_at = _shares(cases, shares)
    flights_at = _shares(flights, shares)
    result = SeededDay(day=day, people=people, cases=cases, flights=flights)

    flight_rows: list[Flight] = []
    onward_rows: list[Flight] = []
    plan: list[tuple[Port, list[int], list[Flight]]] = []
    for iata, port in ports.items():
        if not people_at.get(iata) or not flights_at.get(iata) or not cases_at.get(iata):
            continue
        start = dt.datetime.combine(day, dt.time(5), tzinfo=port.zone)
        n_flights = max(1, flights_at[iata])
        port_flights = []
        for i in range(n_flights):
            number += 1
            sched = start + dt.timedelta(minutes=int(i * 17 * 60 / n_flights) + rng.randrange(15))
            flight = Flight(
                carrier=rng.choice(CARRIERS),
                number=str(number),
                scheduled_date=day,
                port=port,
                origin=rng.choice(ORIGINS),
                destination=iata,
                scheduled_departure=sched - dt.timedelta(hours=rng.randint(7, 14)),
                scheduled_arrival=sched,
            )
            roll = rng.random()
            if sched.time() < LANDED_BEFORE:
                flight.status = Flight.Status.LANDED
                flight.actual_arrival = sched + dt.timedelta(minutes=rng.randint(-15, 50))
            elif roll < 0.15:
                flight.status = Flight.Status.DELAYED
                flight.estimated_arrival = sched + dt.timedelta(minutes=rng.randint(40, 180))
            port_flights.append(flight)
        last = port_flights[-1]
        last.status = Flight.Status.DELAYED
        last.estimated_arrival = start + dt.timedelta(hours=19)
        flight_rows += port_flights
        plan.append((port, _family_sizes(people_at[iata], cases_at[iata], rng), port_flights))
    # One cancellation and one diversion somewhere outside ATL: anomalies for the board.
    others = [f for f in flight_rows if f.port.iata != "ATL"]
    for flight, status in zip(
        others, [Flight.Status.CANCELLED, Flight.Status.DIVERTED], strict=False
    ):
        flight.status, flight.actual_arrival = status, None
    Flight.objects.bulk_create(flight_rows)

    case_rows: list[Case] = []
    case_flight: list[Flight] = []
    case_number = 0
    for port, sizes, port_flights in plan:
        for _size in sizes:
            case_number += 1
            case_rows.append(
                Case(
                    case_number=f"{prefix}{case_number:06d}",
                    abn_number=f"ABN-{prefix}{case_number}",
                    port=port,
                    agency=rng.choice(agencies) if agencies else None,
                    final_destination=f"{rng.choice(DOMESTIC)}",
                )
            )
            case_flight.append(rng.choice(port_flights))
    Case.objects.bulk_create(case_rows)

    sizes_flat = [size for _port, sizes, _f in plan for size in sizes]
    person_rows: list[Individual] = []
    steps_for: list[str] = []
    for case, flight, size in zip(case_rows, case_flight, sizes_flat, strict=True):
        language = rng.choice(LANGUAGES)
        needs_interpreter = language != "eng" and rng.random() < 0.6
        landed = flight.status == Flight.Status.LANDED
        for j in range(size):
            codes: list[str] = []
            roll = rng.random()
            if roll < 0.03:
                codes.append(rng.choice(["WCHR", "WCHS", "WCHC"]))
            elif roll < 0.04:
                codes.append("MEDA")
            elif roll < 0.045:
                codes.append(rng.choice(["BLND", "DEAF", "DPNA"]))
            urm = size == 1 and rng.random() < 0.2
            if urm:
                codes.append("UMNR")
            given, surname = rng.choice(GIVEN), rng.choice(SURNAMES)
            person_rows.append(
                Individual(
                    case=case,
                    person_number=f"P{j + 1}",
                    given_names=given,
                    surname=surname,
                    name_folded=fold(f"{given} {surname}"),
                    date_of_birth=dt.date(1950 + rng.randrange(70), 1 + rng.randrange(12), 1),
                    sex=rng.choice("FM"),
                    nationality="AF",
                    primary_language=language,
                    interpreter_needed=needs_interpreter,
                    relationship="PA" if j == 0 else rng.choice(["SP", "CH", "CH", "PR"]),
                    ssr_codes=codes,
                    programme_status="urm" if urm else "",
                    medical="MEDA" in codes or rng.random() < 0.01,
                    elderly=rng.random() < 0.05,
                )
            )
            steps_for.append(_step_after_landing(rng) if landed else ArrivalStep.EXPECTED)
    for person, step in zip(person_rows, steps_for, strict=True):
        person.current_step = step
        person.current_step_at = now if step != ArrivalStep.EXPECTED else None
    Individual.objects.bulk_create(person_rows, batch_size=1000)

    # Inbound legs, and an onward domestic leg for a third of the cases.
    segments: list[Segment] = []
    onward_for: list[tuple[Case, Flight]] = []
    for case, flight in zip(case_rows, case_flight, strict=True):
        segments.append(Segment(case=case, flight=flight, direction=Segment.Direction.INBOUND))
        if rng.random() < 1 / 3 and flight.status != Flight.Status.CANCELLED:
            eta = flight.estimated_arrival or flight.scheduled_arrival
            assert eta is not None
            number += 1
            dest = rng.choice(DOMESTIC)
            onward = Flight(
                carrier="DL",
                number=str(number),
                scheduled_date=day,
                port=flight.port,
                origin=flight.port.iata,
                destination=dest,
                scheduled_departure=eta + dt.timedelta(minutes=rng.randint(60, 300)),
            )
            onward_rows.append(onward)
            onward_for.append((case, onward))
    Flight.objects.bulk_create(onward_rows)
    segments += [
        Segment(case=case, flight=onward, direction=Segment.Direction.ONWARD)
        for case, onward in onward_for
    ]
    Segment.objects.bulk_create(segments, batch_size=1000)

    # The steps already taken, as the events that took them (one per person moved).
    actor = _seed_actor()
    StepEvent.objects.bulk_create(
        [
            StepEvent(
                individual=person,
                port=person.case.port,
                from_step=ArrivalStep.EXPECTED,
                to_step=person.current_step,
                actor=actor,
                idempotency_key=str(uuid.UUID(int=rng.getrandbits(128))),
            )
            for person in person_rows
            if person.current_step != ArrivalStep.EXPECTED
        ],
        batch_size=1000,
    )

    flight_of = {case.pk: flight.pk for case, flight in zip(case_rows, case_flight, strict=True)}
    for person in person_rows:
        if person.current_step == ArrivalStep.EXPECTED and person.case.port.iata == "ATL":
            result.expected_atl.setdefault(person.case.pk, []).append(
                (person.pk, flight_of[person.case.pk])
            )
    return result


def _step_after_landing(rng: random.Random) -> str:
    roll = rng.random()
    for step, upto in (
        (ArrivalStep.EXPECTED, 0.08),
        (ArrivalStep.MET, 0.16),
        (ArrivalStep.CBP_SECONDARY, 0.18),
        (ArrivalStep.CBP_CLEARED, 0.26),
        (ArrivalStep.BAGS_CLAIMED, 0.30),
        (ArrivalStep.CUSTOMS_CLEARED, 0.34),
        (ArrivalStep.AT_GATE, 0.44),
        (ArrivalStep.DEPARTED, 0.55),
        (ArrivalStep.HOTEL, 0.70),
        (ArrivalStep.HANDED_OVER, 0.93),
        (ArrivalStep.HOSPITAL, 0.95),
        (ArrivalStep.NEEDS_REBOOKING, 0.97),
    ):
        if roll < upto:
            return step
    return ArrivalStep.NO_SHOW


def _seed_actor() -> User:
    user, _ = User.objects.get_or_create(username="bench.seed")
    return user


def seed_surge(day: dt.date) -> SeededDay:
    return seed_day(day, PEOPLE, CASES, FLIGHTS, prefix="SURGE")


def seed_quiet(day: dt.date) -> SeededDay:
    """30 people in 8 cases on 3 flights: the small day the surge board is compared with."""
    return seed_day(day, QUIET_PEOPLE, 8, 3, prefix="QUIET", shares={"ATL": 1.0}, seed=6)
