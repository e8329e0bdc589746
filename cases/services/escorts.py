"""Escorts and the chain of custody of minors and of documents held in the IOM bag."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from cases.models import Case, Individual
from cases.models.bookings import EscortAssignment
from poe_ops.keys import Saved, check_key, once
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import log_action

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
    check_key(idempotency_key)
    if kind not in EscortAssignment.Kind.values:
        raise Refusal("Escort: choose IOM staff, medical escort or agency representative.")
    if purpose not in EscortAssignment.Purpose.values:
        raise Refusal("Escort for: a leg of the journey or the handover.")
    if escort_user is not None:
        name = name.strip() or str(escort_user.get_full_name() or escort_user.get_username())
    if not name.strip():
        raise Refusal("Escort name: who is it?")
    if kind == EscortAssignment.Kind.AGENCY and not organisation.strip():
        raise Refusal("Organisation: which agency does the representative work for?")
    people = case.members(individuals)
    if not people:
        raise Refusal("Choose who the escort accompanies.")
    actor = signed_in(user)

    escort = EscortAssignment(
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

    def then(escort: EscortAssignment) -> None:
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

    with transaction.atomic():
        return once(escort, then, matches=lambda first: first.case_id == case.pk)


# --- custody -----------------------------------------------------------------------------------
