"""Who receives a case, as staff set it: the agency office the case goes to, its U.S. ties, the
receiver it is expected to be handed to, and each person's programme status.

What protects a minor is not undone by anyone on the tablet: for a case with a URM or separated
minor, only an officer of the port sets or changes the expected receiver, and only an officer
takes someone out of URM or separated status — each with a reason, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from cases.models import (
    CUSTODY_STATUSES,
    MINOR_STATUSES,
    AgencyOffice,
    Case,
    ExpectedReceiver,
    Individual,
    ProgrammeStatus,
    USTie,
)
from poe_ops.keys import Saved, check_key, once
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE, SUPERVISE
from poe_ops.scoping import User, has_port_perm, require_port_perm, signed_in
from poe_ops.services.audit import changed_fields, log_action


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def programme_status_problem(status: str, born: dt.date | None, arrival: dt.date) -> str:
    """Why a person cannot have ``status``; empty when they can. A URM (and a separated or
    accompanied minor) is under 18 on the day they arrive, with a date of birth on record."""
    if status not in MINOR_STATUSES:
        return ""
    label = ProgrammeStatus(status).label
    if born is None:
        return f"{label} needs a date of birth: record it first (the person must be under 18)."
    age = age_on(born, arrival)
    if age >= 18:
        return (
            f"{label} is only for someone under 18 on arrival; born {born:%Y-%m-%d}, they are "
            f"{age} on {arrival:%d %b %Y}."
        )
    return ""


def _custody_case(case: Case) -> bool:
    return case.individuals.filter(programme_status__in=CUSTODY_STATUSES).exists()


def set_programme_status(
    user: User, person: Individual, status: str, *, arrival: dt.date, reason: str = ""
) -> Individual:
    """Set ``person``'s programme status. ``arrival``: the day they arrive at the POE (the
    inbound flight's date, or today). Taking a URM or separated minor out of that status is
    an officer's decision, with a reason."""
    port = person.case.port
    require_port_perm(user, port, OPERATE)
    if status not in ProgrammeStatus.values:
        raise Refusal("Programme status: choose one of the list.", field="programme_status")
    problem = programme_status_problem(status, person.date_of_birth, arrival)
    if problem:
        raise Refusal(problem, field="programme_status", code="not_a_minor")
    releasing = person.programme_status in CUSTODY_STATUSES and status not in CUSTODY_STATUSES
    if releasing:
        if not has_port_perm(user, port, SUPERVISE):
            raise Refusal(
                f"{person} is a {person.get_programme_status_display()}: only an officer of the "
                "port can change that, with a reason.",
                code="officer_only",
            )
        if not reason.strip():
            raise Refusal("Reason: say why the minor is no longer in that status.", field="reason")
    with transaction.atomic():
        locked = Individual.objects.select_for_update().get(pk=person.pk)
        before = locked.programme_status
        if before == status:
            return locked
        locked.programme_status = status
        locked.save(update_fields=["programme_status"])
        log_action(
            user,
            "poe.individual.programme_status",
            locked,
            port=port,
            changes={"programme_status": [before, status]},
            data={"reason": reason.strip()} if reason.strip() else None,
        )
    return locked


def set_agency_office(user: User, case: Case, office: AgencyOffice | None) -> Case:
    """The agency office that receives the case (and is told about it). An inactive office is
    offered nowhere; the one the case has stays possible."""
    require_port_perm(user, case.port, OPERATE)
    if office is not None and not office.usable and office.pk != case.agency_office_id:
        raise Refusal(f"{office} is no longer active; choose another office.")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        before = locked.agency_office_id
        after = office.pk if office else None
        if before != after:
            locked.agency_office = office
            locked.save(update_fields=["agency_office", "updated_at"])
            log_action(
                user,
                "poe.case.agency_office",
                locked,
                port=case.port,
                changes={"agency_office": [before, after]},
                data={"office": str(office) if office else ""},
            )
    return locked


def add_us_tie(
    user: User,
    case: Case,
    *,
    name: str,
    relationship: str,
    phone: str,
    idempotency_key: str,
    city: str = "",
) -> Saved[USTie]:
    """A relative in the United States who receives the case."""
    require_port_perm(user, case.port, OPERATE)
    check_key(idempotency_key)
    if not name.strip():
        raise Refusal("Name: who is the U.S. tie?", field="name")
    if not relationship.strip():
        raise Refusal("Relationship: how are they related?", field="relationship")
    if sum(c.isdigit() for c in phone) < 7:
        raise Refusal("Phone: a number where they can be reached.", field="phone")
    tie = USTie(
        case=case,
        name=name.strip(),
        relationship=relationship.strip(),
        phone=phone.strip(),
        city=city.strip(),
        source=USTie.Source.STAFF,
        idempotency_key=idempotency_key,
        added_by=signed_in(user),
    )

    def then(tie: USTie) -> None:
        log_action(
            user,
            "poe.case.us_tie.added",
            case,
            data={"us_tie": tie.pk, "name": tie.name, "relationship": tie.relationship},
        )

    with transaction.atomic():
        return once(tie, then, matches=lambda first: first.case_id == case.pk)


def set_expected_receiver(
    user: User,
    case: Case,
    *,
    kind: str,
    name: str = "",
    agency_office: AgencyOffice | None = None,
    phone: str = "",
    us_tie: USTie | None = None,
    reason: str = "",
) -> ExpectedReceiver:
    """Whom the case is to be handed to: an agency worker of ``agency_office``, or the case's
    ``us_tie``. For a case with a URM or separated minor: an officer only, with a reason."""
    require_port_perm(user, case.port, OPERATE)
    if _custody_case(case):
        if not has_port_perm(user, case.port, SUPERVISE):
            raise Refusal(
                f"Case {case.case_number} has a URM or separated minor: only an officer of the "
                "port sets or changes whom they are handed to.",
                code="officer_only",
            )
        if not reason.strip():
            raise Refusal(
                "Reason: say why (a minor's receiver comes from the programme).", field="reason"
            )
    if kind == ExpectedReceiver.Kind.AGENCY:
        if agency_office is None or not name.strip():
            raise Refusal("Name the agency worker and choose their office.", field="name")
        values = {
            "name": name.strip(),
            "organisation": agency_office.name,
            "phone": phone.strip(),
            "agency_office": agency_office,
            "us_tie": None,
        }
    elif kind == ExpectedReceiver.Kind.US_TIE:
        if us_tie is None or us_tie.case_id != case.pk:
            raise Refusal("Choose one of the case's U.S. ties.", field="us_tie")
        values = {
            "name": us_tie.name,
            "organisation": us_tie.relationship,
            "phone": us_tie.phone,
            "agency_office": None,
            "us_tie": us_tie,
        }
    else:
        raise Refusal("Who receives the case: an agency worker or a U.S. tie.", field="kind")
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        current = ExpectedReceiver.objects.filter(case=case).first()
        fields = ("kind", "name", "organisation", "phone", "agency_office", "us_tie")
        before = {f: getattr(current, f) for f in fields} if current else {}
        receiver = current or ExpectedReceiver(case=case)
        receiver.kind = kind
        for field, value in values.items():
            setattr(receiver, field, value)
        receiver.source = USTie.Source.STAFF
        receiver.reason = reason.strip()[:300]
        receiver.set_by = signed_in(user)
        receiver.set_at = timezone.now()
        changes = changed_fields(before, {f: getattr(receiver, f) for f in fields})
        if changes:
            receiver.save()
            log_action(
                user,
                "poe.case.expected_receiver",
                case,
                changes=changes,
                data={"reason": receiver.reason} if receiver.reason else None,
            )
    return receiver
