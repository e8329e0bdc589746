"""The port's running shift log and the interpreters booked for its flights and cases."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone

from arrivals.models.flights import Flight
from cases.models import Case, Vendor
from cases.models.bookings import Booking
from poe_ops.constraints import FieldCheck
from poe_ops.languages import language_name, validate_language
from poe_ops.models import Port


class ShiftLogEntry(models.Model):
    """A line in the port's running log, written during a shift for the next one to read
    first: what happened, what is pending. Append-only, like a paper logbook; a correction is
    a new entry. ``for_supervisor`` entries are sent to whoever may approve at the port now
    (its officers, or the acting officer)."""

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="shift_log")
    at = models.DateTimeField(default=timezone.now, db_index=True, help_text="When it happened.")
    text = models.TextField()
    flight = models.ForeignKey(
        Flight, null=True, blank=True, on_delete=models.PROTECT, related_name="log_entries"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="log_entries"
    )
    for_supervisor = models.BooleanField("for the supervisor", default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    written_at = models.DateTimeField(default=timezone.now)
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name_plural = "shift log entries"
        indexes = [models.Index(fields=["port", "at"])]

    def __str__(self) -> str:
        return f"{self.port.iata} log {self.at.astimezone(self.port.zone):%d %b %H:%M}"


class InterpreterBooking(Booking):
    """An interpreter booked from an interpreter service for a flight or a case: the language,
    when, for how long, how (in person, by phone or video) and the cost from the service's
    hourly rate. Lives here, not beside the other bookings in ``cases``, because it may name a
    flight."""

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Mode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        PHONE = "phone", "By phone"
        VIDEO = "video", "By video"

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="interpreter_bookings")
    vendor = models.ForeignKey(
        Vendor,
        on_delete=models.PROTECT,
        related_name="interpreter_bookings",
        verbose_name="interpreter service",
    )
    language = models.CharField(max_length=3, validators=[validate_language])
    starts_at = models.DateTimeField("from")
    hours = models.DecimalField(max_digits=4, decimal_places=2, default=Decimal("2"))
    mode = models.CharField(max_length=10, choices=Mode.choices, default=Mode.IN_PERSON)
    flight = models.ForeignKey(
        Flight,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpreter_bookings",
    )
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="interpreter_bookings",
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["port", "starts_at"])]
        constraints = [
            FieldCheck(
                condition=models.Q(flight__isnull=False) | models.Q(case__isnull=False),
                name="interpreter_for_a_flight_or_case",
                field="flight",
                violation_error_message="Say which flight or case the interpreter is for.",
            ),
            FieldCheck(
                condition=models.Q(hours__gt=0, hours__lte=12),
                name="interpreter_hours_in_a_day",
                field="hours",
                violation_error_message="Book between a quarter of an hour and 12 hours.",
            ),
        ]

    def __str__(self) -> str:
        what = self.flight.code if self.flight is not None else f"case {self.case}"
        return f"{self.language_label} interpreter · {what}"

    @property
    def language_label(self) -> str:
        return language_name(self.language)
