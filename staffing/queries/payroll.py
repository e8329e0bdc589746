"""Payroll export for a port and month: one row per person with an approved timesheet, as CSV
or XLSX. Text cells are made formula-safe (a name starting with '=' stays text)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Q, Sum

from poe_ops.exports import safe_row
from poe_ops.models import Port, ReviewStatus
from poe_ops.text import display_name
from staffing.models import LeaveRequest, Timesheet
from staffing.services.timesheets import month_bounds

HEADER = [
    "Staff member",
    "Username",
    "Port",
    "Month",
    "Regular hours",
    "Overtime hours",
    "Night hours",
    "Leave days",
    "Approved by",
    "Approved at (UTC)",
]


@dataclass
class PayrollRow:
    name: str
    username: str
    regular: Decimal
    overtime: Decimal
    night_hours: Decimal
    leave_days: int
    approved_by: str
    approved_at: dt.datetime | None


@dataclass
class NotApproved:
    """A person whose month is not ready for payroll, and why."""

    name: str
    status: str
    timesheet: Timesheet | None


# A month's timesheets are due on this day of the following month; officers are reminded of
# the missing ones from REMIND_DAYS before it.
DUE_DAY = 3
REMIND_DAYS = 3


def due_date(month: dt.date) -> dt.date:
    """When the timesheets of ``month`` are due: the 3rd of the month after."""
    following = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return following.replace(day=DUE_DAY)


def month_due_around(today: dt.date) -> dt.date | None:
    """The month whose timesheets fall due within ``REMIND_DAYS`` from ``today`` (the due day
    itself included), or ``None``."""
    for months_back in (0, 1):
        first = today.replace(day=1)
        for _ in range(months_back):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        due = due_date(first)
        if 0 <= (due - today).days <= REMIND_DAYS:
            return first
    return None


@dataclass
class Payroll:
    port: Port
    month: dt.date
    rows: list[PayrollRow]
    not_approved: list[NotApproved]

    @property
    def due(self) -> dt.date:
        return due_date(self.month)

    def days_left(self, today: dt.date) -> int:
        return (self.due - today).days


def _leave_days(port: Port, month: dt.date) -> dict[int, int]:
    """Approved leave days within ``month`` per person at ``port``."""
    first = month.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    days: dict[int, int] = defaultdict(int)
    for leave in LeaveRequest.objects.filter(
        port=port, status=ReviewStatus.APPROVED, first_day__lte=last, last_day__gte=first
    ):
        days[leave.author_id] += (min(leave.last_day, last) - max(leave.first_day, first)).days + 1
    return days


def payroll(port: Port, month: dt.date) -> Payroll:
    month = month.replace(day=1)
    timesheets = list(
        Timesheet.objects.filter(port=port, month=month)
        .select_related("author", "decided_by")
        .annotate(
            sum_hours=Sum("entries__hours"),
            sum_overtime=Sum("entries__overtime"),
            sum_night=Sum("entries__night_hours"),
        )
        .order_by("author__last_name", "author__first_name", "author__username")
    )
    leave = _leave_days(port, month)
    rows, not_approved = [], []
    for sheet in timesheets:
        if sheet.status != ReviewStatus.APPROVED:
            not_approved.append(
                NotApproved(display_name(sheet.author), sheet.get_status_display(), sheet)
            )
            continue
        assert sheet.decided_by is not None
        rows.append(
            PayrollRow(
                name=display_name(sheet.author),
                username=sheet.author.get_username(),
                regular=sheet.sum_hours or Decimal(0),
                overtime=sheet.sum_overtime or Decimal(0),
                night_hours=sheet.sum_night or Decimal(0),
                leave_days=leave.get(sheet.author_id, 0),
                approved_by=display_name(sheet.decided_by),
                approved_at=sheet.decided_at,
            )
        )
    # People who worked shifts here that month but have not opened a timesheet.
    start, end = month_bounds(port, month)
    with_sheet = {t.author_id for t in timesheets}
    missing = (
        get_user_model()
        .objects.filter(Q(shifts__port=port, shifts__start__gte=start, shifts__start__lt=end))
        .exclude(pk__in=with_sheet)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    not_approved += [NotApproved(display_name(u), "No timesheet yet", None) for u in missing]
    return Payroll(port=port, month=month, rows=rows, not_approved=not_approved)


def _values(data: Payroll, row: PayrollRow) -> list[object]:
    return [
        row.name,
        row.username,
        data.port.iata,
        f"{data.month:%Y-%m}",
        row.regular,
        row.overtime,
        row.night_hours,
        row.leave_days,
        row.approved_by,
        row.approved_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M") if row.approved_at else "",
    ]


def payroll_csv(data: Payroll) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in data.rows:
        writer.writerow(
            safe_row([str(v) if isinstance(v, Decimal) else v for v in _values(data, row)])
        )
    return out.getvalue()


def payroll_xlsx(data: Payroll) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = f"Payroll {data.port.iata} {data.month:%Y-%m}"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in data.rows:
        values = [float(v) if isinstance(v, Decimal) else v for v in _values(data, row)]
        sheet.append(safe_row(values))
    for column, width in zip("ABCDEFGHIJ", (28, 18, 6, 9, 14, 14, 12, 11, 24, 18), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
