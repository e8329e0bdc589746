"""Escorts and the chain of custody of minors and of documents held in the IOM bag."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.booking_common import (
    BookingError,
    Saved,
    User,
    _actor,
    _check_key,
    _once,
    _people,
)
from cases.bookings import (
    CustodyHandover,
    EscortAssignment,
)
from cases.models import SSR, ArrivalStep, Case, Individual
from poe_ops.roles import OPERATE
from poe_ops.scoping import require_port_perm
from poe_ops.services.audit import log_action

ESCORT_CODES = frozenset({SSR.UMNR, SSR.MEDA, SSR.STCR})
# Past these steps the person no longer needs an escort from the POE (or is not here).
ESCORT_SETTLED = frozenset(
    {ArrivalStep.CONNECTED, ArrivalStep.HANDED_OVER, ArrivalStep.NO_SHOW, ArrivalStep.REBOOKED}
)


def needs_escort(person: Mapping[str, Any]) -> bool:
    """From the cached flags alone (no query): a minor travelling alone or a MEDA/STCR case."""
    if person["current_step"] in ESCORT_SETTLED:
        return False
    return bool(person["unaccompanied_minor"] or ESCORT_CODES & set(person["ssr_codes"]))


# --- escorts ---------------------------------------------------------------------------------


def assign_escort(
    user: User,
    case: Case,
    *,
    individuals: Sequence[Individual],
    kind: str,
    name: str,
    idempotency_key: str,
    organisation: str = "",
    escort_user: Any = None,
    purpose: str = EscortAssignment.Purpose.LEG,
    leg: str = "",
) -> Saved:
    require_port_perm(user, case.port, OPERATE)
    _check_key(idempotency_key)
    if kind not in EscortAssignment.Kind.values:
        raise BookingError("Escort: choose IOM staff, medical escort or agency representative.")
    if purpose not in EscortAssignment.Purpose.values:
        raise BookingError("Escort for: a leg of the journey or the handover.")
    if escort_user is not None:
        name = name.strip() or str(escort_user.get_full_name() or escort_user.get_username())
    if not name.strip():
        raise BookingError("Escort name: who is it?")
    if kind == EscortAssignment.Kind.AGENCY and not organisation.strip():
        raise BookingError("Organisation: which agency does the representative work for?")
    people = _people(case, individuals)
    if not people:
        raise BookingError("Choose who the escort accompanies.")
    actor = _actor(user)

    def create() -> EscortAssignment:
        escort = EscortAssignment.objects.create(
            case=case,
            kind=kind,
            name=name.strip(),
            organisation=organisation.strip()
            or ("IOM" if kind == EscortAssignment.Kind.IOM_STAFF else ""),
            user=escort_user,
            purpose=purpose,
            leg=leg.strip(),
            idempotency_key=idempotency_key,
            assigned_by=actor,
        )
        escort.individuals.set(people)
        log_action(
            user,
            "poe.escort.assigned",
            case,
            data={
                "escort": escort.pk,
                "kind": kind,
                "name": escort.name,
                "organisation": escort.organisation,
                "people": [p.pk for p in people],
            },
        )
        return escort

    with transaction.atomic():
        return _once(EscortAssignment, idempotency_key, case, create)


# --- custody -----------------------------------------------------------------------------------


@dataclass
class Party:
    kind: str
    name: str
    organisation: str = ""


def record_handover(
    user: User,
    case: Case,
    *,
    subject: str,
    from_party: Party,
    to_party: Party,
    place: str,
    idempotency_key: str,
    individual: Individual | None = None,
    at: dt.datetime | None = None,
) -> Saved:
    """Who handed a minor (or a case's documents in custody) to whom, when and where. The
    receiving party must be named with their organisation: custody is never "nobody"."""
    require_port_perm(user, case.port, OPERATE)
    _check_key(idempotency_key)
    if subject not in CustodyHandover.Subject.values:
        raise BookingError("Handover of: a minor or documents held in custody.")
    if individual is not None:
        _people(case, [individual])
    if subject == CustodyHandover.Subject.MINOR:
        if individual is None:
            raise BookingError("Choose the minor who is handed over.")
        if not (individual.unaccompanied_minor or "UMNR" in individual.ssr_codes):
            raise BookingError(f"{individual} is not recorded as an unaccompanied minor.")
    for label, party in (("From", from_party), ("To", to_party)):
        if party.kind not in CustodyHandover.Party.values:
            raise BookingError(f"{label}: IOM staff, escort or agency representative.")
        if not party.name.strip():
            raise BookingError(f"{label}: name the person.")
    if not to_party.organisation.strip():
        raise BookingError("To: name the receiving person's organisation.")
    if not place.strip():
        raise BookingError("Place: where did the handover happen?")
    when = at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise BookingError("Time: a handover cannot be recorded in the future.")
    actor = _actor(user)

    def create() -> CustodyHandover:
        handover = CustodyHandover.objects.create(
            case=case,
            subject=subject,
            individual=individual,
            from_kind=from_party.kind,
            from_name=from_party.name.strip(),
            from_organisation=from_party.organisation.strip(),
            to_kind=to_party.kind,
            to_name=to_party.name.strip(),
            to_organisation=to_party.organisation.strip(),
            at=when,
            place=place.strip(),
            idempotency_key=idempotency_key,
            recorded_by=actor,
        )
        log_action(
            user,
            "poe.custody.handover",
            individual or case,
            port=case.port,
            data={
                "handover": handover.pk,
                "subject": subject,
                "from": [from_party.kind, handover.from_name, handover.from_organisation],
                "to": [to_party.kind, handover.to_name, handover.to_organisation],
                "place": handover.place,
                "at": when,
            },
        )
        return handover

    with transaction.atomic():
        return _once(CustodyHandover, idempotency_key, case, create)


def named_receiver(individual: Individual) -> CustodyHandover | None:
    """The latest handover of this minor to someone outside the POE team, if any."""
    return (
        CustodyHandover.objects.filter(
            individual=individual,
            subject=CustodyHandover.Subject.MINOR,
            to_kind__in=[CustodyHandover.Party.ESCORT, CustodyHandover.Party.AGENCY],
        )
        .order_by("-at", "-id")
        .first()
    )
