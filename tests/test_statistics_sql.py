"""The people of a period counted by PostgreSQL (``counting=SQL``: what every page, download and
monthly report reads) against the same definitions counted row by row in Python
(``counting=PYTHON``: the demo's SQLite, and the plain count the SQL is held to). On the
hand-counted month (``tests/statistics_month.py``) and on a generated one that has everything
at once: landings either side of the month's ends and of the clock change, cases moved between
ports, segments that carry only some of a case, cancelled flights and cases, people off the ABN,
onward legs from other airports, rebooked connections, hand-overs before landing, refused and
undone taps, and two language codes that read the same ("fa" and "fas", Persian)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

import pytest

from arrivals.models import Flight, Segment, StepEvent
from cases.models import Case, Individual, ResettlementAgency
from poe_ops.models import Port
from reports.queries.periods import CUSTOM, MONTH, WEEK, period_of
from reports.queries.statistics.build import PYTHON, SQL, build_statistics
from reports.queries.statistics.figures import PortFigures, Statistics
from tests.factories import (
    CaseFactory,
    FlightFactory,
    IndividualFactory,
    SegmentFactory,
    StepEventFactory,
    make_user,
)
from tests.statistics_month import build_march

pytestmark = pytest.mark.django_db

MARCH = period_of(MONTH, dt.date(2026, 3, 14))
STEPS = ["expected", "met", "hotel", "handed_over", "departed", "no_show", "rebooked", "hospital"]


@pytest.fixture
def ord_(reference_data) -> Port:
    return Port.objects.get(iata="ORD")


def every_figure(stats: Statistics) -> dict[str, Any]:
    """Every figure the page, the downloads and the PDF show."""

    def figures(row: PortFigures) -> dict[str, Any]:
        return {
            name: getattr(row, name)
            for name in (
                "people",
                "cases",
                "no_shows",
                "transits",
                "same_day",
                "misconnections",
                "hospital",
                "minors",
                "room_nights",
                "cost",
                "staff_hours",
                "incidents",
            )
        } | {
            "handover": (row.to_handover.count, row.to_handover.median, row.to_handover.p90),
            "departure": (row.to_departure.count, row.to_departure.median, row.to_departure.p90),
        }

    return {
        "ports": {row.name: figures(row) for row in stats.by_port},
        "total": figures(stats.total),
        "breakdowns": {
            key: [(row.label, row.people, row.cases) for row in rows]
            for key, rows in stats.breakdowns.items()
        },
        "causes": stats.causes,
        "incidents": stats.incidents,
        "daily": stats.daily,
        "handover_buckets": stats.handover_buckets,
    }


def _both(ports: list[Port], period: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    in_sql = build_statistics(ports, period, counting=SQL)
    in_python = build_statistics(ports, period, counting=PYTHON)
    return every_figure(in_sql), every_figure(in_python)


def test_the_hand_counted_month_is_the_same_either_way(jfk, ord_, atl):
    build_march(jfk, ord_, atl)
    ports = list(Port.objects.filter(iata__in=["JFK", "LAX", "ORD", "ATL"]))
    for period in (MARCH, MARCH.previous(), MARCH.following()):
        in_sql, in_python = _both(ports, period)
        assert in_sql == in_python
    in_sql, _ = _both(ports, MARCH)
    assert in_sql["total"]["people"] == 17  # New York's 16 and Atlanta's one


def _build_generated_month(rng: random.Random, ports: list[Port]) -> None:
    staff = make_user("generated.staff")
    agencies: list[ResettlementAgency | None] = [*ResettlementAgency.objects.all()[:3], None]
    start = dt.datetime(2026, 2, 26, tzinfo=dt.UTC)
    # Fixed landings on the edges: the month's first and last local minutes, the clock change.
    edges = [
        dt.datetime(2026, 3, 1, 5, 0, tzinfo=dt.UTC),  # 00:00 EST at JFK
        dt.datetime(2026, 3, 1, 4, 59, tzinfo=dt.UTC),  # 23:59 EST on 28 Feb at JFK
        dt.datetime(2026, 4, 1, 3, 59, tzinfo=dt.UTC),  # 23:59 EDT on 31 Mar at JFK
        dt.datetime(2026, 4, 1, 4, 0, tzinfo=dt.UTC),  # April at JFK, March at ORD
        dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC),  # 03:30 EDT, the first hour of EDT
    ]

    def event(person: Individual, to: str, when: dt.datetime, port: Port, **more: Any) -> Any:
        return StepEventFactory.create(
            individual=person, port=port, to_step=to, at=when, actor=staff, **more
        )

    for n in range(48):
        port = rng.choice(ports)
        cancelled = rng.random() < 0.06
        case = CaseFactory.create(
            port=port,
            agency=rng.choice(agencies),
            status=Case.Status.CANCELLED if cancelled else Case.Status.EXPECTED,
        )
        people = [
            IndividualFactory.create(
                case=case,
                nationality=rng.choice(["AF", "AF", "UA", "SO", ""]),
                primary_language=rng.choice(["prs", "fa", "fas", "ukr", "som", ""]),
                immigration_category=rng.choice(["refugee", "parolee", "siv", ""]),
                programme_status=rng.choice(["", "", "", "urm", "separated", "accompanied"]),
                ssr_codes=rng.choice([[], [], ["UMNR"], ["WCHR", "UMNR"], ["WCHR"]]),
                current_step=rng.choice(STEPS),
                removed_in_version=2 if rng.random() < 0.06 else None,
            )
            for _ in range(rng.randint(1, 4))
        ]
        landed = edges[n] if n < len(edges) else start + dt.timedelta(minutes=rng.randrange(50_000))
        late = dt.timedelta(minutes=rng.choice([0, 0, 10, 20, 120]))
        flight = FlightFactory.create(
            port=port,
            scheduled_arrival=landed - late,
            estimated_arrival=landed if rng.random() < 0.5 else None,
            actual_arrival=landed if late and rng.random() < 0.7 else None,
            status=Flight.Status.CANCELLED if rng.random() < 0.05 else Flight.Status.SCHEDULED,
        )
        named = rng.sample(people, rng.randint(1, len(people))) if rng.random() < 0.25 else []
        inbound = SegmentFactory.create(case=case, flight=flight, individuals=named)
        if rng.random() < 0.12:  # moved to another port before flying
            other = rng.choice([p for p in ports if p != port])
            later = landed + dt.timedelta(hours=rng.randint(1, 30))
            moved = SegmentFactory.create(
                case=case, flight=FlightFactory.create(port=other, scheduled_arrival=later)
            )
            inbound.replaced_by = moved
            inbound.save()
            port, landed = other, later
        if rng.random() < 0.25:  # a second inbound leg for some of the case, a day later
            SegmentFactory.create(
                case=case,
                flight=FlightFactory.create(
                    port=rng.choice(ports), scheduled_arrival=landed + dt.timedelta(days=1)
                ),
                individuals=people[:1],
            )
        for _ in range(rng.choice([0, 1, 1, 2])):  # connections (the first may be rebooked)
            origin = port.iata if rng.random() < 0.85 else "BWI"
            departs = landed + dt.timedelta(minutes=rng.randrange(30, 2_000))
            leaving = FlightFactory.create(
                port=port,
                origin=origin,
                destination="BOI",
                scheduled_arrival=None,
                scheduled_departure=departs,
                scheduled_date=departs.date(),
            )
            onward_people = people[-1:] if rng.random() < 0.2 else []
            onward = SegmentFactory.create(
                case=case, flight=leaving, direction="onward", individuals=onward_people
            )
            if rng.random() < 0.3:
                again = FlightFactory.create(
                    port=port,
                    origin=origin,
                    destination="BOI",
                    scheduled_arrival=None,
                    scheduled_departure=departs + dt.timedelta(hours=20),
                    scheduled_date=(departs + dt.timedelta(hours=20)).date(),
                )
                onward.replaced_by = SegmentFactory.create(
                    case=case, flight=again, direction="onward"
                )
                onward.save()
        for person in people:
            for to in ("handed_over", "departed"):
                for _ in range(rng.choice([0, 1, 1, 2])):
                    when = landed + dt.timedelta(minutes=rng.randrange(-60, 900), seconds=17)
                    tap = event(person, to, when, port, accepted=rng.random() > 0.08)
                    if rng.random() < 0.1:
                        event(person, "met", when + dt.timedelta(minutes=1), port, undoes=tap)
            if rng.random() < 0.1:
                event(person, "needs_rebooking", landed + dt.timedelta(hours=2), port)
    assert StepEvent.objects.filter(undoes__isnull=False).exists()
    assert Segment.individuals.through.objects.exists()


@pytest.fixture
def generated(jfk, ord_, atl) -> list[Port]:
    ports = [jfk, ord_, atl]
    _build_generated_month(random.Random(18), ports)
    return ports


@pytest.mark.parametrize(
    "period",
    [
        MARCH,
        period_of(WEEK, dt.date(2026, 3, 8)),  # the week that ends with the clock change
        period_of(CUSTOM, dt.date(2026, 2, 25), last=dt.date(2026, 4, 10)),
    ],
    ids=["month", "week", "custom"],
)
def test_a_generated_month_is_counted_the_same_in_sql_and_in_python(generated, period):
    in_sql, in_python = _both(generated, period)
    assert in_sql == in_python
    # There is something of everything to count.
    total = in_sql["total"]
    assert total["people"] > 10 and total["cases"] > 4
    if period.days >= 28:
        assert total["people"] > 40 and total["cases"] > 20
        assert total["transits"] and total["same_day"] and total["no_shows"]
        assert total["handover"][0] and total["departure"][0] and total["misconnections"]
        assert total["minors"]["UMNR"] and total["minors"]["URM"]


def test_two_codes_that_read_the_same_are_one_row_with_their_cases_counted_once(generated):
    stats = build_statistics(generated, MARCH, counting=SQL)
    languages = {row.label: (row.people, row.cases) for row in stats.breakdowns["language"]}
    persian = list(
        Individual.objects.filter(
            primary_language__in=["fa", "fas"], removed_in_version__isnull=True
        ).values_list("pk", "case_id")
    )
    assert "Persian" in languages and persian
    people, cases = languages["Persian"]
    assert people <= len(persian) and cases <= len({case for _pk, case in persian})
    labels = [row.label for row in stats.breakdowns["language"]]
    assert len(labels) == len(set(labels))


def test_an_empty_period_and_no_ports(generated):
    empty = period_of(MONTH, dt.date(2025, 1, 1))
    in_sql, in_python = _both(generated, empty)
    assert in_sql == in_python
    assert in_sql["total"]["people"] == 0 and in_sql["breakdowns"]["language"] == []
    nothing = build_statistics([], MARCH, counting=SQL)
    assert nothing.by_port == [] and nothing.total.people == 0
