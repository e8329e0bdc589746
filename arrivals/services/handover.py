"""Handing an unaccompanied minor over: the custody record and the step, in one action."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from arrivals.services import checkin
from cases.models import Individual
from cases.models.bookings import CustodyHandover
from cases.services.custody import Party, record_handover
from cases.steps import ArrivalStep, refusal_reason, skipped_at
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_scoped_or_404


def hand_over_minor(
    user: Any,
    port: Port,
    individual_id: int,
    *,
    from_party: Party,
    to_party: Party,
    place: str,
    idempotency_key: str,
    device: str = "",
) -> tuple[CustodyHandover, checkin.StepResult]:
    """Record the handover of a minor to a named receiver and mark them handed over, together:
    both or neither."""
    person = get_scoped_or_404(
        Individual.objects.select_related("case__port").filter(case__port=port),
        user,
        OPERATE,
        via="case__port",
        pk=individual_id,
    )
    if to_party.kind not in {CustodyHandover.Party.ESCORT, CustodyHandover.Party.AGENCY}:
        raise Refusal(
            "To: a minor is handed over to an escort or an agency representative, not kept by "
            "IOM staff."
        )
    earlier = CustodyHandover.objects.filter(idempotency_key=f"{idempotency_key}:custody").first()
    if earlier is not None:  # a double submit: answered with what the first one did
        if earlier.individual_id != person.pk:
            raise Refusal("This form was already used for someone else; reload the page.")
        step = checkin.move_individual(
            user,
            person.pk,
            ArrivalStep.HANDED_OVER,
            idempotency_key=idempotency_key,
            device=device,
            port=port,
        )
        return earlier, step
    with transaction.atomic():
        reason = refusal_reason(person.current_step, ArrivalStep.HANDED_OVER, skipped_at(port))
        if reason:
            raise Refusal(reason)
        saved = record_handover(
            user,
            person.case,
            subject=CustodyHandover.Subject.MINOR,
            individual=person,
            from_party=from_party,
            to_party=to_party,
            place=place,
            idempotency_key=f"{idempotency_key}:custody",
        )
        result = checkin.move_individual(
            user,
            person.pk,
            ArrivalStep.HANDED_OVER,
            idempotency_key=idempotency_key,
            device=device,
            port=port,
        )
        if not result.accepted:
            raise Refusal(result.message)
    return saved.obj, result
