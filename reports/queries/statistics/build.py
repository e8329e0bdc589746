"""``build_statistics``: the figures of a period at some ports. The people are counted by
``sql_count`` on PostgreSQL, by ``python_count`` elsewhere; misconnections, hospital cases,
hotels, costs, staff hours and incidents (a few hundred rows) are read the same way on every
database."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

from django.db import connection
from django.db.models import Q

from arrivals.models import StepEvent
from cases.models import GroundTransportBooking, HotelBooking
from poe_ops.models import Port, ReviewStatus
from reports.models import IncidentCategory, IncidentReport, IncidentSeverity
from reports.queries.periods import Period
from reports.queries.statistics import python_count, reading, sql_count
from reports.queries.statistics.definitions import CAUSES, LONGEST_STAY, Step, label_of
from reports.queries.statistics.figures import (
    PortFigures,
    Spread,
    Statistics,
    bucket_counts,
    sum_figures,
)
from staffing.models import TimesheetEntry


def _nights_within(check_in: dt.date, nights: int, period: Period) -> int:
    first = max(check_in, period.first)
    after = min(check_in + dt.timedelta(days=nights), period.last + dt.timedelta(days=1))
    return max((after - first).days, 0)


# How the people of a period are counted: "sql" (PostgreSQL, grouped in the database) or
# "python" (the rows counted here: the demo's SQLite, and the test that holds the two together).
SQL, PYTHON = "sql", "python"


def counting_for(vendor: str) -> str:
    return SQL if vendor == "postgresql" else PYTHON


def build_statistics(
    ports: Iterable[Port],
    period: Period,
    *,
    incidents: Q | None = None,
    counting: str | None = None,
) -> Statistics:
    """The period's figures at ``ports`` (already scoped by the caller). ``incidents`` narrows
    the incident reports counted to those the reader counts (``counted``); None counts every
    submitted report (the monthly report for an office's HQ). ``counting`` (``SQL`` or
    ``PYTHON``) says how the people are counted; by default in SQL on PostgreSQL — the same
    figures either way."""
    ports = sorted(ports, key=lambda p: p.iata)
    by_id = {port.pk: port for port in ports}
    figures = {port.pk: PortFigures(port) for port in ports}
    how = counting or counting_for(connection.vendor)
    if how == SQL and ports:
        arrivals = sql_count.count(ports, period)
    else:
        arrivals = python_count.count(ports, period)
    days = {day: n for n, day in enumerate(period.day_list())}
    daily = {port.iata: [0] * period.days for port in ports}
    for port in ports:
        row = figures[port.pk]
        row.people = arrivals.people.get(port.pk, 0)
        row.cases = arrivals.cases.get(port.pk, 0)
        row.no_shows = arrivals.no_shows.get(port.pk, 0)
        row.transits = arrivals.transits.get(port.pk, 0)
        row.same_day = arrivals.same_day.get(port.pk, 0)
        row.minors = arrivals.minors.get(port.pk) or python_count.minor_counts([])
        for day, count in arrivals.daily.get(port.pk, {}).items():
            if day in days:
                daily[port.iata][days[day]] += count

    # The misconnected and why; the hospital cases. The misconnected's cases are named to the
    # database as the same query, not as thousands of ids.
    in_period = StepEvent.objects.filter(reading.within(ports, period, "port_id", "at"))
    troubles = reading.who_and_where(in_period, [Step.NEEDS_REBOOKING, Step.HOSPITAL])
    missed = reading.effective(in_period.filter(to_step=Step.NEEDS_REBOOKING))
    legs = (
        reading.legs(Q(case_id__in=missed.values("individual__case_id")))
        if any(row[2] == Step.NEEDS_REBOOKING for row in troubles)
        else {}
    )
    causes: Counter[str] = Counter()
    counted: set[tuple[str, int]] = set()
    for individual_id, case_id, step, port_id in troubles:
        if (step, individual_id) in counted:
            continue
        counted.add((step, individual_id))
        if step == Step.HOSPITAL:
            figures[port_id].hospital += 1
        else:
            figures[port_id].misconnections += 1
            iata = by_id[port_id].iata
            causes[reading.misconnect_cause(legs.get(case_id, []), individual_id, iata)] += 1

    # From landing to hand-over and departure.
    spreads = arrivals.spreads
    for port in ports:
        figures[port.pk].to_handover = spreads.get((port.pk, Step.HANDED_OVER), Spread())
        figures[port.pk].to_departure = spreads.get((port.pk, Step.DEPARTED), Spread())

    # Hotel nights and costs, at the port's vendors.
    for check_in, nights, rooms, cost, meals, port_id in (
        HotelBooking.objects.filter(
            vendor__port__in=ports,
            check_in__gte=period.first - dt.timedelta(days=LONGEST_STAY),
            check_in__lte=period.last,
        )
        .exclude(status=HotelBooking.Status.CANCELLED)
        .values_list("check_in", "nights", "rooms", "cost", "meal_cost", "vendor__port_id")
    ):
        figures[port_id].room_nights += _nights_within(check_in, nights, period) * rooms
        if period.first <= check_in <= period.last:
            figures[port_id].hotel_cost += cost
            figures[port_id].meal_cost += meals
    for cost, port_id in (
        GroundTransportBooking.objects.filter(
            reading.within(ports, period, "vendor__port_id", "pickup_at")
        )
        .exclude(status=GroundTransportBooking.Status.CANCELLED)
        .values_list("cost", "vendor__port_id")
    ):
        figures[port_id].ground_cost += cost

    # Staff hours.
    for hours, overtime, port_id in TimesheetEntry.objects.filter(
        timesheet__port__in=ports,
        timesheet__status__in=[ReviewStatus.SUBMITTED, ReviewStatus.APPROVED],
        day__gte=period.first,
        day__lte=period.last,
    ).values_list("hours", "overtime", "timesheet__port_id"):
        figures[port_id].staff_hours += hours + overtime

    # Incidents.
    reports = IncidentReport.objects.exclude(status=ReviewStatus.DRAFT).filter(
        reading.within(ports, period, "port_id", "occurred_at")
    )
    if incidents is not None:
        reports = reports.filter(incidents)
    incident_counts: Counter[tuple[int, str, str]] = Counter(
        reports.values_list("port_id", "category", "severity")
    )
    incident_rows = []
    for (port_id, category, severity), count in sorted(
        incident_counts.items(), key=lambda item: (by_id[item[0][0]].iata, -item[1], item[0][1:])
    ):
        figures[port_id].incidents += count
        incident_rows.append(
            (
                by_id[port_id].iata,
                label_of(IncidentCategory, category),
                label_of(IncidentSeverity, severity),
                count,
            )
        )

    by_port = [figures[port.pk] for port in ports]
    total = sum_figures(by_port)
    total.minors = arrivals.total_minors
    total.to_handover = spreads.get((None, Step.HANDED_OVER), Spread())
    total.to_departure = spreads.get((None, Step.DEPARTED), Spread())
    total.cases = arrivals.total_cases
    return Statistics(
        period=period,
        ports=ports,
        by_port=by_port,
        total=total,
        breakdowns=arrivals.breakdowns,
        causes=[(code, label, causes[code]) for code, label in CAUSES.items()],
        incidents=incident_rows,
        daily=daily,
        handover_buckets={
            port.iata: arrivals.handover_buckets.get(port.pk, bucket_counts([])) for port in ports
        },
    )
