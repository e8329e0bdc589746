"""The retention run: every registered ``RetentionRule`` (docs/retention.md) anonymises or
deletes what is past its period, in batches, each batch in one transaction; the run writes one
audit event with what it did. ``manage.py apply_retention --dry-run`` shows what it would do;
celery beat runs it every night (``poe_ops.apply_retention``)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from poe_ops.models import Document, Notification
from poe_ops.registry import RETENTION_RULES, RetentionRule, register_retention
from poe_ops.services.audit import log_action

log = logging.getLogger(__name__)

BATCH = 500


@dataclass(frozen=True)
class Outcome:
    rule: RetentionRule
    days: int
    cutoff: dt.datetime
    due: int
    done: int


def period_days(key: str) -> int:
    """The retention period of a kind, in days (``POE_RETENTION_DAYS``)."""
    return int(settings.POE_RETENTION_DAYS[key])


def run(*, dry_run: bool = False, now: dt.datetime | None = None) -> list[Outcome]:
    """Apply every rule (or, with ``dry_run``, only count what each would change)."""
    now = now or timezone.now()
    outcomes = []
    for rule in sorted(RETENTION_RULES.values(), key=lambda r: r.key):
        days = period_days(rule.key)
        cutoff = now - dt.timedelta(days=days)
        due = list(rule.due(cutoff).order_by("pk").values_list("pk", flat=True))
        done = 0
        if not dry_run:
            for start in range(0, len(due), BATCH):
                with transaction.atomic():
                    done += rule.apply(due[start : start + BATCH], now)
        outcomes.append(Outcome(rule, days, cutoff, len(due), done))
    if not dry_run:
        log_action(
            None,
            "poe.retention.applied",
            data={
                o.rule.key: {"days": o.days, "cutoff": o.cutoff, "done": o.done} for o in outcomes
            },
        )
        log.info("Retention: %s", ", ".join(f"{o.rule.key} {o.done}" for o in outcomes))
    return outcomes


# --- the core's own kinds ---------------------------------------------------------------------


def _documents_due(cutoff: dt.datetime) -> QuerySet[Document]:
    return Document.objects.filter(
        status__in=[Document.Status.READY, Document.Status.FAILED], requested_at__lt=cutoff
    )


def _expire_documents(ids: list[int], now: dt.datetime) -> int:
    """The PDF file goes; the row stays (who asked for what, when), marked removed."""
    documents = list(Document.objects.filter(pk__in=ids).only("pk", "file"))
    for document in documents:
        if document.file:
            document.file.delete(save=False)
    return Document.objects.filter(pk__in=ids).update(
        status=Document.Status.EXPIRED, file="", finished_at=now
    )


def _notifications_due(cutoff: dt.datetime) -> QuerySet[Notification]:
    return Notification.objects.filter(
        state__in=[Notification.State.SENT, Notification.State.FAILED], created_at__lt=cutoff
    )


def _delete_notifications(ids: list[int], now: dt.datetime) -> int:
    deleted, _ = Notification.objects.filter(pk__in=ids).delete()
    return deleted


def register_core_rules() -> None:
    register_retention(
        RetentionRule(
            key="documents",
            label="Generated PDFs",
            does="the file is deleted; the record of who asked for it stays",
            due=_documents_due,
            apply=_expire_documents,
        )
    )
    register_retention(
        RetentionRule(
            key="notifications",
            label="Delivered notifications",
            does="deleted (they repeat names and case numbers)",
            due=_notifications_due,
            apply=_delete_notifications,
        )
    )
