"""Retention of manifest uploads (docs/retention.md). The file itself is deleted as soon as an
upload is applied, refused, discarded or out of date; what the record of the upload says about
people — its problems and warnings (they name the person of each row) and its summary (people
added and removed, names and dates changed field by field) — is removed after
``POE_RETENTION_DAYS["import_details"]`` days, counted from the upload. The record keeps who
uploaded which file (name and SHA-256) for which port and when, its outcome and its counts."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from arrivals.models import ImportBatch
from poe_ops.registry import RetentionRule, register_retention

REMOVED_KEY = "removed_after_retention"
OPEN = (ImportBatch.Status.CHECKING, ImportBatch.Status.PREVIEW)


def imports_due(cutoff: dt.datetime) -> QuerySet[ImportBatch]:
    return (
        ImportBatch.objects.filter(uploaded_at__lt=cutoff)
        .exclude(status__in=OPEN)
        .exclude(summary__has_key=REMOVED_KEY)
    )


def remove_details(ids: list[int], now: dt.datetime) -> int:
    batches = list(ImportBatch.objects.filter(pk__in=ids).only("pk", "summary", "errors"))
    for batch in batches:
        summary = batch.summary if isinstance(batch.summary, dict) else {}
        batch.summary = {
            "counts": summary.get("counts") or {},
            "error_count": summary.get("error_count", len(batch.errors or [])),
            REMOVED_KEY: now.isoformat(),
        }
        batch.errors, batch.warnings = [], []
    ImportBatch.objects.bulk_update(batches, ["summary", "errors", "warnings"], batch_size=500)
    return len(batches)


def register() -> None:
    register_retention(
        RetentionRule(
            key="import_details",
            label="What manifest uploads say about people",
            does="problems, warnings and the field-by-field summary removed; who uploaded "
            "which file, when, for which port, its outcome and its counts stay",
            due=imports_due,
            apply=remove_details,
        )
    )
