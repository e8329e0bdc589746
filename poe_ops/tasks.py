"""Core Celery tasks."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="poe_ops.ping", ignore_result=False)
def ping() -> str:
    """Answers ``pong``: proves a worker is consuming from the broker and can store results."""
    return "pong"
