"""What the POE books and arranges for a case after CBP: vendors (hotels, ground transport,
interpreters) and what associates think of them, hotel bookings with meal orders, ground
transport and escorts. The chain of custody is in ``cases.models.custody``.

Registered with the ``cases`` app by ``cases.models`` (imported at its end)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from cases.models.cases import Case, Individual
from poe_ops.constraints import FieldCheck
from poe_ops.models import Port


def money(name: str) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        name,
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="US dollars.",
    )


class Vendor(models.Model):
    """A hotel, ground-transport company, interpreter service or meal provider a port works
    with. What it charges is in its ``rates`` (``VendorRate``)."""

    class Kind(models.TextChoices):
        HOTEL = "hotel", "Hotel"
        GROUND_TRANSPORT = "ground_transport", "Ground transport"
        INTERPRETER = "interpreter", "Interpreter service"
        MEAL_PROVIDER = "meal_provider", "Meal provider"

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="vendors")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    name = models.CharField(max_length=120)
    contact_name = models.CharField(max_length=120, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    address = models.CharField(max_length=250, blank=True)
    contracted_rates = models.TextField(
        "contract notes",
        blank=True,
        help_text="Terms beyond the prices (cancellation, shuttle…). Prices are rates below.",
    )
    active = models.BooleanField(default=True)
    # The add form's key: a double submit makes one (``poe_ops.keys``). Empty for rows made
    # before keys, or in the admin.
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["port", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["port", "name"], name="vendor_unique_name_per_port")
        ]

    def __str__(self) -> str:
        return self.name


class VendorRate(models.Model):
    """A price contracted with a vendor, from ``valid_from`` to ``valid_until`` (inclusive;
    open-ended when empty). Booking costs are computed from the rate valid on each day
    (``cases.queries.rates``); a vendor has one rate of a unit on any day."""

    class Unit(models.TextChoices):
        ROOM_NIGHT = "room_night", "Room, per night"
        MEAL = "meal", "Meal, per person"
        RIDE = "ride", "Ride, per trip"
        INTERPRETER_HOUR = "interpreter_hour", "Interpreter, per hour"

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="rates")
    unit = models.CharField(max_length=16, choices=Unit.choices)
    amount = money("amount")
    valid_from = models.DateField("valid from")
    valid_until = models.DateField("valid until", null=True, blank=True)
    notes = models.CharField(max_length=200, blank=True)
    # The add form's key: a double submit makes one (``poe_ops.keys``). Empty for rows made
    # before keys, or in the admin.
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["vendor", "unit", "-valid_from"]
        indexes = [models.Index(fields=["vendor", "unit", "valid_from"])]
        constraints = [
            FieldCheck(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="rate_ends_after_it_starts",
                field="valid_until",
                violation_error_message="The rate ends before it starts.",
            ),
            FieldCheck(
                condition=models.Q(amount__gt=0),
                name="rate_is_positive",
                field="amount",
                violation_error_message="A rate is more than $0.",
            ),
        ]

    def __str__(self) -> str:
        until = f"{self.valid_until:%d %b %Y}" if self.valid_until else "further notice"
        return (
            f"{self.get_unit_display()}: ${self.amount} from {self.valid_from:%d %b %Y} "
            f"until {until}"
        )

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


# Which units a vendor of each kind charges in.
UNITS_OF_KIND: dict[str, tuple[str, ...]] = {
    Vendor.Kind.HOTEL: (VendorRate.Unit.ROOM_NIGHT, VendorRate.Unit.MEAL),
    Vendor.Kind.GROUND_TRANSPORT: (VendorRate.Unit.RIDE,),
    Vendor.Kind.INTERPRETER: (VendorRate.Unit.INTERPRETER_HOUR,),
    Vendor.Kind.MEAL_PROVIDER: (VendorRate.Unit.MEAL,),
}


class Booking(models.Model):
    """What bookings share: status, cost and who booked it.

    ``cost`` is what is paid. ``computed_cost`` is what the vendor's contracted rates gave
    (empty when no rate covered it); when the two differ, ``cost_override_reason`` says why.
    ``idempotency_key`` comes from the form: a double submit makes one booking."""

    cost = money("cost")
    computed_cost = models.DecimalField(
        "cost from the contracted rates", max_digits=10, decimal_places=2, null=True, blank=True
    )
    cost_override_reason = models.CharField(
        "why the cost differs from the rates", max_length=300, blank=True
    )
    notes = models.TextField(blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class HotelBooking(Booking):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        CHECKED_IN = "checked_in", "Checked in"
        CHECKED_OUT = "checked_out", "Checked out"
        CANCELLED = "cancelled", "Cancelled"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="hotel_bookings")
    individuals = models.ManyToManyField(
        Individual, blank=True, related_name="hotel_bookings", help_text="Empty: the whole case."
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="hotel_bookings", verbose_name="hotel"
    )
    check_in = models.DateField("check-in date")
    nights = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    rooms = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    accessible_room = models.BooleanField(default=False)
    crib = models.BooleanField(default=False)
    meal_cost = money("meal cost")
    computed_meal_cost = models.DecimalField(
        "meal cost from the contracted rates",
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
    )
    meal_cost_override_reason = models.CharField(
        "why the meal cost differs from the rates", max_length=300, blank=True
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)

    class Meta:
        ordering = ["-check_in", "-id"]
        constraints = [
            FieldCheck(
                condition=models.Q(nights__gte=1),
                name="hotel_nights_min",
                field="nights",
                violation_error_message="A hotel booking is for at least one night.",
            ),
            FieldCheck(
                condition=models.Q(rooms__gte=1),
                name="hotel_rooms_min",
                field="rooms",
                violation_error_message="A hotel booking is for at least one room.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor} · case {self.case} · {self.check_in:%d %b}"

    @property
    def check_out(self) -> dt.date:
        return self.check_in + dt.timedelta(days=self.nights)


class MealOrder(models.Model):
    """One person's meals during a hotel stay."""

    class Meal(models.TextChoices):
        REGULAR = "regular", "Regular"
        HALAL = "halal", "Halal"
        VEGETARIAN = "vegetarian", "Vegetarian"
        CHILD = "child", "Child"
        DIABETIC = "diabetic", "Diabetic"
        KOSHER = "kosher", "Kosher"
        SOFT = "soft", "Soft / bland"
        NONE = "none", "No meals"

    booking = models.ForeignKey(HotelBooking, on_delete=models.CASCADE, related_name="meals")
    individual = models.ForeignKey(Individual, on_delete=models.PROTECT, related_name="+")
    meal = models.CharField(max_length=12, choices=Meal.choices, default=Meal.REGULAR)
    count = models.PositiveSmallIntegerField(
        "meals", default=3, validators=[MaxValueValidator(60)], help_text="Over the whole stay."
    )
    allergies = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["booking", "individual__person_number"]
        constraints = [
            models.UniqueConstraint(fields=["booking", "individual"], name="one_meal_order_each")
        ]

    def __str__(self) -> str:
        return f"{self.individual}: {self.count} × {self.get_meal_display()}"


class GroundTransportBooking(Booking):
    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class DropOff(models.TextChoices):
        DOMESTIC_TERMINAL = "domestic_terminal", "Domestic terminal"
        HOTEL = "hotel", "Hotel"
        FINAL_DESTINATION = "final_destination", "Final destination address"
        AGENCY_OFFICE = "agency_office", "Agency office"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transport_bookings")
    individuals = models.ManyToManyField(
        Individual,
        blank=True,
        related_name="transport_bookings",
        help_text="Empty: the whole case.",
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, related_name="transport_bookings", verbose_name="company"
    )
    pickup_at = models.DateTimeField("pickup time")
    pickup_place = models.CharField(max_length=200)
    dropoff = models.CharField("drop-off", max_length=20, choices=DropOff.choices)
    dropoff_detail = models.CharField(
        "drop-off details", max_length=250, blank=True, help_text="Terminal, hotel or address."
    )
    wheelchair_accessible = models.BooleanField("wheelchair-accessible vehicle", default=False)
    child_seats = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(10)])
    luggage_count = models.PositiveSmallIntegerField(
        "pieces of luggage", default=0, validators=[MaxValueValidator(60)]
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.REQUESTED)

    class Meta:
        ordering = ["pickup_at", "id"]

    def __str__(self) -> str:
        return f"{self.vendor} · case {self.case} · pickup {self.pickup_at:%d %b %H:%M}"


class VendorRating(models.Model):
    """An associate's rating of a vendor's service, after a booking."""

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="ratings")
    hotel_booking = models.ForeignKey(
        HotelBooking, null=True, blank=True, on_delete=models.PROTECT, related_name="ratings"
    )
    transport_booking = models.ForeignKey(
        GroundTransportBooking,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="ratings",
    )
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    rated_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-rated_at"]
        constraints = [
            FieldCheck(
                condition=models.Q(rating__gte=1, rating__lte=5),
                name="rating_one_to_five",
                field="rating",
                violation_error_message="A rating is from 1 (poor) to 5 (excellent).",
            )
        ]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.rating}/5"


class VendorProblem(models.Model):
    """Something that went wrong with a vendor's service; open until an officer resolves it."""

    class Kind(models.TextChoices):
        LATE_PICKUP = "late_pickup", "Late pickup"
        NO_ROOM = "no_room", "No room"
        NO_INTERPRETER = "no_interpreter", "No interpreter"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESOLVED = "resolved", "Resolved"

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="problems")
    hotel_booking = models.ForeignKey(
        HotelBooking, null=True, blank=True, on_delete=models.PROTECT, related_name="problems"
    )
    transport_booking = models.ForeignKey(
        GroundTransportBooking,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="problems",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    description = models.TextField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reported_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)

    class Meta:
        ordering = ["-reported_at"]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.get_kind_display()}"


class EscortAssignment(models.Model):
    """Someone who accompanies people for a leg of the journey or through a handover."""

    class Kind(models.TextChoices):
        IOM_STAFF = "iom_staff", "IOM staff member"
        MEDICAL = "medical", "Medical escort"
        AGENCY = "agency", "Agency representative"

    class Purpose(models.TextChoices):
        LEG = "leg", "A leg of the journey"
        HANDOVER = "handover", "The handover"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="escorts")
    individuals = models.ManyToManyField(Individual, related_name="escorts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=120)
    organisation = models.CharField(max_length=120, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="escort_assignments",
        help_text="When the escort is a POE Ops user (IOM staff).",
    )
    purpose = models.CharField(max_length=10, choices=Purpose.choices, default=Purpose.LEG)
    leg = models.CharField(
        max_length=120, blank=True, help_text="Which leg, e.g. “DL1234 ATL → BOI”."
    )
    idempotency_key = models.CharField(max_length=64, unique=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    assigned_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assigned_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display()})"

    @property
    def port(self) -> Port:
        return self.case.port
