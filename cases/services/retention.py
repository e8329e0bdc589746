"""Retention of what ``cases`` holds about people (docs/retention.md): a case closed longer than
its period (``POE_RETENTION_DAYS["case_personal_data"]``) keeps its number, port, status, flags
and counts — what statistics need — and loses names, dates of birth, A-numbers, notes, the names
of the people who received or escorted them (the medical escort's too), its U.S. ties' and
expected receiver's names and phone numbers, the hand-overs' receiver details and signatures,
meal allergies, the import's warnings about its rows and the ABN versions it had before."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from cases.models import (
    Case,
    CaseRevision,
    CustodyHandover,
    EscortAssignment,
    ExpectedReceiver,
    GroundTransportBooking,
    HotelBooking,
    Individual,
    MealOrder,
    USTie,
)
from poe_ops.registry import RetentionRule, register_retention
from poe_ops.services.audit import RETENTION_SCRUBBED, scrub_events
from poe_ops.text import fold

ANONYMISED = "Anonymised"
REMOVED = "(removed)"
REMOVED_DIGITS = "—"  # the last characters of an identity document, at most six
CLOSED = (Case.Status.COMPLETED, Case.Status.CANCELLED)


def cases_due(cutoff: dt.datetime) -> QuerySet[Case]:
    """Closed cases last changed before ``cutoff`` and not yet anonymised. A case has no closing
    time of its own: its last change is when it closed, or later (a later note only delays it)."""
    return Case.objects.filter(status__in=CLOSED, updated_at__lt=cutoff, anonymised_at=None)


def anonymise_cases(ids: list[int], now: dt.datetime) -> int:
    """Remove the personal data of these cases (call inside a transaction)."""
    people = list(Individual.objects.filter(case_id__in=ids).values_list("pk", flat=True))
    Individual.objects.filter(pk__in=people).update(
        given_names="",
        surname=ANONYMISED,
        name_folded=fold(ANONYMISED),
        date_of_birth=None,
        vulnerability_notes="",
        medical_notes="",
        a_number="",
    )
    CaseRevision.objects.filter(case_id__in=ids).delete()
    handovers = CustodyHandover.objects.filter(case_id__in=ids)
    for handover in handovers:
        # The signatures are files in private storage: deleted with the names they stand for.
        # The record keeps their names, so that it still says the hand-over was signed (its
        # constraints require it of a minor's); the signature page then answers 404.
        for signature in (handover.from_signature, handover.to_signature):
            if signature:
                signature.storage.delete(signature.name)
    handovers.update(from_name=REMOVED, to_name=REMOVED)
    # A final receiver or a minor's receiver must stay "identified" (the table's constraints):
    # the values are replaced by a marker there, emptied elsewhere.
    identified = Q(receiver_check="") & Q(of_minor=False)
    handovers.filter(identified).update(to_phone="", to_id_last_digits="")
    handovers.exclude(identified).update(to_phone=REMOVED, to_id_last_digits=REMOVED_DIGITS)
    with_reason = Q(receiver_check__in=["other", "override"])
    handovers.filter(with_reason).update(receiver_reason=REMOVED)
    handovers.exclude(with_reason).update(receiver_reason="")
    ties = list(USTie.objects.filter(case_id__in=ids).values_list("pk", flat=True))
    USTie.objects.filter(pk__in=ties).update(name=REMOVED, phone="", city="")
    receivers = list(ExpectedReceiver.objects.filter(case_id__in=ids).values_list("pk", flat=True))
    ExpectedReceiver.objects.filter(pk__in=receivers).update(name=REMOVED, phone="", reason="")
    scrub_events(CustodyHandover, handovers.values_list("pk", flat=True))
    scrub_events(USTie, ties)
    scrub_events(ExpectedReceiver, receivers)
    EscortAssignment.objects.filter(case_id__in=ids).update(name=REMOVED)
    MealOrder.objects.filter(individual_id__in=people).update(allergies="")
    HotelBooking.objects.filter(case_id__in=ids).update(notes="")
    GroundTransportBooking.objects.filter(case_id__in=ids).update(notes="")
    scrub_events(Individual, people)
    scrub_events(Case, ids)
    return Case.objects.filter(pk__in=ids).update(
        notes="", medical_escort_name="", import_warnings=[], anonymised_at=now
    )


def register() -> None:
    register_retention(
        RetentionRule(
            key="case_personal_data",
            label="Personal data of closed cases",
            does="names, dates of birth, A-numbers, notes, medical notes, receivers' and "
            "escorts' names, U.S. ties' and receivers' phone numbers, hand-over signatures, "
            "import warnings "
            f"and earlier ABN versions removed; the audit log's copies read "
            f"“{RETENTION_SCRUBBED}”; the case, its people, steps and counts stay",
            due=cases_due,
            apply=anonymise_cases,
        )
    )
