"""Core domain: operations offices, ports of entry, and the audit log."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any, cast

import airportsdata
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

HQ_GROUP_PREFIX = "Operations HQ "


class OperationsOffice(models.Model):
    """Operations HQ (DC or NY): oversees a set of ports and receives their notifications."""

    code = models.CharField(
        max_length=8,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,8}$", "Use 2 to 8 capital letters, e.g. DC.")],
    )
    name = models.CharField(max_length=100)
    notification_emails = models.TextField(
        blank=True,
        help_text="Where this office's notifications go: one email address per line.",
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def hq_group_name(self) -> str:
        """The group whose members hold ``view_port`` on every port this office oversees."""
        return f"{HQ_GROUP_PREFIX}{self.code}"

    def recipient_list(self) -> list[str]:
        return [line.strip() for line in self.notification_emails.splitlines() if line.strip()]


def _airport(iata: str) -> dict[str, Any] | None:
    return _airports_by_iata().get(iata.upper())


@functools.cache
def _airports_by_iata() -> dict[str, dict[str, Any]]:
    """airportsdata's table, loaded once (it is several MB of reference data)."""
    return cast(dict[str, dict[str, Any]], airportsdata.load("IATA"))


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. America/New_York).")


class Port(models.Model):
    """A Port of Entry: a U.S. international airport where IOM meets arriving refugees."""

    iata = models.CharField(
        "IATA code",
        max_length=3,
        unique=True,
        validators=[
            RegexValidator(r"^[A-Z]{3}$", "An IATA airport code is three capital letters.")
        ],
    )
    name = models.CharField(max_length=120, blank=True)
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="IANA time zone; filled from the airport's record when left blank.",
    )
    office = models.ForeignKey(
        OperationsOffice,
        on_delete=models.PROTECT,
        related_name="ports",
        help_text="The Operations HQ this port reports to.",
    )
    cbp_allowance_minutes = models.PositiveSmallIntegerField(
        "CBP allowance (minutes)",
        default=60,
        help_text="How long arriving refugees usually take from landing through CBP.",
    )
    min_connection_minutes = models.PositiveSmallIntegerField(
        "minimum connection (minutes)",
        default=90,
        help_text="The least time from leaving CBP to an onward domestic departure.",
    )
    # Staffing (staffing.coverage): rostered staff against projected arrivals.
    max_weekly_hours = models.PositiveSmallIntegerField(
        "maximum hours a week per person",
        default=60,
        help_text="A shift that takes someone past this in a week (Monday to Sunday) is refused.",
    )
    people_per_staff = models.PositiveSmallIntegerField(
        "people per staff member",
        default=10,
        help_text="How many arriving people (weighted by need) one staff member looks after.",
    )
    need_weight_wheelchair_medical = models.PositiveSmallIntegerField(
        "weight of a wheelchair or medical case",
        default=2,
        help_text="A wheelchair user or medical case counts as this many people.",
    )
    need_weight_unaccompanied_minor = models.PositiveSmallIntegerField(
        "weight of an unaccompanied minor",
        default=3,
        help_text="An unaccompanied minor counts as this many people.",
    )

    class Meta:
        ordering = ["iata"]
        # view_port is Django's default "view" permission for this model.
        permissions = [
            ("operate_port", "Can check in, book and file incidents at the port"),
            ("coordinate_port", "Can import manifests, update flights and keep rosters"),
            ("supervise_port", "Can approve timesheets, leave and incidents at the port"),
        ]

    def __str__(self) -> str:
        return f"{self.iata} — {self.name}" if self.name else self.iata

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.name or not self.time_zone:
            airport = _airport(self.iata)
            if airport:
                self.name = self.name or airport["name"]
                self.time_zone = self.time_zone or airport["tz"]
        super().save(*args, **kwargs)

    def clean_fields(self, exclude: Any = None) -> None:
        self.iata = (self.iata or "").strip().upper()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        airport = _airport(self.iata) if self.iata else None
        if self.iata and airport is None:
            raise ValidationError({"iata": f"{self.iata} is not a known IATA airport code."})
        if airport:
            self.name = self.name or airport["name"]
            self.time_zone = self.time_zone or airport["tz"]

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone or "UTC")

    def local_now(self) -> dt.datetime:
        return timezone.now().astimezone(self.zone)

    def local_today(self) -> dt.date:
        """'Today' at a port is the port's local date, whatever the server's clock says."""
        return self.local_now().date()

    @staticmethod
    def airport_record(iata: str) -> dict[str, Any] | None:
        return _airport(iata)


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def for_object(self, obj: models.Model) -> AuditEventQuerySet:
        return self.filter(
            content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )

    def update(self, **kwargs: Any) -> int:
        raise TypeError("Audit events are append-only: they cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only: they cannot be deleted.")


class AuditEvent(models.Model):
    """One thing someone did (or looked at), kept forever. Written with ``poe_ops.audit``."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the system acted (an import job, a scheduled task).",
    )
    action = models.CharField(
        max_length=100,
        db_index=True,
        validators=[RegexValidator(r"^[a-z0-9_]+(\.[a-z0-9_]+)+$", "A dotted lower-case name.")],
    )
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField(max_length=200, blank=True)
    port = models.ForeignKey(
        Port, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    changes = models.JSONField(
        default=dict, blank=True, help_text="Changed fields only: {field: [before, after]}."
    )
    data = models.JSONField(default=dict, blank=True)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise TypeError("Audit events are append-only: they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise TypeError("Audit events are append-only: they cannot be deleted.")


class NotificationKind(models.TextChoices):
    ARRIVAL = "arrival", "Arrival"
    TRANSIT = "transit", "Transit (hotel overnight)"
    FLIGHT_CHANGE = "flight_change", "Flight change"
    REBOOKING = "rebooking", "Rebooking"
    EMERGENCY = "emergency", "Emergency"
    INCIDENT = "incident", "Incident report"
    REVIEW = "review", "Approved or returned"
    CREDENTIAL = "credential", "Credential expiring"


# Nobody may mute these by email: someone at HQ must always hear of them.
UNMUTABLE_KINDS = frozenset({NotificationKind.EMERGENCY, NotificationKind.INCIDENT})


class Notification(models.Model):
    """An outbox row: written in the same transaction as the change it reports, delivered by
    ``poe_ops.tasks.deliver_notification`` after commit (see ``poe_ops.notifications``)."""

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=16, choices=NotificationKind.choices)
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="notifications")
    office = models.ForeignKey(
        OperationsOffice,
        on_delete=models.PROTECT,
        related_name="notifications",
        help_text="The office the port reported to when this was written.",
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="The plain-text message, as the feed shows it.")
    context = models.JSONField(default=dict, blank=True, help_text="For the email templates.")
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text="Set for a message to one person (their report was approved): only they see "
        "it and only they are emailed. Empty: the port's office and viewers.",
    )
    restricted = models.BooleanField(
        default=False,
        help_text="Sensitive (a protection concern): shown only to HQ and the port's officers, "
        "not to everyone who may view the port.",
    )
    dedupe_key = models.CharField(
        max_length=100,
        blank=True,
        help_text="Events reported once (a case's arrival) carry a key no other row may share.",
    )
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    attempt_log = models.JSONField(
        default=list, blank=True, help_text="One entry per attempt: {at, outcome, error}."
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"]),
            models.Index(fields=["port", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_dedupe_key_unique",
            )
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """One user's notification settings: kinds muted by email, and how far the feed is read."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    muted_kinds = models.JSONField(
        default=list, blank=True, help_text="Kinds this user gets no email for."
    )
    feed_read_at = models.DateTimeField(
        null=True, blank=True, help_text="Notifications written before this are read."
    )

    def __str__(self) -> str:
        return f"Notification settings of {self.user}"
