"""Reachability checks for /healthz, and the Celery side's health: the worker's heartbeat and
the oldest work still waiting for it."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import redis
from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone

log = logging.getLogger(__name__)


def broker_status() -> str:
    """``ok`` when Redis answers a PING within a second, ``eager`` when tasks run in-process
    (no broker configured), ``unreachable`` otherwise."""
    if not settings.REDIS_URL:
        return "eager"
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1
        )
        try:
            client.ping()
        finally:
            client.close()
    except redis.RedisError:
        log.warning("Health check: broker unreachable", exc_info=True)
        return "unreachable"
    return "ok"


@dataclass(frozen=True)
class WorkerHealth:
    """What /healthz and the worker's compose check say about the Celery side."""

    last_heartbeat: dt.datetime | None
    heartbeat_age: int | None  # seconds
    oldest_notification_age: int | None  # seconds a due notification has waited
    oldest_document_age: int | None  # seconds a PDF has been pending

    @property
    def worker(self) -> str:
        """``ok``, ``late`` (no heartbeat for ``POE_WORKER_LATE_SECONDS``) or ``none`` (never)."""
        if self.heartbeat_age is None:
            return "none"
        return "late" if self.heartbeat_age > settings.POE_WORKER_LATE_SECONDS else "ok"

    @property
    def backlog(self) -> str:
        """``late`` when a notification or a PDF has waited past ``POE_BACKLOG_LATE_SECONDS``."""
        ages = [a for a in (self.oldest_notification_age, self.oldest_document_age) if a]
        return "late" if any(a > settings.POE_BACKLOG_LATE_SECONDS for a in ages) else "ok"

    def as_dict(self) -> dict[str, object]:
        return {
            "worker": self.worker,
            "worker_last_heartbeat": self.last_heartbeat.isoformat()
            if self.last_heartbeat
            else None,
            "worker_heartbeat_age_seconds": self.heartbeat_age,
            "backlog": self.backlog,
            "oldest_pending_notification_seconds": self.oldest_notification_age,
            "oldest_pending_document_seconds": self.oldest_document_age,
        }


def _age(then: dt.datetime | None, now: dt.datetime) -> int | None:
    return max(0, int((now - then).total_seconds())) if then else None


def worker_health() -> WorkerHealth:
    """The heartbeat's age and the oldest work waiting (three small queries). With tasks run
    in-process (the quick start) there is no worker and nothing waits for one."""
    from poe_ops.models import Document, Heartbeat, Notification

    now = timezone.now()
    beat = Heartbeat.objects.filter(name="worker").values_list("at", flat=True).first()
    due = Notification.objects.filter(
        Q(state=Notification.State.PENDING, next_attempt_at__lte=now)
        | Q(state=Notification.State.SENDING)
    )
    oldest_notification = due.aggregate(oldest=Min("created_at"))["oldest"]
    oldest_document = Document.objects.filter(status=Document.Status.PENDING).aggregate(
        oldest=Min("requested_at")
    )["oldest"]
    return WorkerHealth(
        last_heartbeat=beat,
        heartbeat_age=_age(beat, now),
        oldest_notification_age=_age(oldest_notification, now),
        oldest_document_age=_age(oldest_document, now),
    )
