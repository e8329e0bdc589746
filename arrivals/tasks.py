"""Arrivals' background work: checking a large manifest upload while its page shows progress,
and the sweep that queues again an upload a broker outage or a dead worker left waiting."""

from __future__ import annotations

from celery import shared_task

from arrivals.services import landings, manifest_import
from poe_ops.dispatch import send_now
from poe_ops.worker import RETRY_OPTIONS


@shared_task(name="arrivals.check_upload", **RETRY_OPTIONS)
def check_upload_task(batch_id: int) -> str:
    """Check one upload and work out its preview (``preview``, ``refused`` or ``not waiting``
    when another copy of the task already took it). The database or Redis being away is
    retried with backoff (``poe_ops.worker``), never turned into a refusal."""
    return manifest_import.check_upload(batch_id)


@shared_task(name="arrivals.sweep_imports", **RETRY_OPTIONS)
def sweep_imports() -> int:
    """Run by celery beat every minute: queue again uploads still waiting to be checked, and
    expire previews nobody confirmed within a day. Returns how many uploads were queued."""
    manifest_import.expire_old_previews()
    queued = 0
    for batch_id in manifest_import.uploads_to_check_again():
        if not send_now(check_upload_task, batch_id):
            break  # the broker is still down: the next sweep tries again
        queued += 1
    return queued


@shared_task(name="arrivals.rebuild_landings", **RETRY_OPTIONS)
def rebuild_landings_task() -> str:
    """``manage.py rebuild_landings`` in the background (a repair, asked for by hand): how many
    rows there are now and how many were wrong."""
    done = landings.rebuild()
    return f"{done.rows} rows, {done.wrong} were wrong"
