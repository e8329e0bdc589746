"""Who travels: cases (by ABN), the individuals in them, their needs and vulnerabilities."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django_countries.fields import CountryField

from cases import ssr
from cases.steps import STEP_MAX_LENGTH, ArrivalStep
from poe_ops.languages import language_name, validate_language
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.text import fold


class ResettlementAgency(models.Model):
    """One of the national resettlement agencies. Operations HQ keeps the list (``/agencies/``);
    an inactive agency is offered in no list, but the cases that name it still show it."""

    code = models.CharField(
        max_length=16,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,16}$", "Use 2 to 16 capital letters, e.g. IRC.")],
    )
    name = models.CharField(max_length=120)
    active = models.BooleanField(
        default=True, help_text="Inactive: offered in no list; its old cases still show it."
    )
    ended_on = models.DateField(
        "ended federal resettlement on",
        null=True,
        blank=True,
        help_text="When the agency stopped resettling refugees under the federal programme.",
    )
    note = models.CharField(max_length=300, blank=True, help_text="Why it is inactive, in words.")

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "resettlement agencies"

    def __str__(self) -> str:
        return self.code


# A case number is 1–32 letters, digits and hyphens, starting with a letter or a digit
# ("AF260311", "KE-1234567"). It is part of the case page's address (/cases/<number>/) and is
# written into CSV and XLSX exports, so "/" (an unreachable page) and a leading "=", "+", "@"
# (a spreadsheet formula) never get in. docs/abn-manifest.md documents it for the importers.
CASE_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$"
CASE_NUMBER_RULE = (
    "A case number is 1 to 32 letters, digits and hyphens, starting with a letter or a digit "
    "(for example AF260311)."
)
validate_case_number = RegexValidator(CASE_NUMBER_PATTERN, CASE_NUMBER_RULE, code="case_number")


class Case(models.Model):
    """A family or person travelling together, known to the POE through an ABN."""

    class Status(models.TextChoices):
        EXPECTED = "expected", "Expected"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    case_number = models.CharField(
        max_length=32, unique=True, validators=[validate_case_number], help_text=CASE_NUMBER_RULE
    )
    abn_number = models.CharField("ABN number", max_length=32, db_index=True)
    abn_version = models.PositiveIntegerField("ABN version", default=1)
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="cases")
    agency = models.ForeignKey(
        ResettlementAgency,
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        verbose_name="resettlement agency",
    )
    local_affiliate = models.CharField(
        max_length=200, blank=True, help_text="The agency's local office, as the ABN names it."
    )
    agency_office = models.ForeignKey(
        "cases.AgencyOffice",
        on_delete=models.PROTECT,
        related_name="cases",
        null=True,
        blank=True,
        help_text="The local office that receives the case: it is told of the hand-over, "
        "delays, hotel nights, hospital admissions and incidents.",
    )
    final_destination = models.CharField(
        max_length=200, blank=True, help_text="City and state, e.g. Boise, ID."
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.EXPECTED)
    notes = models.TextField(blank=True)
    medical_escort = models.BooleanField(
        "IOM medical escort on board",
        default=False,
        help_text="An IOM medical escort travels with the case (from the ABN).",
    )
    medical_escort_name = models.CharField(max_length=120, blank=True)
    import_warnings = models.JSONField(
        default=list,
        blank=True,
        help_text="What the import that brought the current ABN version warned about: "
        "[{row, column, message, person}].",
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    anonymised_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the retention run removed its people's personal data "
        "(docs/retention.md); the case, its steps and its counts stay.",
    )

    class Meta:
        ordering = ["case_number"]

    def __str__(self) -> str:
        return self.case_number

    def members(self, individuals: Iterable[Individual]) -> list[Individual]:
        """``individuals``, refused unless every one of them belongs to this case."""
        people = list(individuals)
        strangers = [str(p) for p in people if p.case_id != self.pk]
        if strangers:
            raise Refusal(f"Not in case {self.case_number}: {', '.join(strangers)}.")
        return people


class CaseRevision(models.Model):
    """The values a case (and its people) had before a newer ABN version replaced them."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="revisions")
    abn_version = models.PositiveIntegerField()
    values = models.JSONField(help_text="The case's fields and people as they were.")
    replaced_at = models.DateTimeField(default=timezone.now)
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-abn_version", "-replaced_at"]

    def __str__(self) -> str:
        return f"{self.case} v{self.abn_version}"


class ProgrammeStatus(models.TextChoices):
    """What the refugee programme says about a minor, from the ABN or set by staff. Not the
    airline's UMNR service code (``cases.ssr``): a 16-year-old URM may fly without it."""

    NONE = "", "None"
    URM = "urm", "URM (unaccompanied refugee minor)"
    SEPARATED = "separated", "Separated minor"
    ACCOMPANIED = "accompanied", "Accompanied minor"


# Minors (each status is for someone under 18 at arrival, with a date of birth).
MINOR_STATUSES = frozenset(
    {ProgrammeStatus.URM, ProgrammeStatus.SEPARATED, ProgrammeStatus.ACCOMPANIED}
)
# Handed over only to the expected receiver, with both signatures (cases.services.custody).
CUSTODY_STATUSES = frozenset({ProgrammeStatus.URM, ProgrammeStatus.SEPARATED})
# Travel with an escort from the POE (cases.queries.escorts): nobody of their own is with them.
ESCORT_STATUSES = frozenset({ProgrammeStatus.URM})


def validate_ssr_codes(value: Any) -> None:
    """A list of codes. Codes the vocabulary (``cases.ssr``) does not know are kept as the
    manifest gave them, so only their shape is checked here."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Special service codes must be a list of codes.")
    malformed = [v for v in value if not ssr.CODE_PATTERN.match(v)]
    if malformed:
        raise ValidationError(f"Not special service codes: {', '.join(malformed)}.")


def validate_a_number(value: str) -> None:
    if value and not A_NUMBER.match(value):
        raise ValidationError("An A-number is A followed by nine digits, e.g. A012345678.")


A_NUMBER = re.compile(r"^A[0-9]{9}$")


class ImmigrationCategory(models.TextChoices):
    REFUGEE = "refugee", "Refugee"
    SIV = "siv", "Special immigrant visa (SIV)"
    PAROLEE = "parolee", "Parolee"
    FOLLOW_TO_JOIN = "follow_to_join", "Follow-to-join"


class TBClass(models.TextChoices):
    """The panel physician's tuberculosis classification (CDC)."""

    A = "A", "Class A"
    B0 = "B0", "Class B0"
    B1 = "B1", "Class B1"
    B2 = "B2", "Class B2"
    B3 = "B3", "Class B3"


class Individual(models.Model):
    """A person in a case. Never logs in; their data is sensitive and every view is audited."""

    class Sex(models.TextChoices):
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        OTHER = "X", "Unspecified"

    class Relationship(models.TextChoices):
        PRINCIPAL = "PA", "Principal applicant"
        SPOUSE = "SP", "Spouse"
        CHILD = "CH", "Child"
        PARENT = "PR", "Parent"
        SIBLING = "SB", "Sibling"
        GRANDCHILD = "GC", "Grandchild"
        OTHER = "OT", "Other relative"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="individuals")
    person_number = models.CharField(
        max_length=32, help_text="The person's identifier on the ABN, stable across versions."
    )
    given_names = models.CharField(max_length=120)
    surname = models.CharField(max_length=120)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, blank=True)
    nationality = CountryField(blank=True)
    primary_language = models.CharField(
        max_length=3, blank=True, validators=[validate_language], help_text="ISO 639 code."
    )
    interpreter_needed = models.BooleanField(default=False)
    relationship = models.CharField(
        "relationship to principal applicant",
        max_length=2,
        choices=Relationship.choices,
        default=Relationship.PRINCIPAL,
    )
    document_in_custody = models.BooleanField(
        "travel document held in custody", default=False, help_text="Carried in the IOM bag."
    )
    ssr_codes = models.JSONField(
        "special service codes", default=list, blank=True, validators=[validate_ssr_codes]
    )
    programme_status = models.CharField(
        max_length=12,
        choices=ProgrammeStatus.choices,
        default=ProgrammeStatus.NONE,
        blank=True,
        db_index=True,
        help_text="URM, separated or accompanied minor, as the programme says; not the "
        "airline's UMNR code.",
    )
    medical = models.BooleanField(default=False)
    pregnancy = models.BooleanField(default=False)
    elderly = models.BooleanField(default=False)
    single_parent = models.BooleanField(default=False)
    other_vulnerability = models.BooleanField("other vulnerability", default=False)
    vulnerability_notes = models.TextField(blank=True)
    medical_notes = models.TextField(
        blank=True,
        help_text="Medical details (conditions, medication, escort needs). Read only by the "
        "port's officers, the medical focal point and Operations HQ; every read is audited.",
    )

    # The travel packet: the person's papers, as the ABN gives them.
    a_number = models.CharField(
        "A-number",
        max_length=10,
        blank=True,
        db_index=True,
        validators=[validate_a_number],
        help_text="Alien registration number: A and nine digits.",
    )
    immigration_category = models.CharField(
        max_length=16, choices=ImmigrationCategory.choices, blank=True
    )
    tb_class = models.CharField("TB class", max_length=2, choices=TBClass.choices, blank=True)
    tb_followup = models.BooleanField(
        "TB follow-up needed", default=False, help_text="At the destination, after arrival."
    )
    removed_in_version = models.PositiveIntegerField(
        "not on ABN version",
        null=True,
        blank=True,
        help_text="The ABN version that no longer lists this person: kept, with their history, "
        "and left out of the day's lists.",
    )

    # Derived from the step events (arrivals.StepEvent) and kept in sync for fast lists. Not
    # indexed: every list reads it for a case, a flight or a port's day, never alone, and a tap
    # that changes no indexed column is a HOT update (no index touched: cases 0014).
    current_step = models.CharField(
        max_length=STEP_MAX_LENGTH,
        choices=ArrivalStep.choices,
        default=ArrivalStep.EXPECTED,
    )
    current_step_at = models.DateTimeField(null=True, blank=True)
    name_folded = models.CharField(max_length=250, editable=False, db_index=True)

    class Meta:
        ordering = ["case", "person_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "person_number"], name="individual_unique_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"{self.given_names} {self.surname}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.name_folded = fold(f"{self.given_names} {self.surname}")
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"given_names", "surname"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "name_folded"}
        super().save(*args, **kwargs)

    @property
    def needs_custody(self) -> bool:
        """A URM or separated minor: handed over only to the expected receiver, with both
        signatures."""
        return self.programme_status in CUSTODY_STATUSES

    @property
    def needs_wheelchair(self) -> bool:
        return ssr.has_wheelchair(self.ssr_codes)

    @property
    def service_codes(self) -> list[tuple[str, str, bool]]:
        """``(code, what it means, known)`` for each special service code, as given."""
        return [(c, ssr.describe(c), ssr.is_known(c)) for c in self.ssr_codes]

    @property
    def on_current_version(self) -> bool:
        return self.removed_in_version is None

    @property
    def language_name(self) -> str:
        return language_name(self.primary_language)

    @property
    def flags(self) -> list[str]:
        """Short labels for the needs an associate must see at a glance."""
        labels = []
        if self.programme_status == ProgrammeStatus.URM:
            labels.append("URM")
        elif self.programme_status == ProgrammeStatus.SEPARATED:
            labels.append("Separated minor")
        labels += list(self.ssr_codes)
        if self.medical and not ssr.has_medical(self.ssr_codes):
            labels.append("Medical")
        for flag, label in (
            (self.pregnancy, "Pregnant"),
            (self.elderly, "Elderly"),
            (self.single_parent, "Single parent"),
            (self.other_vulnerability, "Vulnerable"),
        ):
            if flag:
                labels.append(label)
        if self.interpreter_needed:
            labels.append(f"Interpreter: {self.language_name or '?'}")
        return labels
