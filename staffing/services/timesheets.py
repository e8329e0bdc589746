"""Timesheets: a month per person and port, pre-filled from their shifts, edited by them,
submitted, and approved or returned by an officer of the port.

Overtime is daily: hours beyond 8 worked on a day (the port-local day a shift starts on) are
overtime. Night hours are the hours between 22:00 and 06:00 port-local, whichever day they
fall on (see docs/decisions.md).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Person
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from poe_ops.models import Port
from poe_ops.refusals import Conflict
from poe_ops.roles import APPROVE, OPERATE
from poe_ops.scoping import has_port_perm, require_port_perm
from poe_ops.services import review
from poe_ops.services.audit import log_action
from staffing.models import Shift, Timesheet, TimesheetEntry

User = AbstractBaseUser | AnonymousUser

REGULAR_HOURS_PER_DAY = Decimal(8)
NIGHT_STARTS = dt.time(22, 0)
NIGHT_ENDS = dt.time(6, 0)
CENT = Decimal("0.01")


def month_days(month: dt.date) -> list[dt.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return [month.replace(day=d) for d in range(1, last + 1)]


def month_bounds(port: Port, month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=port.zone)
    end = dt.datetime.combine(following, dt.time.min, tzinfo=port.zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def _hours(delta: dt.timedelta) -> Decimal:
    return Decimal(max(delta.total_seconds(), 0)) / 3600


def night_hours(port: Port, start: dt.datetime, end: dt.datetime) -> Decimal:
    """How much of ``start``–``end`` falls between 22:00 and 06:00 port-local."""
    total = Decimal(0)
    first = start.astimezone(port.zone).date() - dt.timedelta(days=1)
    last = end.astimezone(port.zone).date()
    day = first
    while day <= last:
        night_start = dt.datetime.combine(day, NIGHT_STARTS, tzinfo=port.zone)
        night_end = dt.datetime.combine(day + dt.timedelta(days=1), NIGHT_ENDS, tzinfo=port.zone)
        total += _hours(min(end, night_end) - max(start, night_start))
        day += dt.timedelta(days=1)
    return total


@dataclass
class DayFromShifts:
    hours: Decimal = Decimal(0)
    overtime: Decimal = Decimal(0)
    night_hours: Decimal = Decimal(0)


def days_from_shifts(port: Port, staff: Person, month: dt.date) -> dict[dt.date, DayFromShifts]:
    """Each day's regular, overtime and night hours from ``staff``'s shifts at ``port``."""
    start, end = month_bounds(port, month)
    worked: dict[dt.date, Decimal] = defaultdict(Decimal)
    nights: dict[dt.date, Decimal] = defaultdict(Decimal)
    for shift in Shift.objects.filter(port=port, staff=staff, start__gte=start, start__lt=end):
        day = shift.start.astimezone(port.zone).date()
        worked[day] += shift.hours
        nights[day] += night_hours(port, shift.start, shift.end)
    result = {}
    for day, total in worked.items():
        regular = min(total, REGULAR_HOURS_PER_DAY)
        result[day] = DayFromShifts(
            hours=regular.quantize(CENT, ROUND_HALF_UP),
            overtime=(total - regular).quantize(CENT, ROUND_HALF_UP),
            night_hours=nights[day].quantize(CENT, ROUND_HALF_UP),
        )
    return result


def open_timesheet(actor: User, port: Port, month: dt.date) -> Timesheet:
    """``actor``'s own timesheet for ``month`` at ``port``, made from their shifts the first
    time it is opened (a repeated or concurrent first open makes one)."""
    require_port_perm(actor, port, OPERATE)
    assert isinstance(actor, Person)
    month = month.replace(day=1)
    found = Timesheet.objects.filter(author=actor, port=port, month=month).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            timesheet = Timesheet.objects.create(author=actor, port=port, month=month)
            prefill = days_from_shifts(port, actor, month)
            TimesheetEntry.objects.bulk_create(
                TimesheetEntry(
                    timesheet=timesheet,
                    day=day,
                    hours=prefill.get(day, DayFromShifts()).hours,
                    overtime=prefill.get(day, DayFromShifts()).overtime,
                    night_hours=prefill.get(day, DayFromShifts()).night_hours,
                )
                for day in month_days(month)
            )
            log_action(
                actor,
                "poe.timesheet.created",
                timesheet,
                port=port,
                data={"month": f"{month:%Y-%m}", "days_from_shifts": len(prefill)},
            )
    except IntegrityError:
        return Timesheet.objects.get(author=actor, port=port, month=month)
    return timesheet


def may_see(user: User, timesheet: Timesheet) -> bool:
    """Its author, the officers of its port and, while a delegation runs, the acting officer."""
    return user.pk == timesheet.author_id or has_port_perm(user, timesheet.port, APPROVE)


def _decimal(raw: str, label: str, day: dt.date) -> Decimal:
    try:
        value = Decimal((raw or "0").strip().replace(",", "."))
    except InvalidOperation:
        raise ValidationError(
            f"{day:%a %d %b}, {label}: “{raw}” is not a number of hours."
        ) from None
    if not value.is_finite() or value < 0 or value > 24:
        raise ValidationError(f"{day:%a %d %b}, {label}: give hours between 0 and 24.")
    return value.quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class DayInput:
    hours: str
    overtime: str
    night_hours: str
    notes: str


def update_days(actor: User, timesheet: Timesheet, days: dict[dt.date, DayInput]) -> int:
    """The author edits days of a draft or returned timesheet. Every day is checked before any
    is saved; ``ValidationError`` lists what is wrong and where. Returns how many days changed."""
    if actor.pk != timesheet.author_id:
        raise PermissionDenied("Only the person whose timesheet it is can change it.")
    errors: list[str] = []
    parsed: dict[dt.date, tuple[Decimal, Decimal, Decimal, str]] = {}
    for day, raw in days.items():
        try:
            hours = _decimal(raw.hours, "regular hours", day)
            overtime = _decimal(raw.overtime, "overtime", day)
            night = _decimal(raw.night_hours, "night hours", day)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if hours + overtime > 24:
            errors.append(f"{day:%a %d %b}: regular hours and overtime add up to more than 24.")
        if night > hours + overtime:
            errors.append(f"{day:%a %d %b}: night hours are more than the hours worked.")
        parsed[day] = (hours, overtime, night, raw.notes.strip()[:200])
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Timesheet.objects.select_for_update().get(pk=timesheet.pk)
        if not locked.is_editable:
            raise Conflict(
                f"This timesheet is {locked.get_status_display().lower()}; it can no longer be "
                "changed. Nothing was saved."
            )
        changes: dict[str, list[object]] = {}
        for entry in timesheet.entries.filter(day__in=list(parsed)):
            new = parsed[entry.day]
            old = (entry.hours, entry.overtime, entry.night_hours, entry.notes)
            if old == new:
                continue
            entry.hours, entry.overtime, entry.night_hours, entry.notes = new
            entry.save(update_fields=["hours", "overtime", "night_hours", "notes"])
            changes[entry.day.isoformat()] = [
                [str(v) for v in old],
                [str(v) for v in new],
            ]
        if changes:
            log_action(
                actor, "poe.timesheet.updated", timesheet, port=timesheet.port, changes=changes
            )
    return len(changes)


@dataclass(frozen=True)
class Totals:
    hours: Decimal
    overtime: Decimal
    night_hours: Decimal
    days_worked: int


def totals(entries: list[TimesheetEntry]) -> Totals:
    return Totals(
        hours=sum((e.hours for e in entries), Decimal(0)),
        overtime=sum((e.overtime for e in entries), Decimal(0)),
        night_hours=sum((e.night_hours for e in entries), Decimal(0)),
        days_worked=sum(1 for e in entries if e.total > 0),
    )


def submit_timesheet(actor: User, timesheet: Timesheet) -> Timesheet:
    totals_now = totals(list(timesheet.entries.all()))
    review.submit(
        actor,
        timesheet,
        data={
            "hours": totals_now.hours,
            "overtime": totals_now.overtime,
            "night_hours": totals_now.night_hours,
        },
    )
    return timesheet


def decide_timesheet(
    actor: User, timesheet: Timesheet, approve: bool, comment: str = ""
) -> Timesheet:
    """Approve or return (with a comment); the author is told. Never one's own; one decision
    wins when two officers act at once."""
    with transaction.atomic():
        review.decide(actor, timesheet, approve=approve, comment=comment)
        review.tell_author(
            timesheet,
            actor,
            what=f"{timesheet.port.iata} timesheet for {timesheet.month:%B %Y}",
            path=reverse("staffing:timesheet", args=[timesheet.pk]),
        )
    return timesheet


def timesheet_with_entries(pk: int) -> Timesheet | None:
    return (
        Timesheet.objects.select_related("port", "author", "decided_by")
        .prefetch_related("entries")
        .filter(pk=pk)
        .first()
    )
