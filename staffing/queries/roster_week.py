"""The roster week as the page shows it: one row per person, one cell per day, with their
shifts and approved leave, the coverage of each day and the credentials to renew. A constant
number of queries however many shifts and people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User as Person

from poe_ops.models import Port, ReviewStatus
from staffing.models import Credential, LeaveRequest, Shift
from staffing.queries.coverage import DayCoverage, coverage, week_days
from staffing.queries.credentials import expiring
from staffing.services.rosters import staff_of, week_bounds


@dataclass
class Cell:
    day: dt.date
    shifts: list[Shift] = field(default_factory=list)
    leave: LeaveRequest | None = None


@dataclass
class Row:
    person: Person
    cells: list[Cell]
    hours: float = 0.0
    warnings: list[Credential] = field(default_factory=list)


@dataclass
class RosterWeek:
    port: Port
    monday: dt.date
    days: list[dt.date]
    rows: list[Row]
    coverage: list[DayCoverage]
    expiring: list[Credential]

    @property
    def shortfall_hours(self) -> int:
        return sum(len(day.shortfall_hours) for day in self.coverage)


def roster_week(port: Port, monday: dt.date, today: dt.date) -> RosterWeek:
    days = week_days(monday)
    start, end = week_bounds(port, monday)
    shifts = list(
        Shift.objects.filter(port=port, start__gte=start, start__lt=end)
        .select_related("staff", "port")
        .order_by("start")
    )
    people = {u.pk: u for u in staff_of(port)}
    for shift in shifts:
        people.setdefault(shift.staff_id, shift.staff)
    leave = LeaveRequest.objects.filter(
        author_id__in=list(people),
        status=ReviewStatus.APPROVED,
        first_day__lte=days[-1],
        last_day__gte=days[0],
    )
    on_leave: dict[tuple[int, dt.date], LeaveRequest] = {}
    for absence in leave:
        for day in days:
            if absence.first_day <= day <= absence.last_day:
                on_leave[(absence.author_id, day)] = absence
    by_cell: dict[tuple[int, dt.date], list[Shift]] = defaultdict(list)
    hours: dict[int, float] = defaultdict(float)
    for shift in shifts:
        by_cell[(shift.staff_id, shift.local_start.date())].append(shift)
        hours[shift.staff_id] += float(shift.hours)
    warnings = expiring([port], today)
    warned: dict[int, list[Credential]] = defaultdict(list)
    for credential in warnings:
        warned[credential.profile.user_id].append(credential)
    rows = [
        Row(
            person=person,
            cells=[
                Cell(day=day, shifts=by_cell[(pk, day)], leave=on_leave.get((pk, day)))
                for day in days
            ],
            hours=hours[pk],
            warnings=warned[pk],
        )
        for pk, person in people.items()
    ]
    return RosterWeek(
        port=port,
        monday=monday,
        days=days,
        rows=rows,
        coverage=coverage(port, monday, 7),
        expiring=warnings,
    )
