"""POE Ops: the project package and its core (ports, roles, audit, Celery)."""

from poe_ops.celery import app as celery_app

__all__ = ["celery_app"]
