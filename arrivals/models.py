"""The operational day: flights, segments (who is on which flight), arrival step events, imports,
the port's shift log and interpreters booked for flights."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from cases.models import Case, Individual, Vendor
from cases.models.bookings import Booking
from cases.step_details import describe_detail
from cases.steps import STEP_MAX_LENGTH, ArrivalStep
from poe_ops.constraints import FieldCheck
from poe_ops.languages import language_name, validate_language
from poe_ops.models import Port

iata_airport = RegexValidator(r"^[A-Z]{3}$", "An airport code is three capital letters.")


def airport_zone(iata: str) -> zoneinfo.ZoneInfo:
    """An airport's time zone (from airportsdata); UTC for a code it does not know."""
    record = Port.airport_record(iata)
    return zoneinfo.ZoneInfo(str(record["tz"]) if record else "UTC")


class Flight(models.Model):
    """A flight as the airline schedules it: carrier + number + scheduled date. An inbound
    international flight lands at its port (``destination``); an onward domestic leg leaves it
    (``origin``), or — the second leg of a connection — leaves the airport the first one reached.
    Both are first-class: scheduled, estimated and actual times both ways, gate and status."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        ON_TIME = "on_time", "On time"
        DELAYED = "delayed", "Delayed"
        LANDED = "landed", "Landed"
        DEPARTED = "departed", "Departed"
        CANCELLED = "cancelled", "Cancelled"
        DIVERTED = "diverted", "Diverted"

    carrier = models.CharField(
        max_length=3, validators=[RegexValidator(r"^[A-Z0-9]{2,3}$", "Airline code, e.g. QR.")]
    )
    number = models.CharField(
        max_length=5, validators=[RegexValidator(r"^[0-9]{1,4}[A-Z]?$", "Flight number, e.g. 747.")]
    )
    scheduled_date = models.DateField(help_text="The flight's date at its origin.")
    port = models.ForeignKey(
        Port,
        on_delete=models.PROTECT,
        related_name="flights",
        help_text="The Port of Entry handling it: where it lands, or where an onward leg leaves.",
    )
    origin = models.CharField(max_length=3, validators=[iata_airport])
    destination = models.CharField(max_length=3, validators=[iata_airport])
    scheduled_departure = models.DateTimeField(null=True, blank=True)
    estimated_departure = models.DateTimeField(null=True, blank=True)
    actual_departure = models.DateTimeField(null=True, blank=True)
    gate = models.CharField(max_length=8, blank=True, help_text="Departure gate, e.g. B12.")
    scheduled_arrival = models.DateTimeField(null=True, blank=True)
    estimated_arrival = models.DateTimeField(null=True, blank=True)
    actual_arrival = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["scheduled_arrival", "carrier", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["carrier", "number", "scheduled_date"], name="flight_unique_per_day"
            )
        ]
        indexes = [
            models.Index(fields=["port", "scheduled_arrival"]),
            models.Index(fields=["port", "scheduled_departure"]),
        ]

    def __str__(self) -> str:
        return f"{self.carrier}{self.number} {self.scheduled_date:%d %b}"

    @property
    def code(self) -> str:
        return f"{self.carrier}{self.number}"

    @property
    def latest_arrival(self) -> object:
        """The best-known arrival time: actual, else estimated, else scheduled."""
        return self.actual_arrival or self.estimated_arrival or self.scheduled_arrival

    # How a flight is named to people: by the local day it lands for those meeting it, by the
    # local day it leaves for those seeing it off. ``scheduled_date`` is the airline's date at
    # the origin — a family that lands on Sunday morning came on "Saturday's" QR755.
    @property
    def arrival_day(self) -> dt.date:
        """The local day, at its destination, it is scheduled to land (the port's day list
        shows it on that day); its date when no arrival time is known."""
        if self.scheduled_arrival is None:
            return self.scheduled_date
        return self.scheduled_arrival.astimezone(airport_zone(self.destination)).date()

    @property
    def departure_day(self) -> dt.date:
        """The local day, at its origin, it is scheduled to leave."""
        if self.scheduled_departure is None:
            return self.scheduled_date
        return self.scheduled_departure.astimezone(airport_zone(self.origin)).date()

    def day_label(self, *, arriving: bool) -> str:
        """ "QR755 · Sun 29 Nov": the flight and its local arrival (or departure) day."""
        day = self.arrival_day if arriving else self.departure_day
        return f"{self.code} · {day:%a} {day.day} {day:%b}"

    @property
    def arrival_label(self) -> str:
        return self.day_label(arriving=True)

    @property
    def departure_label(self) -> str:
        return self.day_label(arriving=False)

    def label_at(self, iata: str) -> str:
        """The flight as named at the port ``iata``: by its arrival day if it lands there,
        else by its departure day (an onward leg)."""
        return self.day_label(arriving=self.destination == iata)

    @property
    def latest_departure(self) -> dt.datetime | None:
        """The best-known departure time: actual, else estimated, else scheduled."""
        return self.actual_departure or self.estimated_departure or self.scheduled_departure

    @property
    def has_departed(self) -> bool:
        return self.status == self.Status.DEPARTED or self.actual_departure is not None

    def leaves(self, iata: str) -> bool:
        """Whether this is a departure from the airport ``iata`` (not an arrival there)."""
        return self.origin == iata and self.destination != iata


class Segment(models.Model):
    """A case — or some of its people — booked on a flight. Rebooking replaces a segment and
    keeps the old one (``replaced_by``) so the itinerary shows what changed."""

    class Direction(models.TextChoices):
        INBOUND = "inbound", "Inbound international"
        ONWARD = "onward", "Onward domestic"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="segments")
    flight = models.ForeignKey(Flight, on_delete=models.PROTECT, related_name="segments")
    individuals = models.ManyToManyField(
        Individual, blank=True, related_name="segments", help_text="Empty: the whole case."
    )
    direction = models.CharField(max_length=8, choices=Direction.choices)
    replaced_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="replaces"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "flight__scheduled_departure", "flight__scheduled_arrival"]
        indexes = [models.Index(fields=["flight", "direction"])]

    def __str__(self) -> str:
        return f"{self.case} on {self.flight}"

    @property
    def is_replaced(self) -> bool:
        return self.replaced_by_id is not None

    @property
    def flight_label(self) -> str:
        """The flight named by arrival day for an inbound leg, by departure day for an onward
        one."""
        return self.flight.day_label(arriving=self.direction == self.Direction.INBOUND)


class StepEvent(models.Model):
    """One tap on the tablet: a person moved from one arrival step to another (append-only).

    A repeated submit carries the same ``idempotency_key`` and is answered with the event it
    already made. Refused moves are recorded too (``accepted=False`` with the reason), so the
    history explains what the tablet showed."""

    # Found through the (individual, at) index below, which begins with it: no index of its own.
    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="steps", db_index=False
    )
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="+")
    from_step = models.CharField(max_length=STEP_MAX_LENGTH, choices=ArrivalStep.choices)
    to_step = models.CharField(max_length=STEP_MAX_LENGTH, choices=ArrivalStep.choices)
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the step carries (cases.steps.check_detail): bags and claim tags, the "
        "lost-bag report, the hospital and who went along, where the person was met.",
    )
    accepted = models.BooleanField(default=True)
    refusal_reason = models.CharField(max_length=200, blank=True)
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The name the tablet was given ("ATL tablet 3", poe_ops.http.device_of); events recorded
    # before tablets had names hold the browser's user agent.
    device = models.CharField(max_length=300, blank=True, help_text="The browser's user agent.")
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["individual", "at"]),
            # The statistics of a period (reports.queries.statistics) read the hand-overs,
            # departures, misconnections and hospital cases that stand from this index alone:
            # a year is ~5 % of the events, its misconnections and hospital cases ~0.2 %, read
            # by step first (a year's misconnected cases in 35 ms, not 120 ms reading every
            # outcome of the year and each one's port from the table).
            models.Index(
                fields=["to_step", "at"],
                include=["individual", "id", "port"],
                condition=models.Q(
                    to_step__in=[
                        ArrivalStep.HANDED_OVER,
                        ArrivalStep.DEPARTED,
                        ArrivalStep.NEEDS_REBOOKING,
                        ArrivalStep.HOSPITAL,
                    ],
                    accepted=True,
                    undoes__isnull=True,
                ),
                name="stepevent_steps_at",
            ),
            # The undos alone (a few in a hundred events): the statistics leave out what was
            # undone by reading these, not the whole unique index on ``undoes``.
            models.Index(
                fields=["undoes"], condition=models.Q(undoes__isnull=False), name="stepevent_undos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.individual}: {self.from_step} → {self.to_step}"

    @property
    def detail_text(self) -> str:
        return describe_detail(self.to_step, self.detail)


class Landing(models.Model):
    """One person on one current inbound segment: where and when they landed, where they are
    now and what the statistics break them down by, and their first booked connection out of
    that airport — what a period's statistics count, one narrow row per person and landing
    (``reports.queries.statistics.sql_count``; docs/decisions.md, 2026-11-30).

    Derived, never written by the application: PostgreSQL keeps it in the same transaction as
    every change to the facts it is made of (triggers on cases, people, segments, the people a
    segment names and flights; migration ``arrivals.0011``), whoever writes them — a tap, an
    undo, a manifest import, a rebooking, a case moved between ports, the admin, a bulk load.
    ``manage.py rebuild_landings`` makes it again from the facts (a repair). A row exists for
    a person still on the ABN, of a case not cancelled, on an inbound segment not replaced, on
    a flight not cancelled, that carries them (names them, or names nobody)."""

    individual = models.ForeignKey(
        Individual, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    port = models.ForeignKey(
        Port, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # The flight's actual arrival, else its estimate, else its schedule.
    landed = models.DateTimeField()
    step = models.CharField(max_length=STEP_MAX_LENGTH)
    nationality = models.TextField(blank=True)
    language = models.TextField(blank=True)
    category = models.TextField(blank=True)
    programme = models.TextField(blank=True)
    umnr = models.BooleanField(default=False)
    agency = models.ForeignKey(
        "cases.ResettlementAgency",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The first domestic flight out of the landing airport the person was booked on (rebooked
    # or not): its scheduled departure.
    first_out = models.DateTimeField(null=True)
    # The person's only current landing (nearly everyone): counted as it is, without looking
    # for an earlier landing of theirs in the period.
    alone = models.BooleanField(default=True)
    # The person's first "handed over" and first "departed" that stand (accepted, not an undo,
    # not undone), wherever and whenever they were tapped: the statistics' time from landing
    # (arrivals migration 0015 keeps them as step events are written).
    handed_over_at = models.DateTimeField(null=True)
    departed_at = models.DateTimeField(null=True)
    # The local day at the port it landed, and whether the first connection was booked to
    # leave on that day: set by PostgreSQL as the row is written, and again should the port's
    # time zone change (arrivals migration 0015).
    day = models.DateField(null=True)
    same_day = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["individual", "segment"], name="landing_once")
        ]
        indexes = [
            models.Index(fields=["port", "landed"], name="landing_port_landed"),
            # The few people with more than one current landing, looked at apart.
            models.Index(
                fields=["landed"], condition=models.Q(alone=False), name="landing_not_alone"
            ),
            models.Index(fields=["case"], name="landing_case"),
        ]

    def __str__(self) -> str:
        return f"{self.individual_id} landed at {self.port_id} {self.landed:%Y-%m-%d %H:%M}"


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


class Rebooking(models.Model):
    """A missed (or about to be missed) flight replaced by another: the old segment is kept,
    ``replaced_by`` the new one. ``idempotency_key`` makes a double submit one rebooking."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="rebookings")
    old_segment = models.ForeignKey(Segment, on_delete=models.PROTECT, related_name="+")
    new_segment = models.OneToOneField(Segment, on_delete=models.PROTECT, related_name="rebooking")
    reason = models.CharField(max_length=200, blank=True)
    hotel_booking = models.ForeignKey(
        "cases.HotelBooking", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    transport_booking = models.ForeignKey(
        "cases.GroundTransportBooking",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    rebooked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rebooked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-rebooked_at"]

    def __str__(self) -> str:
        return f"{self.case}: {self.old_segment.flight} → {self.new_segment.flight}"


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
