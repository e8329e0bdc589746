"""Handing people over at the end of the POE's part — a family to their U.S. tie, a URM to the
agency worker expecting her: the custody record naming the receiver, everyone's "handed over"
step and the agency office's confirmation, in one transaction (all or nothing).

The receiver rules (identity, the expected receiver, signatures for minors) are
``cases.services.custody``'s; this module adds the steps and the message."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from arrivals.services import agency_notices, checkin
from arrivals.services.locks import lock_case_and_people
from arrivals.services.step_events import StepResult
from cases.models import Case, CustodyHandover
from cases.services.custody import (
    EXPECTED_RECEIVER,
    UNSIGNED,
    Giver,
    Receiver,
    ReceiverChoice,
    Signatures,
    discard_signatures,
    record_handover,
)
from cases.steps import ArrivalStep, refusal_reason, skipped_at
from poe_ops.keys import check_key, derive
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import get_scoped_or_404


@dataclass
class HandOver:
    handover: CustodyHandover
    moved: list[StepResult] = field(default_factory=list)
    repeated: bool = False

    @property
    def message(self) -> str:
        names = ", ".join(str(r.individual) for r in self.moved)
        return f"Handed over to {self.handover.to_name}: {names}."


def hand_over(
    user: Any,
    port: Port,
    case_id: int,
    *,
    individual_ids: Collection[int],
    receiver: Receiver,
    giver: Giver,
    place: str,
    idempotency_key: str,
    choice: ReceiverChoice = EXPECTED_RECEIVER,
    signatures: Signatures = UNSIGNED,
    at: dt.datetime | None = None,
    device: str = "",
) -> HandOver:
    """Hand the case's people ``individual_ids`` to ``receiver``: record the hand-over, move each
    of them to "handed over" and tell the case's agency office — all or none. A person not
    yet through CBP (or already gone) is refused by name; a repeated key returns the first
    hand-over and its steps."""
    check_key(idempotency_key)
    case = get_scoped_or_404(Case.objects.filter(port=port), user, OPERATE, via="port", pk=case_id)
    custody_key = derive(idempotency_key, "custody")
    earlier = CustodyHandover.objects.filter(idempotency_key=custody_key).first()
    if earlier is not None:
        return _repeat(user, port, case, earlier, idempotency_key, device)
    saved = None
    try:
        with transaction.atomic():
            case, everyone = lock_case_and_people(case.pk)
            people = [p for p in everyone if p.pk in set(individual_ids)]
            if not people or len(people) != len(set(individual_ids)):
                raise Refusal(
                    f"Choose who is handed over, among the people of case {case.case_number}.",
                    field="individuals",
                )
            skipped = skipped_at(port)
            waiting = [
                f"{p}: {reason}"
                for p in people
                if (reason := refusal_reason(p.current_step, ArrivalStep.HANDED_OVER, skipped))
            ]
            if waiting:
                raise Refusal(" ".join(waiting), field="individuals")
            saved = record_handover(
                user,
                case,
                subject=CustodyHandover.Subject.PEOPLE,
                individuals=people,
                giver=giver,
                receiver=receiver,
                place=place,
                at=at,
                choice=choice,
                signatures=signatures,
                idempotency_key=custody_key,
            )
            if saved.repeated:  # a double submit that raced this one: its result stands
                return _repeat(user, port, case, saved.obj, idempotency_key, device)
            result = HandOver(saved.obj)
            for person in people:
                step = checkin.move_individual(
                    user,
                    person.pk,
                    ArrivalStep.HANDED_OVER,
                    idempotency_key=derive(idempotency_key, person.pk),
                    device=device,
                    port=port,
                )
                if not step.accepted:
                    raise Refusal(step.message)
                result.moved.append(step)
            agency_notices.handed_over(saved.obj, people)
            return result
    except BaseException:
        if saved is not None and not saved.repeated:
            discard_signatures(saved.obj)
        raise


def _repeat(
    user: Any, port: Port, case: Case, earlier: CustodyHandover, key: str, device: str
) -> HandOver:
    if earlier.case_id != case.pk:
        raise Refusal("This form was already used for another case; reload the page.")
    moved = [
        checkin.move_individual(
            user,
            person.pk,
            ArrivalStep.HANDED_OVER,
            idempotency_key=derive(key, person.pk),
            device=device,
            port=port,
        )
        for person in earlier.individuals.order_by("pk")
    ]
    return HandOver(earlier, moved, repeated=True)
