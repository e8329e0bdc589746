"""Flights and who is on them: a flight at or through a port, a case's segment on it (inbound
or onward), and a rebooking that replaced one segment with another."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from cases.models import Case, Individual
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
