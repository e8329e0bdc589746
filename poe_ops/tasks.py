"""Core Celery tasks: the health ping and notification delivery."""

from __future__ import annotations

import logging

from celery import shared_task

from poe_ops.dispatch import PUBLISH_RETRY_POLICY, send_now
from poe_ops.services import notifications

log = logging.getLogger(__name__)


@shared_task(name="poe_ops.ping", ignore_result=False)
def ping() -> str:
    """Answers ``pong``: proves a worker is consuming from the broker and can store results."""
    return "pong"


@shared_task(name="poe_ops.deliver_notification")
def deliver_notification(notification_id: int) -> str:
    """Deliver one notification (see ``poe_ops.notifications.deliver``). A failed attempt is
    queued again after its backoff; if even that cannot be queued, the sweep finds the row."""
    delivery = notifications.deliver(notification_id)
    if delivery.retry_in is not None:
        try:
            deliver_notification.apply_async(
                args=(notification_id,),
                countdown=delivery.retry_in,
                retry=True,
                retry_policy=PUBLISH_RETRY_POLICY,
            )
        except Exception:  # broker trouble: the row is pending and due later; the sweep has it
            log.warning("Could not re-queue notification %s", notification_id, exc_info=True)
    return delivery.outcome


@shared_task(name="poe_ops.sweep_notifications")
def sweep_notifications() -> int:
    """Run by celery beat every minute: queue again what is due and what a dead worker held
    (broker outage, lost task). Queueing twice is harmless: only one delivery wins the claim."""
    due = notifications.due_for_delivery()
    return sum(send_now(deliver_notification, pk) for pk in due)
