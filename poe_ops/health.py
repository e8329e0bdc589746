"""Reachability checks for /healthz."""

from __future__ import annotations

import logging

import redis
from django.conf import settings

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
