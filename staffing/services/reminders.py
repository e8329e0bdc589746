"""Reminding each port's officers, before the due date, of the timesheets still missing or not
approved for the month (``staffing.queries.payroll``): the daily beat job."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse

from poe_ops.models import NotificationKind, Port
from poe_ops.queries.delegations import officers_of
from poe_ops.services.notifications import notify
from staffing.queries.payroll import due_date, month_due_around, payroll


def remind_missing_timesheets(today: dt.date | None = None) -> int:
    """One notice per officer per port per day while a month's timesheets fall due within
    ``REMIND_DAYS`` and some are missing or not approved; running it twice a day sends
    nothing more (the dedupe key carries the date). Returns how many were written."""
    sent = 0
    for port in Port.objects.all():
        day = today or port.local_today()
        month = month_due_around(day)
        if month is None:
            continue
        missing = payroll(port, month).not_approved
        if not missing:
            continue
        due = due_date(month)
        left = (due - day).days
        when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
        names = [[n.name, n.status] for n in missing]
        summary = (
            f"{port.iata}'s timesheets for {month:%B %Y} are due {when} ({due:%a %d %b}); "
            f"{len(missing)} {'is' if len(missing) == 1 else 'are'} missing or not approved."
        )
        with transaction.atomic():
            for officer in officers_of(port):
                written = notify(
                    NotificationKind.TIMESHEETS_DUE,
                    port,
                    None,
                    f"{port.iata}: {len(missing)} timesheet{'s' if len(missing) != 1 else ''} "
                    f"due {when}",
                    {
                        "summary": summary,
                        "details": names,
                        "path": reverse("staffing:payroll", args=[port.iata, f"{month:%Y-%m}"]),
                    },
                    dedupe_key=f"timesheets-due:{port.iata}:{month:%Y%m}:{officer.pk}:{day:%Y%m%d}",
                    recipient=officer,
                )
                sent += written is not None
    return sent
