"""The people of a period counted row by row: the demo's SQLite, and the plain count
``sql_count`` is held to in the tests (``tests/test_statistics_sql.py``)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter

from django.db.models import Q, QuerySet

from arrivals.models import Segment, StepEvent
from cases.models import Case, Individual, ProgrammeStatus
from poe_ops.models import Port
from reports.queries.periods import Period
from reports.queries.statistics import reading
from reports.queries.statistics.definitions import (
    BREAKDOWNS,
    MINORS,
    NOT_ARRIVED,
    UMNR,
    URM_STATUSES,
    Step,
)
from reports.queries.statistics.figures import Arrivals, Row, bucket_counts, spreads_of


@dataclass
class Person:
    pk: int
    case_id: int
    port_id: int
    landed: dt.datetime
    step: str
    nationality: str
    language: str
    category: str
    programme: str
    ssr: list[str]
    agency: str


def people_of(inbound: QuerySet[Segment]) -> list[Person]:
    """Everyone on the ``inbound`` segments, each once (at their first landing). Three
    queries."""
    segments = list(inbound.values_list("pk", "case_id", "flight__port_id", "landed"))  # type: ignore[misc]
    named: dict[int, set[int]] = defaultdict(set)
    for segment_id, individual_id in Segment.individuals.through.objects.filter(
        segment_id__in=inbound.values("pk")
    ).values_list("segment_id", "individual_id"):
        named[segment_id].add(individual_id)
    rows = (
        Individual.objects.filter(
            case_id__in=inbound.values("case_id"), removed_in_version__isnull=True
        )
        .exclude(case__status=Case.Status.CANCELLED)
        .values_list(
            "pk",
            "case_id",
            "current_step",
            "nationality",
            "primary_language",
            "immigration_category",
            "programme_status",
            "ssr_codes",
            "case__agency__code",
        )
    )
    by_case: dict[int, list[tuple[int, int, dt.datetime]]] = defaultdict(list)
    for segment_id, case_id, port_id, landed in segments:
        by_case[case_id].append((segment_id, port_id, landed))
    people = []
    for pk, case_id, step, nationality, language, category, programme, ssr, agency in rows:
        landings = [
            (landed, port_id)
            for segment_id, port_id, landed in by_case[case_id]
            if not named[segment_id] or pk in named[segment_id]
        ]
        if not landings:
            continue
        landed, port_id = min(landings)
        people.append(
            Person(
                pk,
                case_id,
                port_id,
                landed,
                step,
                str(nationality or ""),
                language,
                category,
                programme,
                list(ssr or []),
                agency or "",
            )
        )
    return people


def breakdown(people: Sequence[Person], key: Callable[[Person], str],
               label: Callable[[str], str]) -> list[Row]:  # fmt: skip
    """People and cases by ``key``, each key named once by ``label`` (a country's or a
    language's name is looked up per value, not per person)."""
    persons: Counter[str] = Counter()
    cases: dict[str, set[int]] = defaultdict(set)
    for person in people:
        value = key(person)
        persons[value] += 1
        cases[value].add(person.case_id)
    named: Counter[str] = Counter()
    named_cases: dict[str, set[int]] = defaultdict(set)
    for value, count in persons.items():
        name = label(value)
        named[name] += count
        named_cases[name] |= cases[value]
    rows = [Row(name, count, len(named_cases[name])) for name, count in named.items()]
    return sorted(rows, key=lambda row: (-row.people, row.label))


def minor_counts(people: Iterable[Person]) -> dict[str, int]:
    """Arrivals who are URM or separated minors, and those with the airline's UMNR code."""
    counts = dict.fromkeys(MINORS, 0)
    for person in people:
        if person.programme in URM_STATUSES:
            counts[URM_STATUSES[ProgrammeStatus(person.programme)]] += 1
        if UMNR in person.ssr:
            counts[UMNR] += 1
    return counts


def count(ports: Sequence[Port], period: Period) -> Arrivals:
    """The people of the period counted row by row (five queries): the demo's SQLite, and the
    plain count ``sql_count`` is held to in the tests."""
    result = Arrivals({}, {}, {}, {}, {}, {}, 0, minor_counts([]), {}, {}, {}, {})
    if not ports:
        result.breakdowns = {name: [] for name in BREAKDOWNS}
        return result
    by_id = {port.pk: port for port in ports}
    inbound = reading.inbound(ports, period)
    everyone = people_of(inbound)
    arrived = [p for p in everyone if p.step not in NOT_ARRIVED]
    arrived_ids = {p.pk: p for p in arrived}
    cases_at: dict[int, set[int]] = defaultdict(set)
    for person in everyone:
        if person.step == Step.NO_SHOW:
            result.no_shows[person.port_id] = result.no_shows.get(person.port_id, 0) + 1
        if person.pk not in arrived_ids:
            continue
        result.people[person.port_id] = result.people.get(person.port_id, 0) + 1
        cases_at[person.port_id].add(person.case_id)
        local_day = person.landed.astimezone(by_id[person.port_id].zone).date()
        per_day = result.daily.setdefault(person.port_id, {})
        per_day[local_day] = per_day.get(local_day, 0) + 1
    result.cases = {port_id: len(cases) for port_id, cases in cases_at.items()}
    arrived_at: dict[int, list[Person]] = defaultdict(list)
    for person in arrived:
        arrived_at[person.port_id].append(person)
    result.minors = {port_id: minor_counts(people) for port_id, people in arrived_at.items()}
    result.total_minors = minor_counts(arrived)
    result.total_cases = len({p.case_id for p in arrived})
    result.breakdowns = {
        name: breakdown(arrived, attrgetter(name), label)
        for name, (_title, label) in BREAKDOWNS.items()
    }

    # The connection each arrival was booked on.
    onward = reading.legs(Q(case_id__in=inbound.values("case_id")), onward_only=True)
    for person in arrived:
        if person.case_id not in onward:
            continue
        port = by_id[person.port_id]
        connection = reading.first_connection(onward[person.case_id], person.pk, port.iata)
        if connection is None:
            continue
        result.transits[person.port_id] = result.transits.get(person.port_id, 0) + 1
        assert connection.scheduled_departure is not None
        if connection.scheduled_departure.astimezone(port.zone).date() == (
            person.landed.astimezone(port.zone).date()
        ):
            result.same_day[person.port_id] = result.same_day.get(person.port_id, 0) + 1

    # Each arrival's first hand-over and departure that stand, when they came after landing
    # and before OUTCOME_DAYS after the period's end.
    searched = StepEvent.objects.filter(
        individual__case_id__in=inbound.values("case_id"),
        at__lt=reading.searched_until(ports, period),
    )
    outcomes = reading.events(searched, [Step.HANDED_OVER, Step.DEPARTED])
    minutes: dict[tuple[int, str], list[float]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for individual_id, _case_id, step, _port_id, at in outcomes:
        if (individual_id, step) in seen:
            continue
        seen.add((individual_id, step))
        who = arrived_ids.get(individual_id)
        if who is not None and at >= who.landed:
            minutes[(who.port_id, step)].append(reading.minutes_between(at, who.landed))
    result.spreads = spreads_of(minutes)
    result.handover_buckets = {
        port_id: bucket_counts(values)
        for (port_id, step), values in minutes.items()
        if step == Step.HANDED_OVER
    }
    return result
