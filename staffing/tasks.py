"""Staffing's periodic work: the daily notices of credentials about to expire and of timesheets
about to fall due."""

from __future__ import annotations

from celery import shared_task

from staffing.services.credentials import notify_expiring_credentials
from staffing.services.reminders import remind_missing_timesheets


@shared_task(name="staffing.notify_expiring_credentials")
def expiring_credentials() -> int:
    """Run daily by celery beat; idempotent per credential, officer and day."""
    return notify_expiring_credentials()


@shared_task(name="staffing.remind_missing_timesheets")
def missing_timesheets() -> int:
    """Run daily by celery beat; idempotent per port, month, officer and day."""
    return remind_missing_timesheets()
