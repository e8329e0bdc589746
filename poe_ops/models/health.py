"""The worker's heartbeat: when the last periodic heartbeat task ran to the end."""

from __future__ import annotations

from django.db import models


class Heartbeat(models.Model):
    """One row per heartbeat (``worker``), rewritten by the ``poe_ops.heartbeat`` task that beat
    queues every 30 seconds. Written through the database by a worker, so its age proves the
    whole path — beat, the broker, a worker and the worker's database connection — works."""

    name = models.CharField(max_length=32, unique=True)
    at = models.DateTimeField()
    hostname = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return f"{self.name} {self.at:%Y-%m-%d %H:%M:%S}"
