"""The port's directory of people to call: airport operations, CBP, airlines' station managers,
agencies' local offices, hospitals. (Vendors keep their own phone numbers; the directory lists
both, see ``cases.queries.directory``.)"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from poe_ops.models.ports import Port


class Contact(models.Model):
    class Kind(models.TextChoices):
        AIRPORT = "airport", "Airport operations"
        CBP = "cbp", "CBP"
        AIRLINE = "airline", "Airline station manager"
        AGENCY = "agency", "Agency local office"
        HOSPITAL = "hospital", "Hospital"
        OTHER = "other", "Other"

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="contacts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(
        max_length=120, help_text="A person, or a desk (“CBP passenger operations”)."
    )
    organisation = models.CharField(max_length=120, blank=True)
    role = models.CharField("role or title", max_length=120, blank=True)
    phone = models.CharField(max_length=40)
    after_hours_phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    notes = models.CharField(max_length=300, blank=True)
    active = models.BooleanField(default=True)
    # The add form's key: a double submit makes one (``poe_ops.keys``). Empty for rows made
    # before keys, or in the admin.
    idempotency_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["port", "kind", "organisation", "name"]
        indexes = [models.Index(fields=["port", "active"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name
