"""The chain of custody of unaccompanied minors and of documents held in the IOM bag: who handed
them to whom, when and where."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.models import Case, Individual
from cases.models.bookings import CustodyHandover
from cases.queries.escorts import is_minor
from cases.steps import ArrivalStep
from poe_ops.keys import Saved, check_key, once
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import log_action


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
    check_key(idempotency_key)
    if subject not in CustodyHandover.Subject.values:
        raise Refusal("Handover of: a minor or documents held in custody.")
    if individual is not None:
        case.members([individual])
    if subject == CustodyHandover.Subject.MINOR:
        if individual is None:
            raise Refusal("Choose the minor who is handed over.")
        if not is_minor(individual):
            raise Refusal(f"{individual} is not recorded as an unaccompanied minor.")
    for label, party in (("From", from_party), ("To", to_party)):
        if party.kind not in CustodyHandover.Party.values:
            raise Refusal(f"{label}: IOM staff, escort or agency representative.")
        if not party.name.strip():
            raise Refusal(f"{label}: name the person.")
    if not to_party.organisation.strip():
        raise Refusal("To: name the receiving person's organisation.")
    if not place.strip():
        raise Refusal("Place: where did the handover happen?")
    when = at or timezone.now()
    if when > timezone.now() + dt.timedelta(minutes=5):
        raise Refusal("Time: a handover cannot be recorded in the future.")
    actor = signed_in(user)

    handover = CustodyHandover(
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

    def then(handover: CustodyHandover) -> None:
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

    with transaction.atomic():
        return once(handover, then, matches=lambda first: first.case_id == case.pk)


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


MINOR_NEEDS_RECEIVER = (
    "An unaccompanied minor cannot be marked handed over until the receiving person is named: "
    "record the custody handover (who receives the minor, their organisation, where)."
)


def custody_refusal(person: Individual, to_step: str) -> str:
    """Why the move would leave a minor in nobody's custody; empty otherwise. Asks the database
    only for unaccompanied minors being handed over."""
    if to_step != ArrivalStep.HANDED_OVER or not is_minor(person):
        return ""
    return "" if named_receiver(person) is not None else MINOR_NEEDS_RECEIVER
