"""Benchmark: 1,000 queued notifications delivered by one worker (target: under 10 s).

`make bench` runs it on a throwaway PostgreSQL and Redis. It creates a throwaway test database
(``test_<name>``), gives the DC office a two-address list, writes 1,000 arrival notifications
for ATL in one transaction (each queued on commit through the real Redis), starts one Celery
worker (solo pool, in this process) and measures the wall-clock time until every row is sent.
Email goes to Django's in-memory backend, so the figure is our own cost, not a mail server's.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # a log line per task would be the bulk of the work

from bench._setup import on_throwaway_database  # noqa: E402

COUNT = 1_000
TARGET_SECONDS = 10.0


def run() -> int:
    from celery.contrib.testing.worker import start_worker
    from django.core import mail
    from django.db import transaction

    from poe_ops.celery import app
    from poe_ops.models import Notification, NotificationKind, OperationsOffice, Port
    from poe_ops.services.notifications import notify

    office = OperationsOffice.objects.get(code="DC")
    office.notification_emails = "dc-ops@example.org\ndc-duty@example.org"
    office.save()
    port = Port.objects.get(iata="ATL")
    app.control.purge()

    started = time.perf_counter()
    with transaction.atomic():
        for n in range(COUNT):
            notify(
                NotificationKind.ARRIVAL,
                port,
                None,
                f"ATL · Arrival: case AF{n:06d} handed over or connected",
                {"summary": f"Case AF{n:06d} arrived.", "details": [["Case", f"AF{n:06d}"]]},
            )
    queued = time.perf_counter() - started
    print(f"written and queued {COUNT:,} notifications    {queued:6.2f} s")

    started = time.perf_counter()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        while Notification.objects.exclude(state=Notification.State.SENT).exists():
            if time.perf_counter() - started > 120:
                break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
    sent = Notification.objects.filter(state=Notification.State.SENT).count()
    print(f"delivered by one worker ({sent:,} sent, {len(mail.outbox):,} emails) {elapsed:6.2f} s")
    assert sent == COUNT and len(mail.outbox) == COUNT, "each notification exactly once"
    verdict = "OK" if elapsed < TARGET_SECONDS else "TOO SLOW"
    print(f"target: delivery under {TARGET_SECONDS:.0f} s — {verdict}")
    return 0 if elapsed < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
