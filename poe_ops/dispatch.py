"""Queue Celery work after the transaction commits, without ever failing the user's request.

The row that describes the work (a notification, a document) is written in the same
transaction as the change; the task only carries its id. If the broker is down when the
transaction commits, the change stands, the row stays pending, and the periodic sweep queues it
again once the broker is back. So a lost broker delays work; it never loses it.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

log = logging.getLogger(__name__)

# Fail fast when the broker is unreachable: the request must not hang, and the sweep retries.
PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2}


def send_now(task: Task, *args: Any) -> bool:
    """Queue ``task(*args)``; ``False`` (logged) when the broker refused or could not be
    reached. Callers rely on a sweep to try again, so this never raises for broker trouble."""
    try:
        task.apply_async(args=args, retry=True, retry_policy=PUBLISH_RETRY_POLICY)
    except Exception:  # kombu/redis raise many kinds; any of them means "not queued now"
        log.warning("Could not queue %s%r; the sweep will retry", task.name, args, exc_info=True)
        return False
    return True


def send_on_commit(task: Task, *args: Any) -> None:
    """Queue ``task(*args)`` once the current transaction commits (at once outside one)."""
    transaction.on_commit(lambda: send_now(task, *args), robust=True)
