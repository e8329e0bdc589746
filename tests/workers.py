"""A real Celery worker for the tests marked ``celery_worker``."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Any

from celery.contrib.testing.worker import start_worker

from poe_ops.celery import app


def running_worker() -> AbstractContextManager[Any]:
    """A context manager: one worker (solo pool) on the test run's Redis while it is open."""
    return start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10)
