"""The chain of custody: people handed from one party to another (a family to a U.S. tie, a URM
to the agency worker expecting her, a minor to the airline at the domestic gate) and the
documents IOM holds for a case, with the receiver identified and, for a URM or separated minor,
both sides' signatures drawn on the tablet.

The database refuses a record that breaks the rules a hand-over lives by (check constraints
below), so no code path — admin, a script, a future screen — can leave a minor with an
unidentified or unsigned receiver. Registered with the ``cases`` app by ``cases.models``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cases.models.cases import Case, Individual
from cases.models.receivers import AgencyOffice, USTie
from poe_ops.constraints import FieldCheck
from poe_ops.models import Port


def signature_path(handover: CustodyHandover, filename: str) -> str:
    """Private storage, never a public URL: served by ``cases:custody_signature`` only."""
    return f"custody/{handover.case_id}/{uuid.uuid4().hex}.png"


class CustodyHandover(models.Model):
    """People, or the documents IOM holds for a case, passing from one party to another."""

    class Subject(models.TextChoices):
        PEOPLE = "people", "People"
        DOCUMENTS = "documents", "Documents held in custody"

    class Party(models.TextChoices):
        STAFF = "staff", "IOM staff"
        ESCORT = "escort", "IOM escort"
        AGENCY = "agency", "Agency worker"
        US_TIE = "us_tie", "U.S. tie"
        AIRLINE = "airline", "Airline (UMNR service)"
        HOSPITAL = "hospital", "Hospital"
        CBP = "cbp", "CBP"

    class IdType(models.TextChoices):
        PASSPORT = "passport", "Passport"
        DRIVERS_LICENSE = "drivers_license", "Driver's license"
        STATE_ID = "state_id", "State ID card"
        GREEN_CARD = "green_card", "Permanent resident card"
        WORK_PERMIT = "work_permit", "Employment authorization card"
        BADGE = "badge", "Employer or agency badge"
        OTHER = "other", "Other photo ID"

    class Check(models.TextChoices):
        """How the receiver of people compares with the case's expected receiver."""

        NONE = "", "Not a final receiver"
        EXPECTED = "expected", "The expected receiver"
        OTHER = "other", "Another receiver, with a reason"
        OVERRIDE = "override", "Another receiver, on an officer's override"

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="custody_handovers")
    subject = models.CharField(max_length=10, choices=Subject.choices)
    individuals = models.ManyToManyField(
        Individual,
        related_name="custody_handovers",
        blank=True,
        help_text="Who was handed over, or whose documents (none: the case's).",
    )
    of_minor = models.BooleanField(
        default=False,
        help_text="A URM or separated minor is among those handed over by IOM to someone "
        "outside it: both sides sign, the receiver is identified, and an agency worker or U.S. "
        "tie must be the expected receiver (or an officer overrode).",
    )
    from_kind = models.CharField("from", max_length=8, choices=Party.choices)
    from_name = models.CharField(max_length=120)
    from_organisation = models.CharField(max_length=120, blank=True)
    to_kind = models.CharField("to", max_length=8, choices=Party.choices)
    to_name = models.CharField(max_length=120)
    to_organisation = models.CharField(
        "to: organisation or relationship",
        max_length=120,
        help_text="The receiver's organisation, or how a U.S. tie is related.",
    )
    to_phone = models.CharField("to: phone", max_length=40, blank=True)
    to_id_type = models.CharField(
        "to: identity document", max_length=16, choices=IdType.choices, blank=True
    )
    to_id_last_digits = models.CharField(
        "to: last characters of the document's number",
        max_length=6,
        blank=True,
        help_text="Never the whole number.",
    )
    agency_office = models.ForeignKey(
        AgencyOffice, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    us_tie = models.ForeignKey(
        USTie, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    receiver_check = models.CharField(
        max_length=8, choices=Check.choices, default=Check.NONE, blank=True
    )
    receiver_reason = models.CharField(
        "why this receiver",
        max_length=300,
        blank=True,
        help_text="When the receiver is not the expected one.",
    )
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The officer who authorised a minor's hand-over to another receiver.",
    )
    from_signature = models.FileField(upload_to=signature_path, max_length=200, blank=True)
    to_signature = models.FileField(upload_to=signature_path, max_length=200, blank=True)
    at = models.DateTimeField(default=timezone.now)
    place = models.CharField(max_length=200)
    idempotency_key = models.CharField(max_length=64, unique=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        constraints = [
            FieldCheck(
                condition=~Q(to_name="") & ~Q(to_organisation=""),
                name="custody_names_the_receiver",
                field="to_name",
                violation_error_message="Say who received them: a name and an organisation.",
            ),
            # A final receiver, and anyone receiving a minor from IOM, is identified and
            # reachable. (Hand-overs recorded before this rule carry no check and no minor.)
            FieldCheck(
                condition=(Q(receiver_check="") & Q(of_minor=False))
                | (~Q(to_id_type="") & ~Q(to_id_last_digits="") & ~Q(to_phone="")),
                name="custody_identifies_the_receiver",
                field="to_id_last_digits",
                violation_error_message=(
                    "The receiver's ID (its type and last digits) and phone number are needed."
                ),
            ),
            FieldCheck(
                condition=Q(of_minor=False) | (~Q(from_signature="") & ~Q(to_signature="")),
                name="custody_of_a_minor_is_signed",
                field="to_signature",
                violation_error_message="A minor is handed over with both signatures.",
            ),
            FieldCheck(
                condition=Q(of_minor=False)
                | ~Q(to_kind__in=["agency", "us_tie"])
                | Q(receiver_check="expected")
                | (Q(receiver_check="override") & Q(override_by__isnull=False)),
                name="custody_of_a_minor_to_the_expected_receiver",
                field="receiver_check",
                violation_error_message=(
                    "A minor goes to the expected receiver, or to another one an officer"
                    " authorised."
                ),
            ),
            FieldCheck(
                condition=~Q(receiver_check__in=["other", "override"]) | ~Q(receiver_reason=""),
                name="custody_another_receiver_has_a_reason",
                field="receiver_reason",
                violation_error_message=(
                    "Say why someone other than the expected receiver took them."
                ),
            ),
        ]

    def __str__(self) -> str:
        what = "documents" if self.subject == self.Subject.DOCUMENTS else "people"
        return f"Case {self.case_id} {what}: {self.from_name} → {self.to_name}"

    @property
    def port(self) -> Port:
        return self.case.port

    @property
    def signed(self) -> bool:
        return bool(self.from_signature and self.to_signature)


# Who may receive people at the end of the POE's part ("handed over").
FINAL_RECEIVERS = frozenset({CustodyHandover.Party.AGENCY, CustodyHandover.Party.US_TIE})
# Who takes a URM or separated minor on from the POE when they leave on a domestic flight.
ONWARD_RECEIVERS = frozenset({CustodyHandover.Party.AIRLINE, CustodyHandover.Party.ESCORT})
