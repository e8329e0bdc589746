"""What keeps a Celery worker working when its infrastructure does not.

- **A fresh database connection for every task.** Celery's Django fixup keeps a worker's
  connection across tasks (``CELERY_DB_REUSE_MAX``): cheap, but after PostgreSQL restarts that
  connection is dead and every task after it failed with "the connection is closed" until the
  worker was restarted by hand. Before each task the worker now does what Django does before
  each request (``close_old_connections``), and with ``CONN_HEALTH_CHECKS`` the first query of
  the task checks a reused connection and replaces a dead one.
- **Infrastructure errors are retried, not acknowledged as done.** A task that fails because
  the database or Redis is unreachable (``INFRASTRUCTURE_ERRORS``) is queued again with a
  growing delay (``retry_on_infrastructure_errors``); its outbox row or document stays pending,
  and the sweeps would find it anyway.
- **A heartbeat** (``poe_ops.heartbeat`` every 30 s, see ``poe_ops.models.Heartbeat``) that
  ``/healthz`` and the compose health check read.
"""

from __future__ import annotations

from typing import Any

import redis
from celery import Task
from django.db import InterfaceError, OperationalError, close_old_connections
from kombu.exceptions import OperationalError as BrokerError

INFRASTRUCTURE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,  # PostgreSQL unreachable, restarting, or the connection closed
    InterfaceError,  # a connection already closed
    redis.ConnectionError,
    redis.TimeoutError,
    BrokerError,
)

# Retried after 2, 4, 8 … seconds, at most a minute apart, for about a quarter of an hour;
# after that the sweeps (every minute) keep trying what is still pending.
RETRY_OPTIONS: dict[str, Any] = {
    "autoretry_for": INFRASTRUCTURE_ERRORS,
    "retry_backoff": 2,
    "retry_backoff_max": 60,
    "retry_jitter": True,
    "max_retries": 20,
}


def fresh_database_connection(sender: Task | None = None, **kwargs: Any) -> None:
    """``task_prerun``: drop a connection that is unusable or past its age, as Django does
    before a request; the task's first query then checks the one it reuses. Not for tasks run
    in-process (the quick start): they share the request's connection."""
    if sender is not None and getattr(sender.request, "is_eager", False):
        return
    close_old_connections()


def connect() -> None:
    """Wire the signal handlers (called once, from ``poe_ops.celery``)."""
    from celery import signals

    signals.task_prerun.connect(fresh_database_connection, dispatch_uid="poe_ops.fresh_db")
    signals.task_postrun.connect(fresh_database_connection, dispatch_uid="poe_ops.fresh_db_post")
