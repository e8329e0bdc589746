"""ABN manifest uploads: a batch (checked, previewed, confirmed or refused), its stored file and
the cases it named."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from poe_ops.models import Port


class ImportBatch(models.Model):
    """One uploaded ABN manifest: checked (in the background when large), previewed, and
    applied only when a person confirms — or refused, with every problem listed. Every upload
    is kept, whatever became of it."""

    class Status(models.TextChoices):
        CHECKING = "checking", "Being checked"
        PREVIEW = "preview", "Awaiting confirmation"
        APPLIED = "applied", "Applied"
        REFUSED = "refused", "Refused"
        DISCARDED = "discarded", "Discarded"
        EXPIRED = "expired", "Not applied (out of date)"

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="imports")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0, help_text="Bytes, as uploaded.")
    complete = models.BooleanField(
        "lists every arrival of its days",
        default=False,
        help_text="Cases of the same arrival days that the file leaves out are cancelled.",
    )
    row_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveIntegerField(
        default=0, help_text="Rows checked so far, while the file is checked in the background."
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    errors = models.JSONField(
        default=list, blank=True, help_text="[{row, column, message, case, person}]"
    )
    warnings = models.JSONField(
        default=list, blank=True, help_text="[{row, column, message, case, person}]"
    )
    summary = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the import would do (awaiting confirmation) or did (applied): new, "
        "changed field by field, moved, cancelled, people added and removed, flights.",
    )
    note = models.TextField(blank=True, help_text="Why it was not applied, in words.")
    check_started_at = models.DateTimeField(
        null=True, blank=True, help_text="When a worker took the upload to check it."
    )
    checked_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        indexes = [models.Index(fields=["status", "uploaded_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_checking(self) -> bool:
        return self.status == self.Status.CHECKING

    @property
    def awaits_confirmation(self) -> bool:
        return self.status == self.Status.PREVIEW


class ImportFile(models.Model):
    """An upload's content while it is open: its bytes until it is checked, then the rows as
    they were read (so the confirmation works from exactly what was previewed, without reading
    a workbook again). Deleted once it is applied, refused, discarded or out of date: the batch
    keeps the file's name and SHA-256."""

    batch = models.OneToOneField(ImportBatch, on_delete=models.CASCADE, related_name="upload")
    data = models.BinaryField()
    table = models.JSONField(
        null=True,
        blank=True,
        help_text="The rows as they were read when the upload was checked: what a "
        "confirmation works from.",
    )

    def __str__(self) -> str:
        return f"the file of import {self.batch_id}"


class ImportBatchCase(models.Model):
    """A case number an upload lists: how a confirmation finds a newer upload of the same
    cases (which makes it out of date)."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="case_numbers")
    case_number = models.CharField(max_length=32, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["batch", "case_number"], name="batch_case_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_number} in {self.batch_id}"
