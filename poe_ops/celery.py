"""The Celery application. Configuration comes from Django settings (``CELERY_*``)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

app = Celery("poe_ops")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _wire_worker_signals() -> None:
    # A fresh database connection before each task (poe_ops.worker). Imported late: the module
    # reads Django's database layer, which needs the settings this module has just named.
    from poe_ops import worker

    worker.connect()


_wire_worker_signals()
