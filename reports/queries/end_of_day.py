"""A port's end of day: what is still open, so that nothing is left behind unexplained — people
not in a closing state, flights without a final status, people handed over with no receiver
recorded, custody records without both signatures, incident reports never submitted — and which
ports have signed their day off (HQ's view).

An item is open on day D when it belongs to D or to one of the ``LOOKBACK_DAYS`` before it (the
port's local days) and is still not settled now: a person who landed on Monday and is at the
hotel shows on Monday's list and on Tuesday's, until they leave. Each item has a stable ``key``,
which the sign-off's note names. A fixed number of queries for any number of ports."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.template.defaultfilters import pluralize

from arrivals.models import Flight, Segment, StepEvent
from cases.models import Case, CustodyHandover, Individual
from cases.models.custody import FINAL_RECEIVERS
from cases.steps import ArrivalStep, in_words
from poe_ops.localtime import local_day_bounds
from poe_ops.models import Port, ReviewStatus
from reports.models import SENSITIVE_CATEGORIES, DaySignOff, IncidentReport

Step = ArrivalStep
LOOKBACK_DAYS = 14
# Where a person's part at the port is over (or never began).
CLOSED = frozenset({Step.DEPARTED, Step.HANDED_OVER, Step.NO_SHOW, Step.REBOOKED})
FINAL_FLIGHT = frozenset({Flight.Status.LANDED, Flight.Status.CANCELLED, Flight.Status.DIVERTED})
FINAL_DEPARTURE = frozenset({Flight.Status.DEPARTED, Flight.Status.CANCELLED})

PERSON, FLIGHT, RECEIVER, CUSTODY, DRAFT = "person", "flight", "receiver", "custody", "draft"
KINDS = {
    PERSON: "People not in a closing state",
    FLIGHT: "Flights without a final status",
    RECEIVER: "Handed over without a receiver recorded",
    CUSTODY: "Custody records not signed by both sides",
    DRAFT: "Incident reports not submitted",
}


@dataclass(frozen=True)
class OpenItem:
    key: str
    kind: str
    text: str
    day: dt.date
    case_number: str = ""

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind]


@dataclass
class PortDay:
    """One port's day: its open items and, once signed off, the sign-off."""

    port: Port
    day: dt.date
    items: list[OpenItem]
    sign_off: DaySignOff | None

    @property
    def groups(self) -> list[tuple[str, list[OpenItem]]]:
        return [
            (label, [i for i in self.items if i.kind == kind])
            for kind, label in KINDS.items()
            if any(i.kind == kind for i in self.items)
        ]


def _window(ports: Iterable[Port], day: dt.date, port_field: str, when: str) -> Q:
    condition = Q(pk__in=[])
    for port in ports:
        start, _ = local_day_bounds(port, day - dt.timedelta(days=LOOKBACK_DAYS))
        _, end = local_day_bounds(port, day)
        condition |= Q(**{port_field: port.pk, f"{when}__gte": start, f"{when}__lt": end})
    return condition


def _local_day(port: Port, when: dt.datetime | None, fallback: dt.date) -> dt.date:
    return when.astimezone(port.zone).date() if when else fallback


def _open_people(ports: Sequence[Port], day: dt.date) -> dict[int, list[OpenItem]]:
    inbound = (
        Segment.objects.filter(direction=Segment.Direction.INBOUND, replaced_by__isnull=True)
        .exclude(flight__status=Flight.Status.CANCELLED)
        .annotate(
            landed=Coalesce(
                "flight__actual_arrival", "flight__estimated_arrival", "flight__scheduled_arrival"
            )
        )
        .filter(_window(ports, day, "flight__port_id", "landed"))
    )
    named = defaultdict(set)
    for segment_id, individual_id in Segment.individuals.through.objects.filter(
        segment__in=inbound
    ).values_list("segment_id", "individual_id"):
        named[segment_id].add(individual_id)
    landings: dict[int, list[tuple[int, int, dt.datetime]]] = defaultdict(list)
    for pk, case_id, port_id, landed in inbound.values_list(
        "pk", "case_id", "flight__port_id", "landed"
    ):
        landings[case_id].append((pk, port_id, landed))
    by_id = {p.pk: p for p in ports}
    found: dict[int, list[OpenItem]] = defaultdict(list)
    people = (
        Individual.objects.filter(case_id__in=inbound.values("case_id"), removed_in_version=None)
        .exclude(case__status=Case.Status.CANCELLED)
        .exclude(current_step__in=CLOSED)
        .values_list("pk", "case_id", "case__case_number", "given_names", "surname", "current_step")
        .order_by("case__case_number", "pk")
    )
    for pk, case_id, number, given, surname, step in people:
        mine = [
            (landed, port_id)
            for segment_id, port_id, landed in landings[case_id]
            if not named[segment_id] or pk in named[segment_id]
        ]
        if not mine:
            continue
        landed, port_id = min(mine)
        port = by_id[port_id]
        found[port_id].append(
            OpenItem(
                f"{PERSON}:{pk}",
                PERSON,
                f"{given} {surname} (case {number}): {in_words(step)}, landed "
                f"{_local_day(port, landed, day):%a %d %b}",
                _local_day(port, landed, day),
                number,
            )
        )
    return found


def _open_flights(ports: Sequence[Port], day: dt.date) -> dict[int, list[OpenItem]]:
    by_id = {p.pk: p for p in ports}
    found: dict[int, list[OpenItem]] = defaultdict(list)
    arriving = (
        Flight.objects.filter(_window(ports, day, "port_id", "scheduled_arrival"))
        .exclude(status__in=FINAL_FLIGHT)
        .filter(actual_arrival__isnull=True)
        .order_by("scheduled_arrival")
    )
    leaving = (
        Flight.objects.filter(_window(ports, day, "port_id", "scheduled_departure"))
        .exclude(status__in=FINAL_DEPARTURE)
        .filter(actual_departure__isnull=True)
        .order_by("scheduled_departure")
    )
    rows = [(f, True) for f in arriving if f.destination == by_id[f.port_id].iata] + [
        (f, False) for f in leaving if f.leaves(by_id[f.port_id].iata)
    ]
    for flight, arrival in rows:
        port = by_id[flight.port_id]
        when = flight.scheduled_arrival if arrival else flight.scheduled_departure
        local = _local_day(port, when, flight.scheduled_date)
        what = "arrival" if arrival else "departure"
        found[port.pk].append(
            OpenItem(
                f"{FLIGHT}:{flight.pk}",
                FLIGHT,
                f"{flight.code} {what} {local:%a %d %b} still “{flight.get_status_display()}”",
                local,
            )
        )
    return found


def _handed_over_without_receiver(ports: Sequence[Port], day: dt.date) -> dict[int, list[OpenItem]]:
    by_id = {p.pk: p for p in ports}
    events = (
        StepEvent.objects.filter(
            _window(ports, day, "port_id", "at"),
            to_step=Step.HANDED_OVER,
            accepted=True,
            undoes__isnull=True,
            undone_by__isnull=True,
            individual__current_step=Step.HANDED_OVER,
        )
        .order_by("at")
        .values_list(
            "individual_id",
            "individual__case_id",
            "individual__case__case_number",
            "individual__given_names",
            "individual__surname",
            "port_id",
            "at",
        )
    )
    rows = list(events)
    received: set[int] = set()
    whole: set[int] = set()
    for handover in CustodyHandover.objects.filter(
        case_id__in={row[1] for row in rows},
        subject=CustodyHandover.Subject.PEOPLE,
        to_kind__in=list(FINAL_RECEIVERS),
    ).prefetch_related("individuals"):
        people = {p.pk for p in handover.individuals.all()}
        received |= people
        if not people:
            whole.add(handover.case_id)
    found: dict[int, list[OpenItem]] = defaultdict(list)
    for individual_id, case_id, number, given, surname, port_id, at in rows:
        if individual_id in received or case_id in whole:
            continue
        local = _local_day(by_id[port_id], at, day)
        found[port_id].append(
            OpenItem(
                f"{RECEIVER}:{individual_id}",
                RECEIVER,
                f"{given} {surname} (case {number}), handed over {local:%a %d %b} "
                f"{at.astimezone(by_id[port_id].zone):%H:%M}: nobody recorded as receiving them",
                local,
                number,
            )
        )
    return found


def _unsigned_custody(ports: Sequence[Port], day: dt.date) -> dict[int, list[OpenItem]]:
    by_id = {p.pk: p for p in ports}
    found: dict[int, list[OpenItem]] = defaultdict(list)
    records = (
        CustodyHandover.objects.filter(_window(ports, day, "case__port_id", "at"))
        .filter(Q(from_signature="") | Q(to_signature=""))
        .exclude(receiver_check="")
        .values_list("pk", "case__port_id", "case__case_number", "to_name", "at")
        .order_by("at")
    )
    for pk, port_id, number, to_name, at in records:
        local = _local_day(by_id[port_id], at, day)
        found[port_id].append(
            OpenItem(
                f"{CUSTODY}:{pk}",
                CUSTODY,
                f"Case {number}: hand-over to {to_name} on {local:%a %d %b} lacks a signature",
                local,
                number,
            )
        )
    return found


def _drafts(ports: Sequence[Port], day: dt.date) -> dict[int, list[OpenItem]]:
    """Reports never submitted (draft or returned). Those routed apart from the port's staff
    (protection/PSEA, minor concerns) or naming a member of staff are counted, not listed: the
    list is read by everyone who views the port, and such a report is its author's and its
    readers' alone (``reports.queries.incidents``) — not even its number or author is shown."""
    by_id = {p.pk: p for p in ports}
    found: dict[int, list[OpenItem]] = defaultdict(list)
    restricted: Counter[int] = Counter()
    names_staff = IncidentReport.staff_concerned.through.objects.filter(
        incidentreport_id=OuterRef("pk")
    )
    for report in (
        IncidentReport.objects.filter(_window(ports, day, "port_id", "created_at"))
        .filter(status__in=[ReviewStatus.DRAFT, ReviewStatus.RETURNED])
        .annotate(names_staff=Exists(names_staff))
        .select_related("author")
        .order_by("created_at")
    ):
        if report.category in SENSITIVE_CATEGORIES or report.names_staff:
            restricted[report.port_id] += 1
            continue
        local = _local_day(by_id[report.port_id], report.created_at, day)
        author = report.author.get_full_name() or report.author.get_username()
        what = report.get_category_display() or "Category not chosen"
        found[report.port_id].append(
            OpenItem(
                f"{DRAFT}:{report.pk}",
                DRAFT,
                f"Incident #{report.pk} ({what}) by {author}, started {local:%a %d %b}: "
                f"{report.get_status_display().lower()}",
                local,
            )
        )
    for port_id, count in restricted.items():
        found[port_id].append(
            OpenItem(
                f"{DRAFT}:restricted",
                DRAFT,
                f"{count} restricted incident report{pluralize(count)} not submitted "
                "(protection/PSEA, a minor concern or naming staff): counted here, not shown",
                day,
            )
        )
    return found


def port_days(ports: Iterable[Port], day: dt.date) -> list[PortDay]:
    """Each port's open items of ``day`` and its sign-off, if any. Nine queries."""
    ports = sorted(ports, key=lambda p: p.iata)
    parts = [
        _open_people(ports, day),
        _open_flights(ports, day),
        _handed_over_without_receiver(ports, day),
        _unsigned_custody(ports, day),
        _drafts(ports, day),
    ]
    signed = {
        s.port_id: s
        for s in DaySignOff.objects.filter(port__in=ports, day=day).select_related("signed_by")
    }
    return [
        PortDay(
            port,
            day,
            [item for part in parts for item in part.get(port.pk, [])],
            signed.get(port.pk),
        )
        for port in ports
    ]


def port_day(port: Port, day: dt.date) -> PortDay:
    return port_days([port], day)[0]
