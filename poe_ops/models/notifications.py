"""The notification outbox and each user's notification settings."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

from poe_ops.constraints import FieldCheck
from poe_ops.models.ports import OperationsOffice, Port


class NotificationKind(models.TextChoices):
    ARRIVAL = "arrival", "Arrival"
    TRANSIT = "transit", "Transit (hotel overnight)"
    TRANSPORT = "transport", "Ground transport booked"
    FLIGHT_CHANGE = "flight_change", "Flight change"
    REBOOKING = "rebooking", "Rebooking"
    EMERGENCY = "emergency", "Emergency"
    INCIDENT = "incident", "Incident report"
    REVIEW = "review", "Approved or returned"
    CREDENTIAL = "credential", "Credential expiring"
    DELEGATION = "delegation", "Acting officer"
    ON_CALL = "on_call", "On call"
    SHIFT_LOG = "shift_log", "Shift log for the supervisor"
    TIMESHEETS_DUE = "timesheets_due", "Timesheets due"
    CASE_CHANGE = "case_change", "Case moved to another port or cancelled"
    AGENCY = "agency", "Message to an agency"
    REPORT = "report", "Statistics report ready to read"


# Written to someone outside POE Ops (an agency office), never emailed to POE Ops users: not a
# kind anyone mutes or chooses in their email settings.
EXTERNAL_KINDS = frozenset({NotificationKind.AGENCY})


# Nobody may mute these by email: someone at HQ must always hear of them.
UNMUTABLE_KINDS = frozenset({NotificationKind.EMERGENCY, NotificationKind.INCIDENT})


class Notification(models.Model):
    """An outbox row: written in the same transaction as the change it reports, delivered by
    ``poe_ops.tasks.deliver_notification`` after commit (see ``poe_ops.services.notifications``)."""

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
    recipient_email = models.EmailField(
        blank=True,
        help_text="Set for a message to someone outside POE Ops (an agency office): only this "
        "address is emailed, and the feed shows it to HQ of the port's office and the port's "
        "officers (it is restricted).",
    )
    recipient_name = models.CharField(
        max_length=200, blank=True, help_text="Who that address is, e.g. “IRC Atlanta”."
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
            ),
            # One addressee: a user, an outside address, or (neither) the port's office.
            FieldCheck(
                condition=models.Q(recipient__isnull=True) | models.Q(recipient_email=""),
                name="notification_one_addressee",
                field="recipient_email",
                violation_error_message="A notification goes to a user or to an address, not both.",
            ),
            # Outside addressees' messages are seen only by HQ and the port's officers.
            FieldCheck(
                condition=models.Q(recipient_email="") | models.Q(restricted=True),
                name="notification_external_is_restricted",
                field="restricted",
                violation_error_message=(
                    "A message to an outside address is restricted to HQ and the port's officers."
                ),
            ),
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
