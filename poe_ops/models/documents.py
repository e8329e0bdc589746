"""Generated paperwork: a ``Document`` row is the request for a PDF and, once a worker has made
it, the file. Files live on the private default storage and are served only by a view that
checks the port permission (``poe_ops.views.documents``).

The kinds of document are registered by the apps that own their subject
(``poe_ops.registry.DocumentKind``): the core renders, stores and serves them, and never needs to
know what a hotel form or a timesheet is."""

from __future__ import annotations

import datetime as dt
from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone

from poe_ops.models.ports import Port

# A PDF normally takes seconds; pending longer than this, its page says the paperwork is
# delayed instead of "Preparing…" for ever (the worker or the broker is behind or away).
DELAYED_AFTER = dt.timedelta(minutes=1)


def document_path(document: Document, filename: str) -> str:
    # One folder per document, so two documents with the same name never collide.
    return f"documents/{document.requested_at:%Y/%m}/{document.pk}/{filename}"


class Document(models.Model):
    """A PDF someone asked for. Pending until a worker renders it, then ready (or failed)."""

    class Status(models.TextChoices):
        PENDING = "pending", "Preparing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"
        EXPIRED = "expired", "Removed after its retention period"

    kind = models.CharField(
        max_length=32, help_text="A registered kind (poe_ops.registry.DOCUMENT_KINDS)."
    )
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="documents")
    day = models.DateField(null=True, blank=True, help_text="The port-local day it covers.")
    object_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The record it is made from (a case's, an incident report's, a timesheet's "
        "id); the kind says which model.",
    )
    subject = models.CharField(max_length=200, help_text="What it is about, e.g. a case number.")
    status = models.CharField(
        max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    file = models.FileField(upload_to=document_path, blank=True, max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)
    # Set by the worker that claims it; a claim older than the lease may be taken over.
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Bytes.")

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["status", "requested_at"], name="reports_doc_status_fa7be9_idx")
        ]

    def __str__(self) -> str:
        return f"{self.kind_label} {self.subject}"

    @property
    def kind_label(self) -> str:
        from poe_ops.registry import document_kind  # the registry names this model

        kind = document_kind(self.kind)
        return kind.label if kind else self.kind.replace("_", " ").capitalize()

    @property
    def is_delayed(self) -> bool:
        """Pending for longer than ``DELAYED_AFTER``."""
        return (
            self.status == self.Status.PENDING
            and timezone.now() - self.requested_at > DELAYED_AFTER
        )

    @property
    def record_id(self) -> int:
        """``object_id`` as the id of the record it is made from; 0 when it is not one."""
        return int(self.object_id) if self.object_id.isdigit() else 0

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.file.name).name if self.file else ""
