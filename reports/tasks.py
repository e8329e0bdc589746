"""Celery tasks of ``reports``: the monthly report (beat, the first of each month)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from reports.services.monthly_reports import make_monthly_reports


@shared_task(name="reports.make_monthly_reports")
def monthly_reports(today: str = "") -> int:
    """Each office's report of the month before ``today`` (an ISO date; by default the day it
    runs); how many there are."""
    day = dt.date.fromisoformat(today) if today else timezone.now().date()
    return len(make_monthly_reports(day))
