"""Generated paperwork: a ``Document`` row is the request for a PDF and, once a worker has made
it, the file. Files live on the private default storage and are served only by a view that
checks the port permission."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case
from poe_ops.models import Port


def document_path(document: Document, filename: str) -> str:
    # One folder per document, so two documents with the same name never collide.
    return f"documents/{document.requested_at:%Y/%m}/{document.pk}/{filename}"


class Document(models.Model):
    """A PDF someone asked for. Pending until a worker renders it, then ready (or failed)."""

    class Kind(models.TextChoices):
        # Later issues add their paperwork here and in reports.registry.
        DAILY_MANIFEST = "daily_manifest", "Daily arrival manifest"
        CASE_SHEET = "case_sheet", "Case arrival sheet"
        INCIDENT_REPORT = "incident_report", "Incident report"
        TIMESHEET = "timesheet", "Timesheet"
        HOTEL_FORM = "hotel_form", "Hotel booking and meal order form"
        TRANSPORT_MANIFEST = "transport_manifest", "Ground transport manifest"
        CUSTODY_FORM = "custody_form", "Custody handover form"

    class Status(models.TextChoices):
        PENDING = "pending", "Preparing"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="documents")
    # A deleted case leaves its paperwork behind (failed if it was still being prepared).
    case = models.ForeignKey(
        Case, on_delete=models.SET_NULL, null=True, blank=True, related_name="documents"
    )
    day = models.DateField(null=True, blank=True, help_text="The port-local day it covers.")
    object_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="The record it is made from, for kinds about neither a case nor a day "
        "(an incident report's id, a timesheet's id); the kind says which model.",
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
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.subject}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY and bool(self.file)

    @property
    def file_name(self) -> str:
        return PurePosixPath(self.file.name).name if self.file else ""
