"""Benchmark: 1,000 queued notifications delivered by one worker, against a floor task.

The verdict is a ratio (issue 20): the 1,000 deliveries take ≤ 25× the time the same worker
takes for 1,000 floor tasks — each one query and one email (``bench_floor_task`` below, defined
here, not in the app) — queued through the same Redis, timed in the same run. The absolute
seconds are printed beside the ratio.

`make bench` runs it on a throwaway PostgreSQL and Redis. It creates a throwaway test database
(``test_<name>``), gives the DC office a two-address list, writes 1,000 arrival notifications
for ATL in one transaction (each queued on commit through the real Redis), starts one Celery
worker (solo pool, in this process) and measures the wall-clock time until every row is sent.
Email goes to Django's in-memory backend, so the figure is our own cost, not a mail server's.
"""

from __future__ import annotations

import functools
import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # a log line per task would be the bulk of the work

from bench._setup import on_throwaway_database  # noqa: E402
from bench.report import emit as emit_row  # noqa: E402

COUNT = 1_000
TARGET_RATIO = 25.0


# Seconds to the millisecond, as these figures were always printed.
emit = functools.partial(emit_row, digits=3)


def _floor_task() -> Any:
    """A Celery task on the app's own worker: one query, one email — the floor of a delivery."""
    from django.core.mail import send_mail

    from poe_ops.celery import app
    from poe_ops.models import Port

    @app.task(name="bench.floor_task", ignore_result=True)
    def bench_floor_task(n: int) -> None:
        port = Port.objects.only("iata").get(iata="ATL")
        send_mail(f"{port.iata} floor {n}", "floor", None, ["dc-ops@example.org"])

    return bench_floor_task


def _drain(app: Any, done: Callable[[], bool]) -> float:
    """Start one solo worker in this process; seconds until ``done()`` (at most 120)."""
    from celery.contrib.testing.worker import start_worker

    # One "Task … succeeded" line per task would bury the table under 2,000 lines.
    logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
    started = time.perf_counter()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        while not done():
            if time.perf_counter() - started > 120:
                break
            time.sleep(0.05)
        return time.perf_counter() - started


def run() -> int:
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
    floor_task = _floor_task()

    def floor_run() -> float:
        mail.outbox.clear()
        for n in range(COUNT):
            floor_task.delay(n)
        seconds = _drain(app, lambda: len(mail.outbox) >= COUNT)
        assert len(mail.outbox) == COUNT, "each floor task exactly once"
        mail.outbox.clear()
        return seconds

    floor_before = floor_run()

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

    elapsed = _drain(
        app, lambda: not Notification.objects.exclude(state=Notification.State.SENT).exists()
    )
    sent = Notification.objects.filter(state=Notification.State.SENT).count()
    print(f"delivered by one worker ({sent:,} sent, {len(mail.outbox):,} emails) {elapsed:6.2f} s")
    assert sent == COUNT and len(mail.outbox) == COUNT, "each notification exactly once"
    floor_after = floor_run()
    floor = min(floor_before, floor_after)
    ratio = elapsed / floor
    ok = ratio <= TARGET_RATIO
    print(
        f"floor: {COUNT:,} tasks of one query and one email, {floor_before:.2f} s before, "
        f"{floor_after:.2f} s after; target ≤ {TARGET_RATIO:g}× — {ratio:.1f}× — "
        f"{'OK' if ok else 'TOO SLOW'}"
    )
    emit(
        "notify_floor",
        f"Celery floor: {COUNT:,} tasks of one query + one email, one worker (best of 2)",
        floor,
        "s",
    )
    emit(
        "notify_delivery",
        f"{COUNT:,} notifications delivered by one worker",
        elapsed,
        "s",
        target=f"≤ {TARGET_RATIO:g}× floor",
        ok=ok,
        ratio=f"{ratio:.1f}× floor",
    )
    return 0


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
