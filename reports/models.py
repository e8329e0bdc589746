"""Generated paperwork: a ``Document`` row is the request for a PDF and, once a worker has made
it, the file. Files live on the private default storage and are served only by a view that
checks the port permission."""

from __future__ import annotations

import uuid
from pathlib import PurePosixPath
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone

from cases.models import Case, Individual
from poe_ops.models import Port, Reviewable


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


class IncidentCategory(models.TextChoices):
    MEDICAL = "medical", "Medical emergency / hospital"
    MISSED_CONNECTION = "missed_connection", "Missed connection"
    LOST_LUGGAGE = "lost_luggage", "Lost luggage"
    DOCUMENTS = "documents", "Lost or damaged documents"
    CBP_REFERRAL = "cbp_referral", "CBP referral or secondary inspection"
    MINOR_CONCERN = "minor_concern", "Unaccompanied-minor concern"
    SECURITY = "security", "Behaviour or security"
    VENDOR_FAILURE = "vendor_failure", "Vendor failure (hotel, transport, interpreter)"
    PROTECTION = "protection", "Protection / PSEA concern"
    STAFF_INJURY = "staff_injury", "Staff injury"
    OTHER = "other", "Other"


# Seen only by the reporter, the port's officers and Operations HQ (reports.incidents).
SENSITIVE_CATEGORIES = frozenset({IncidentCategory.PROTECTION, IncidentCategory.MINOR_CONCERN})


class IncidentSeverity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class IncidentReport(Reviewable):
    """Something that went wrong at a port, written by the associate who was there (``author``)
    and approved or returned by an officer of the port (``poe_ops.review``).

    A draft may be incomplete (it is saved as the associate types); ``reports.incidents.submit``
    insists on what an officer needs."""

    audit_name: ClassVar[str] = "incident"

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="incidents")
    draft_key = models.UUIDField(
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Names the draft from the form's first autosave, so retries update one draft.",
    )
    occurred_at = models.DateTimeField(
        "when it happened", null=True, blank=True, help_text="Entered port-local, stored UTC."
    )
    flight = models.ForeignKey(
        "arrivals.Flight",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents",
    )
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents"
    )
    individuals = models.ManyToManyField(
        Individual, blank=True, related_name="incidents", verbose_name="people involved"
    )
    category = models.CharField(
        max_length=20, choices=IncidentCategory.choices, blank=True, db_index=True
    )
    severity = models.CharField(max_length=10, choices=IncidentSeverity.choices, blank=True)
    narrative = models.TextField("what happened", blank=True)
    actions_taken = models.TextField("immediate actions taken", blank=True)
    follow_up_needed = models.TextField("follow-up needed", blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["port", "status", "submitted_at"])]

    def __str__(self) -> str:
        return f"#{self.pk}" if self.pk else "(new)"

    @property
    def is_sensitive(self) -> bool:
        return self.category in SENSITIVE_CATEGORIES

    @property
    def title(self) -> str:
        what = self.get_category_display() or "Incident (category not chosen)"
        return f"{what} · {self.port.iata}"


def attachment_path(attachment: IncidentAttachment, filename: str) -> str:
    return f"incidents/{attachment.report_id}/{uuid.uuid4().hex}/{filename}"


class IncidentAttachment(models.Model):
    """A photo or scan added to an incident report. Private storage; served only through
    ``reports.incident_views.attachment`` after the same visibility check as the report."""

    report = models.ForeignKey(IncidentReport, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=300)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField(help_text="Bytes.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/jpeg", "image/png"}
