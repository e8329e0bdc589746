"""Staffing's periodic work: the daily notice of credentials about to expire."""

from __future__ import annotations

from celery import shared_task

from staffing.services.credentials import notify_expiring_credentials


@shared_task(name="staffing.notify_expiring_credentials")
def expiring_credentials() -> int:
    """Run daily by celery beat; idempotent per credential, officer and day."""
    return notify_expiring_credentials()
