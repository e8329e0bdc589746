"""Staff and their time: profiles with languages and credentials, shifts, leave, timesheets."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from poe_ops.constraints import FieldCheck
from poe_ops.languages import language_name, validate_language
from poe_ops.models import Port, Reviewable

HOURS_IN_A_DAY = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("24"))]
EXPIRY_WARNING = dt.timedelta(days=30)


class StaffRole(models.TextChoices):
    ASSOCIATE = "associate", "Associate"
    SENIOR = "senior", "Senior associate"
    OFFICER = "officer", "Officer"


class StaffProfile(models.Model):
    """A member of POE staff: where they work, what they do, the languages they speak."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile"
    )
    home_ports = models.ManyToManyField(Port, related_name="staff", blank=True)
    role = models.CharField(max_length=10, choices=StaffRole.choices, default=StaffRole.ASSOCIATE)
    phone = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.get_username()


class StaffLanguage(models.Model):
    """A language someone speaks, as an ISO 639 code (the same reference as ``Individual``)."""

    class Level(models.TextChoices):
        BASIC = "basic", "Basic"
        WORKING = "working", "Working"
        FLUENT = "fluent", "Fluent"
        NATIVE = "native", "Native"

    # Basic speakers are listed but do not count as interpreters for coverage.
    INTERPRETING_LEVELS: ClassVar[tuple[str, ...]] = (Level.WORKING, Level.FLUENT, Level.NATIVE)

    profile = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="languages")
    code = models.CharField(
        "language", max_length=3, validators=[validate_language], help_text="ISO 639 code."
    )
    level = models.CharField(max_length=8, choices=Level.choices, default=Level.FLUENT)

    class Meta:
        ordering = ["profile", "code"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "code"], name="staff_language_once")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_level_display()})"

    @property
    def name(self) -> str:
        return language_name(self.code)


def credential_scan_path(credential: Credential, filename: str) -> str:
    """Private storage, never a public URL: ``credentials/<profile>/<random>/<name>``."""
    return f"credentials/{credential.profile_id}/{uuid.uuid4().hex}/{filename}"


class Credential(models.Model):
    """A badge, clearance or training someone holds, with its expiry. A renewal is a new
    credential of the same kind that ``renews`` the one before, so the history stays: the
    person's credentials of a kind, newest first. A scan of the card or certificate is kept as
    a private file, served only by a view that checks the port."""

    class Kind(models.TextChoices):
        AIRPORT_BADGE = "airport_badge", "Airport badge (SIDA/ID)"
        CBP_SEAL = "cbp_seal", "CBP seal or clearance"
        BACKGROUND_CHECK = "background_check", "Background check"
        MEDICAL = "medical", "Medical clearance"
        TRAINING_PSEA = "training_psea", "Training: PSEA"
        TRAINING_URM = "training_urm", "Training: URM handling"
        TRAINING_OTHER = "training_other", "Training: other"

    profile = models.ForeignKey(StaffProfile, on_delete=models.CASCADE, related_name="credentials")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=120, blank=True, help_text="For other trainings.")
    number = models.CharField(
        max_length=60, blank=True, help_text="Badge (SIDA/ID) or certificate number."
    )
    authority = models.CharField(
        "issuing authority", max_length=120, blank=True, help_text="e.g. ATL Airport Authority."
    )
    issued = models.DateField(null=True, blank=True)
    expires = models.DateField(null=True, blank=True, help_text="Empty: does not expire.")
    renews = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewal",
        help_text="The credential this one replaces.",
    )
    scan = models.FileField(upload_to=credential_scan_path, blank=True, max_length=300)
    scan_name = models.CharField(max_length=200, blank=True)
    scan_type = models.CharField(max_length=40, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    # The add form's key: a double submit makes one (``poe_ops.keys``). Empty for rows made
    # before keys, or in the admin.
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["profile", "kind", "-expires"]
        indexes = [models.Index(fields=["kind", "expires"])]
        constraints = [
            FieldCheck(
                condition=models.Q(expires__isnull=True)
                | models.Q(issued__isnull=True)
                | models.Q(expires__gte=models.F("issued")),
                name="credential_expires_after_issue",
                field="expires",
                violation_error_message="It expires before it was issued.",
            )
        ]

    def __str__(self) -> str:
        label = self.title or self.get_kind_display()
        return f"{label} {self.number}".strip()

    def is_valid_on(self, day: dt.date) -> bool:
        return self.expires is None or self.expires >= day

    def expires_within(self, today: dt.date, window: dt.timedelta = EXPIRY_WARNING) -> bool:
        return self.expires is not None and today <= self.expires <= today + window


class Position(models.TextChoices):
    ARRIVALS_HALL = "arrivals_hall", "Arrivals hall"
    TRANSIT_HOTEL = "transit_hotel", "Transit / hotel"
    ESCORT = "escort", "Escort"
    SUPERVISOR = "supervisor", "Supervisor"


# Positions worked airside, for which a valid airport badge is needed.
AIRPORT_POSITIONS = frozenset({Position.ARRIVALS_HALL, Position.ESCORT, Position.SUPERVISOR})
# Positions that meet arriving people, counted against projected arrivals.
MEETING_POSITIONS = frozenset({Position.ARRIVALS_HALL, Position.SUPERVISOR})


class Shift(models.Model):
    """One person's shift at a port. Stored in UTC; entered and shown in port-local time."""

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="shifts")
    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="shifts"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    position = models.CharField(
        max_length=16, choices=Position.choices, default=Position.ARRIVALS_HALL
    )
    notes = models.CharField(max_length=200, blank=True)
    badge_override_reason = models.TextField(
        blank=True, help_text="Why an officer rostered someone without a valid airport badge."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["start", "staff_id"]
        indexes = [
            models.Index(fields=["port", "start"]),
            models.Index(fields=["staff", "start"]),
        ]
        constraints = [
            FieldCheck(
                condition=models.Q(end__gt=models.F("start")),
                name="shift_ends",
                field="end",
                violation_error_message="The shift must end after it starts.",
            )
        ]

    def __str__(self) -> str:
        local = self.start.astimezone(self.port.zone)
        return f"{self.port.iata} {local:%a %d %b %H:%M} {self.get_position_display()}"

    @property
    def hours(self) -> Decimal:
        return Decimal((self.end - self.start).total_seconds()) / 3600

    @property
    def local_start(self) -> dt.datetime:
        return self.start.astimezone(self.port.zone)

    @property
    def local_end(self) -> dt.datetime:
        return self.end.astimezone(self.port.zone)


class LeaveRequest(Reviewable):
    """Time off asked for by a staff member (the author) and decided by an officer."""

    audit_name = "leave"

    class Kind(models.TextChoices):
        ANNUAL = "annual", "Annual leave"
        SICK = "sick", "Sick leave"
        UNPAID = "unpaid", "Unpaid leave"
        OTHER = "other", "Other"

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="leave_requests")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.ANNUAL)
    first_day = models.DateField()
    last_day = models.DateField()
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-first_day", "-id"]
        verbose_name = "leave request"
        constraints = [
            FieldCheck(
                condition=models.Q(last_day__gte=models.F("first_day")),
                name="leave_ends",
                field="last_day",
                violation_error_message="The last day of leave is before the first.",
            )
        ]

    def __str__(self) -> str:
        if self.first_day == self.last_day:
            return f"{self.first_day:%d %b %Y}"
        return f"{self.first_day:%d %b} – {self.last_day:%d %b %Y}"

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class Timesheet(Reviewable):
    """One person's month at one port: a row per day, pre-filled from their shifts."""

    audit_name = "timesheet"

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="timesheets")
    month = models.DateField(help_text="The first day of the month it covers.")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month", "port", "author"]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "port", "month"], name="timesheet_once_per_month"
            )
        ]

    def __str__(self) -> str:
        who = self.author.get_full_name() or self.author.get_username()
        return f"{who} · {self.port.iata} · {self.month:%B %Y}"

    @property
    def totals(self) -> dict[str, Decimal]:
        """Regular, overtime and night hours of the month (one query)."""
        sums = self.entries.aggregate(
            hours=models.Sum("hours"),
            overtime=models.Sum("overtime"),
            night_hours=models.Sum("night_hours"),
        )
        return {key: value or Decimal(0) for key, value in sums.items()}


class TimesheetEntry(models.Model):
    """A day on a timesheet. ``hours`` are regular hours; ``overtime`` comes on top of them;
    ``night_hours`` are the part of both worked between 22:00 and 06:00 port-local."""

    timesheet = models.ForeignKey(Timesheet, on_delete=models.CASCADE, related_name="entries")
    day = models.DateField()
    hours = models.DecimalField(
        "regular hours", max_digits=4, decimal_places=2, default=0, validators=HOURS_IN_A_DAY
    )
    overtime = models.DecimalField(
        max_digits=4, decimal_places=2, default=0, validators=HOURS_IN_A_DAY
    )
    night_hours = models.DecimalField(
        max_digits=4, decimal_places=2, default=0, validators=HOURS_IN_A_DAY
    )
    notes = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["timesheet", "day"]
        verbose_name_plural = "timesheet entries"
        constraints = [
            models.UniqueConstraint(fields=["timesheet", "day"], name="timesheet_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d}: {self.hours} h + {self.overtime} h overtime"

    @property
    def total(self) -> Decimal:
        return self.hours + self.overtime
