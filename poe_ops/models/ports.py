"""Ports of entry and the operations offices (HQ) they report to."""

from __future__ import annotations

import datetime as dt
import functools
import zoneinfo
from typing import Any, cast

import airportsdata
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

HQ_GROUP_PREFIX = "Operations HQ "
# Focal points work at HQ, one group per office each: protection/PSEA reports go to the
# office's protection focal points (not the port's officers); the medical focal points read the
# medical details of the office's ports.
PROTECTION_GROUP_PREFIX = "Protection focal point "
MEDICAL_GROUP_PREFIX = "Medical focal point "


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

    @property
    def protection_group_name(self) -> str:
        """The office's protection focal points: they receive and decide protection/PSEA reports
        of the office's ports (and hold ``view_port`` on them)."""
        return f"{PROTECTION_GROUP_PREFIX}{self.code}"

    @property
    def medical_group_name(self) -> str:
        """The office's medical focal points: they read the medical details of the office's
        ports (and hold ``view_port`` on them)."""
        return f"{MEDICAL_GROUP_PREFIX}{self.code}"

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

    # How the arrival steps run here (cases.steps: the optional steps a port may not use).
    class MeetingPoint(models.TextChoices):
        GATE = "gate", "At the gate (jet bridge)"
        HALL = "hall", "In the arrivals hall"

    meeting_point = models.CharField(
        max_length=4,
        choices=MeetingPoint.choices,
        default=MeetingPoint.HALL,
        help_text="Where associates meet arriving refugees; recorded with the Met step.",
    )
    customs_step = models.BooleanField(
        "separate customs step",
        default=True,
        help_text="Off where customs is no separate exit after baggage claim: the tablet then "
        "goes from Bags claimed straight to the outcome.",
    )
    recheck_step = models.BooleanField(
        "bag re-check step",
        default=True,
        help_text="Off where connecting bags need no re-check after customs.",
    )
    boarding_pass_step = models.BooleanField(
        "boarding pass step",
        default=True,
        help_text="Off where connecting travellers always arrive with their domestic boarding "
        "pass.",
    )
    security_step = models.BooleanField(
        "security step",
        default=True,
        help_text="Off where connecting travellers reach the domestic gate without a TSA "
        "checkpoint.",
    )
    # Staffing (staffing.queries.coverage): rostered staff against projected arrivals.
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
            (
                "manage_port",
                "Can manage staff, credentials, vendors, contacts and on-call at the port",
            ),
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
