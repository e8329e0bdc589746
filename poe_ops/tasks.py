"""Core Celery tasks: the health ping and heartbeat, notification delivery and the paperwork.

``render_document`` renders one requested PDF; the ``sweep_*`` beat jobs queue again what a
broker outage or a lost task left pending. A task that fails because the database or Redis is
unreachable is retried (``poe_ops.worker.RETRY_OPTIONS``), not acknowledged as done."""

from __future__ import annotations

import datetime as dt
import logging
import socket

from celery import shared_task
from django.core.files.base import ContentFile
from django.db.models import F, Q
from django.utils import timezone

from poe_ops.dispatch import PUBLISH_RETRY_POLICY, send_now
from poe_ops.models import Document, Heartbeat
from poe_ops.pdf import render_pdf_pages
from poe_ops.registry import DocumentUnavailable, document_kind
from poe_ops.services import notifications
from poe_ops.worker import INFRASTRUCTURE_ERRORS, RETRY_OPTIONS

log = logging.getLogger(__name__)


@shared_task(name="poe_ops.ping", ignore_result=False)
def ping() -> str:
    """Answers ``pong``: proves a worker is consuming from the broker and can store results."""
    return "pong"


@shared_task(name="poe_ops.heartbeat")
def heartbeat() -> str:
    """Run by beat every 30 seconds: the time it ran, written through the database. Its age
    (``poe_ops.health``) tells whether beat, the broker, a worker and its database work."""
    now = timezone.now()
    Heartbeat.objects.update_or_create(
        name="worker", defaults={"at": now, "hostname": socket.gethostname()[:200]}
    )
    return now.isoformat()


@shared_task(name="poe_ops.deliver_notification", **RETRY_OPTIONS)
def deliver_notification(notification_id: int) -> str:
    """Deliver one notification (see ``poe_ops.services.notifications.deliver``). A failed
    attempt is queued again after its backoff; if even that cannot be queued, the sweep finds
    the row."""
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


@shared_task(name="poe_ops.sweep_notifications", **RETRY_OPTIONS)
def sweep_notifications() -> int:
    """Run by celery beat every minute: queue again what is due and what a dead worker held
    (broker outage, lost task). Queueing twice is harmless: only one delivery wins the claim."""
    due = notifications.due_for_delivery()
    return sum(send_now(deliver_notification, pk) for pk in due)


# --- paperwork --------------------------------------------------------------------------------

# A worker that claimed a document and died is replaced after this long.
DOCUMENT_CLAIM_LEASE = dt.timedelta(minutes=5)
# Left pending this long, a document is queued again by the sweep.
DOCUMENT_SWEEP_AFTER = dt.timedelta(minutes=1)
DOCUMENT_MAX_ATTEMPTS = 3
DOCUMENT_SWEEP_BATCH = 100
DOCUMENT_UNEXPECTED = (
    "The PDF could not be made because of an unexpected error. Ask for it again; "
    "if it fails again, tell the POE Ops administrator."
)


def _claim(document_id: int) -> bool:
    """Take the document for this worker. A conditional UPDATE: of two copies of the task
    (a retry, a sweep racing a slow broker) exactly one renders it."""
    now = timezone.now()
    return bool(
        Document.objects.filter(pk=document_id, status=Document.Status.PENDING)
        .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - DOCUMENT_CLAIM_LEASE))
        .update(claimed_at=now, attempts=F("attempts") + 1)
    )


def _release(document_id: int) -> None:
    """Give a claimed document back (an infrastructure error, not the document's fault), so its
    retry may claim it at once; if even that fails, the claim's lease runs out."""
    try:
        Document.objects.filter(pk=document_id, status=Document.Status.PENDING).update(
            claimed_at=None
        )
    except INFRASTRUCTURE_ERRORS:
        log.warning("Could not release document %s; its claim will lapse", document_id)


def _fail(document: Document, message: str) -> None:
    Document.objects.filter(pk=document.pk, status=Document.Status.PENDING).update(
        status=Document.Status.FAILED, error=message, finished_at=timezone.now()
    )


@shared_task(name="poe_ops.render_document", **RETRY_OPTIONS)
def render_document(document_id: int) -> str:
    """Render the pending document ``document_id`` into its file; ``ready`` or ``failed``."""
    if not _claim(document_id):
        return "not pending"
    document = Document.objects.select_related("port", "requested_by").get(pk=document_id)
    spec = document_kind(document.kind)
    try:
        if spec is None:
            raise DocumentUnavailable(f"POE Ops does not know how to make a “{document.kind}”.")
        context = spec.build_context(document)
        rendered = render_pdf_pages(spec.template, context, port=document.port)
        document.file.save(spec.file_name(document), ContentFile(rendered.content), save=False)
    except DocumentUnavailable as error:
        log.warning("Document %s failed: %s", document_id, error)
        _fail(document, str(error))
        return "failed"
    except INFRASTRUCTURE_ERRORS:
        # Not the document's fault: give the claim back and let the task be retried.
        _release(document_id)
        raise
    except Exception:
        log.exception("Document %s could not be rendered", document_id)
        _fail(document, DOCUMENT_UNEXPECTED)
        return "failed"
    Document.objects.filter(pk=document.pk, status=Document.Status.PENDING).update(
        status=Document.Status.READY,
        file=document.file.name,
        page_count=rendered.page_count,
        size=len(rendered.content),
        finished_at=timezone.now(),
        error="",
    )
    log.info("Document %s ready: %s pages", document_id, rendered.page_count)
    return "ready"


@shared_task(name="poe_ops.sweep_documents", **RETRY_OPTIONS)
def sweep_documents() -> int:
    """Queue again documents pending for more than a minute and not being rendered now; give up
    on those that have already failed to render ``DOCUMENT_MAX_ATTEMPTS`` times. Returns how
    many were queued."""
    now = timezone.now()
    stale = Document.objects.filter(
        status=Document.Status.PENDING, requested_at__lt=now - DOCUMENT_SWEEP_AFTER
    ).filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - DOCUMENT_CLAIM_LEASE))
    stale.filter(attempts__gte=DOCUMENT_MAX_ATTEMPTS).update(
        status=Document.Status.FAILED,
        error="The PDF could not be made after several tries. Ask for it again; "
        "if it fails again, tell the POE Ops administrator.",
        finished_at=now,
    )
    queued = 0
    retry = stale.filter(attempts__lt=DOCUMENT_MAX_ATTEMPTS).order_by("requested_at")
    for document_id in retry.values_list("pk", flat=True)[:DOCUMENT_SWEEP_BATCH]:
        if not send_now(render_document, document_id):
            break  # the broker is still down: the next sweep tries again
        queued += 1
    return queued


@shared_task(name="poe_ops.apply_retention", **RETRY_OPTIONS)
def apply_retention() -> dict[str, int]:
    """Run by beat every night: anonymise and delete what is past its retention period
    (``poe_ops.services.retention``); one audit event per run."""
    from poe_ops.services import retention

    return {o.rule.key: o.done for o in retention.run()}
