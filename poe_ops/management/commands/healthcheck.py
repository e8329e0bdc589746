"""``manage.py healthcheck worker``: the worker container's health check (docker-compose.yml).

Exits 0 when the worker's heartbeat is recent (``POE_WORKER_LATE_SECONDS``) and no notification
or PDF has waited past ``POE_BACKLOG_LATE_SECONDS``; 1 otherwise, printing why. Unlike
``celery inspect ping``, which a worker with a dead database connection still answers, the
heartbeat is written through the database by a task beat queued, so it proves the whole path."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from poe_ops.health import worker_health


class Command(BaseCommand):
    help = "Exit 1 unless the Celery worker's heartbeat is recent and nothing waits too long."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("component", choices=["worker"])

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            health = worker_health()
        except Exception as error:  # the database itself is away: unhealthy, say why
            self.stderr.write(f"unhealthy: cannot read the heartbeat ({type(error).__name__})")
            raise SystemExit(1) from None
        report = json.dumps(health.as_dict())
        if health.worker != "ok" or health.backlog != "ok":
            self.stderr.write(f"unhealthy: {report}")
            raise SystemExit(1)
        self.stdout.write(f"ok: {report}")
