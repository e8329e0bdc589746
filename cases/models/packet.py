"""The papers a person carries in the IOM bag, as the ABN lists them, and where each one is now:
still carried, taken by CBP at the inspection, or returned to the person.

Registered with the ``cases`` app by ``cases.models`` (imported there)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from cases.models.cases import Individual


class CarriedDocument(models.Model):
    """One document in a person's travel packet. The kinds are a fixed list; anything else is
    ``other`` with the manifest's words in ``description``. The status is set on the case page
    (and by the CBP step) through ``cases.services.travel_packet.set_document_status``."""

    class Kind(models.TextChoices):
        CBP_PACKET = "cbp_packet", "Sealed CBP packet"
        MEDICAL_FORMS = "medical_forms", "Medical forms"
        XRAYS = "xrays", "Chest X-rays"
        VACCINATION_RECORD = "vaccination_record", "Vaccination record"
        TRAVEL_LETTER = "travel_letter", "Travel letter"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        CARRIED = "carried", "In the IOM bag"
        TAKEN_BY_CBP = "taken_by_cbp", "Taken by CBP"
        RETURNED = "returned", "Returned"

    individual = models.ForeignKey(
        Individual, on_delete=models.CASCADE, related_name="carried_documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(
        max_length=200, blank=True, help_text="For “other”: what it is, as the ABN says."
    )
    status = models.CharField(max_length=14, choices=Status.choices, default=Status.CARRIED)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["individual", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["individual", "kind", "description"], name="carried_document_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} of {self.individual}"

    @property
    def label(self) -> str:
        if self.kind == self.Kind.OTHER and self.description:
            return self.description
        return self.get_kind_display()

    @property
    def key(self) -> str:
        """What identifies it on the manifest: the kind, or ``other:<description>``."""
        return f"other:{self.description}" if self.kind == self.Kind.OTHER else self.kind

    @property
    def port(self) -> object:
        return self.individual.case.port
