"""A real Celery worker for the tests marked ``celery_worker``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.db import connections

from poe_ops.celery import app


def _close_connections(**_kwargs: Any) -> None:
    # In the worker's thread: its connections (kept for CONN_MAX_AGE) would otherwise outlive the
    # test until garbage collection, and the run's teardown could not drop the test database.
    connections.close_all()


@contextmanager
def running_worker() -> Iterator[Any]:
    """A context manager: one worker (solo pool) on the test run's Redis while it is open. Each
    task closes the worker thread's database connections when it ends."""
    task_postrun.connect(_close_connections, weak=False)
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10) as w:
            yield w
    finally:
        task_postrun.disconnect(_close_connections)
