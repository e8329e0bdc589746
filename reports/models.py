"""Incident reports and their attachments."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Individual
from poe_ops.models import Port, Reviewable


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


# Routed apart from the port's staff (reports.queries.incidents): protection/PSEA reports to the
# office's protection focal points, minor concerns to the port's officers and HQ as well.
SENSITIVE_CATEGORIES = frozenset({IncidentCategory.PROTECTION, IncidentCategory.MINOR_CONCERN})


class IncidentSeverity(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


READ_BEFORE_APPROVING = frozenset({IncidentSeverity.HIGH, IncidentSeverity.CRITICAL})


class IncidentReport(Reviewable):
    """Something that went wrong at a port, written by the associate who was there (``author``)
    and approved or returned by an officer of the port (``poe_ops.services.review``).

    A draft may be incomplete (it is saved as the associate types);
    ``reports.services.incidents.submit_incident`` insists on what an officer needs."""

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
    staff_concerned = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        verbose_name="staff the report is about",
        help_text="Members of staff the report is about (a PSEA or conduct concern). They never "
        "see it, whatever their role.",
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

    def get_absolute_url(self) -> str:
        return reverse("reports:incident", args=[self.pk])

    @property
    def is_sensitive(self) -> bool:
        return self.category in SENSITIVE_CATEGORIES

    @property
    def is_protection(self) -> bool:
        return self.category == IncidentCategory.PROTECTION

    @property
    def is_medical(self) -> bool:
        return self.category == IncidentCategory.MEDICAL

    @property
    def must_be_read_first(self) -> bool:
        """High and critical reports are approved from their page, after reading them, never
        from the inbox's list."""
        return self.severity in READ_BEFORE_APPROVING

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


class DaySignOff(models.Model):
    """A port's day signed off by its senior associate or officer: what was still open then,
    each with the note that explains it (``items``: [{key, kind, text, note}]). One per port
    and day; ``reports.services.end_of_day.sign_off_day`` writes it."""

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="day_sign_offs")
    day = models.DateField(help_text="The port's local day.")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(default=timezone.now)
    items = models.JSONField(
        default=list, blank=True, help_text="The open items when it was signed, with notes."
    )
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-day", "port"]
        constraints = [models.UniqueConstraint(fields=["port", "day"], name="day_signed_off_once")]

    def __str__(self) -> str:
        return f"{self.port.iata} {self.day:%Y-%m-%d}"
