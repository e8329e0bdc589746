"""The arrival steps and the moves between them that make sense: the enum a person's cached
step uses (``Individual.current_step``) beside the rules that check-in applies.

expected → met → CBP cleared → one outcome (connected / hotel / handed over), with exceptions
(no-show, hospital, CBP referral, rebooked). A move not listed here is refused with a reason
written for the associate holding the tablet."""

from __future__ import annotations

from django.db import models


class ArrivalStep(models.TextChoices):
    """Where a person is in the arrival: the normal path, then one outcome or an exception."""

    EXPECTED = "expected", "Expected"
    MET = "met", "Met"
    CBP_CLEARED = "cbp_cleared", "CBP cleared"
    CONNECTED = "connected", "Connected to domestic flight"
    HOTEL = "hotel", "To hotel overnight"
    HANDED_OVER = "handed_over", "Handed over"
    NO_SHOW = "no_show", "No-show"
    HOSPITAL = "hospital", "Hospital"
    CBP_REFERRAL = "cbp_referral", "CBP referral"
    REBOOKED = "rebooked", "Rebooked"


Step = ArrivalStep

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    Step.EXPECTED: frozenset({Step.MET, Step.NO_SHOW, Step.REBOOKED}),
    Step.MET: frozenset({Step.CBP_CLEARED, Step.CBP_REFERRAL, Step.HOSPITAL}),
    Step.CBP_REFERRAL: frozenset({Step.CBP_CLEARED, Step.HOSPITAL}),
    Step.CBP_CLEARED: frozenset({Step.CONNECTED, Step.HOTEL, Step.HANDED_OVER, Step.HOSPITAL}),
    Step.HOTEL: frozenset({Step.CONNECTED, Step.HANDED_OVER, Step.HOSPITAL}),
    Step.HOSPITAL: frozenset({Step.HANDED_OVER}),
    Step.NO_SHOW: frozenset({Step.MET, Step.REBOOKED}),
    Step.REBOOKED: frozenset({Step.EXPECTED}),
    Step.CONNECTED: frozenset(),
    Step.HANDED_OVER: frozenset(),
}

OUTCOMES = frozenset({Step.CONNECTED, Step.HOTEL, Step.HANDED_OVER})
EXCEPTIONS = frozenset({Step.NO_SHOW, Step.HOSPITAL, Step.CBP_REFERRAL, Step.REBOOKED})
# The next step on the normal path: what the big button on a person's row does.
NEXT_STEP: dict[str, str] = {Step.EXPECTED: Step.MET, Step.MET: Step.CBP_CLEARED}

UNDO_WINDOW_SECONDS = 10 * 60


def refusal_reason(current: str, target: str) -> str:
    """Why moving from ``current`` to ``target`` is refused; empty when the move is allowed."""
    if target in ALLOWED_MOVES.get(current, frozenset()):
        return ""
    now, wanted = Step(current).label, Step(target).label
    if current == target:
        return f"Already {now.lower()}."
    if not ALLOWED_MOVES.get(current):
        return f"{now} is final; nothing follows it. Undo the last step if it was a mistake."
    if target in OUTCOMES and current in {Step.EXPECTED, Step.MET, Step.NO_SHOW}:
        return f"Cannot mark {wanted.lower()}: the person is {now.lower()}, not yet CBP cleared."
    if target == Step.CBP_CLEARED and current == Step.EXPECTED:
        return "Cannot mark CBP cleared before the person has been met."
    return f"Cannot go from {now.lower()} to {wanted.lower()}."
