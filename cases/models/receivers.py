"""Who receives a case at the end of the POE's part: the agencies' local offices (kept by
Operations HQ), the relatives in the United States a case has (U.S. ties), and the receiver the
case is expected to be handed to — from the manifest or set by staff.

Registered with the ``cases`` app by ``cases.models`` (imported at its end)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone

from cases.models.cases import Case, ResettlementAgency
from poe_ops.constraints import FieldCheck
from poe_ops.keys import new_key
from poe_ops.models import Port

US_STATE = RegexValidator(r"^[A-Z]{2}$", "Two capital letters, e.g. GA.")


class AgencyOffice(models.Model):
    """A resettlement agency's local office (its "local affiliate"): whom the POE calls, and
    whom it tells of a case's hand-over, delays, hotel nights, hospital admissions and
    incidents. Operations HQ keeps them (``/agencies/``)."""

    agency = models.ForeignKey(ResettlementAgency, on_delete=models.PROTECT, related_name="offices")
    name = models.CharField(max_length=120, help_text="As staff say it, e.g. “IRC Atlanta”.")
    city = models.CharField(max_length=80)
    state = models.CharField(max_length=2, validators=[US_STATE])
    address = models.CharField(max_length=250, blank=True)
    duty_phone = models.CharField("duty phone", max_length=40)
    after_hours_phone = models.CharField(
        "after-hours phone", max_length=40, blank=True, help_text="Nights, weekends, holidays."
    )
    email = models.EmailField(
        blank=True, help_text="Where the POE's messages about the office's cases go."
    )
    notify = models.BooleanField(
        "send this office the POE's messages",
        default=True,
        help_text="Untick if the office asked not to be emailed (it can still be phoned).",
    )
    active = models.BooleanField(
        default=True, help_text="Inactive: offered in no list; its old cases still show it."
    )
    ports = models.ManyToManyField(
        Port,
        blank=True,
        related_name="agency_offices",
        verbose_name="ports of entry it meets cases at",
        help_text="The airports whose arrivals its staff come to receive (the port's contacts).",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="agency_office_unique_name")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def usable(self) -> bool:
        """Offered in lists: the office and its agency are both active."""
        return self.active and self.agency.active


class USTie(models.Model):
    """A relative (or close friend) in the United States who receives the case — the "U.S.
    tie" of the programme."""

    class Source(models.TextChoices):
        MANIFEST = "manifest", "ABN manifest"
        STAFF = "staff", "POE staff"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="us_ties")
    name = models.CharField(max_length=120)
    relationship = models.CharField(
        max_length=60, help_text="To the principal applicant, e.g. “brother”, “aunt”."
    )
    phone = models.CharField(max_length=40)
    city = models.CharField(max_length=120, blank=True, help_text="City and state.")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.STAFF)
    idempotency_key = models.CharField(max_length=64, unique=True, default=new_key)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["case", "added_at", "id"]
        verbose_name = "U.S. tie"
        verbose_name_plural = "U.S. ties"

    def __str__(self) -> str:
        return f"{self.name} ({self.relationship})"


class ExpectedReceiver(models.Model):
    """Whom the case is to be handed to at the POE. A URM or separated minor is handed to this
    person only (or to another on an officer's recorded override)."""

    class Kind(models.TextChoices):
        AGENCY = "agency", "Agency worker"
        US_TIE = "us_tie", "U.S. tie"

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="expected_receiver")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    name = models.CharField(max_length=120)
    organisation = models.CharField(
        "organisation or relationship",
        max_length=120,
        help_text="The agency office, or how a U.S. tie is related.",
    )
    phone = models.CharField(max_length=40, blank=True)
    agency_office = models.ForeignKey(
        AgencyOffice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    us_tie = models.ForeignKey(
        USTie, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source = models.CharField(
        max_length=8, choices=USTie.Source.choices, default=USTie.Source.STAFF
    )
    reason = models.CharField(
        max_length=300, blank=True, help_text="Why staff set or changed it (officers, for minors)."
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            FieldCheck(
                condition=~models.Q(name="") & ~models.Q(organisation=""),
                name="expected_receiver_named",
                field="name",
                violation_error_message="Name the receiver and their organisation.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"
