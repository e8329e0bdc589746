"""The arrival steps and the moves between them that make sense: the enum a person's cached
step uses (``Individual.current_step``) beside the rules that check-in applies (the details a
step carries — bags, the hospital — are checked in ``cases.step_details``). Pure: no flights and
no queries — the guards that depend on a flight ("departed" only once the onward flight has
left) are in ``arrivals.services.checkin``.

The real path, from the jet bridge to the domestic departure::

    expected → met → CBP (primary; "in CBP secondary" is routine and has its own time)
             → admitted (or: deferred inspection; exceptions: refused admission, detained)
             → bags claimed → through customs → one outcome:
                 connection: bags re-checked → boarding pass → through security → at gate
                             → departed (only once the onward flight has departed)
                 exit:       handed over (to a named receiver)
                 hotel:      to hotel overnight, then tomorrow's connection
                 hospital:   then hotel, needs rebooking or handed over after discharge
    exceptions: no-show, needs rebooking (the onward flight missed or cancelled), rebooked
    (the inbound leg moved to another flight).

Airports differ: a port may not use the optional steps (``OPTIONAL_STEPS``: a separate customs
tap, bag re-check, boarding pass, security); ``skipped_at(port)`` reads which from the port, and
the rules then step over them. A move not allowed here is refused with a reason written for the
associate holding the tablet."""

from __future__ import annotations

from typing import Any

from django.db import models


class ArrivalStep(models.TextChoices):
    """Where a person is in the arrival, in the order the path runs."""

    EXPECTED = "expected", "Expected"
    MET = "met", "Met"
    CBP_SECONDARY = "cbp_secondary", "In CBP secondary"
    CBP_CLEARED = "cbp_cleared", "Admitted by CBP"
    DEFERRED_INSPECTION = "deferred_inspection", "Admitted, deferred inspection"
    REFUSED_ADMISSION = "refused_admission", "Refused admission"
    DETAINED = "detained", "Detained by CBP"
    BAGS_CLAIMED = "bags_claimed", "Bags claimed"
    CUSTOMS_CLEARED = "customs_cleared", "Through customs"
    BAGS_RECHECKED = "bags_rechecked", "Bags re-checked"
    BOARDING_PASS = "boarding_pass", "Boarding pass issued"
    THROUGH_SECURITY = "through_security", "Through security"
    AT_GATE = "at_gate", "At gate"
    DEPARTED = "departed", "Departed"
    HANDED_OVER = "handed_over", "Handed over"
    HOTEL = "hotel", "To hotel overnight"
    HOSPITAL = "hospital", "Hospital"
    NO_SHOW = "no_show", "No-show"
    NEEDS_REBOOKING = "needs_rebooking", "Needs rebooking"
    REBOOKED = "rebooked", "Rebooked"


Step = ArrivalStep
# The longest value above, with room to grow: the step columns' max_length.
STEP_MAX_LENGTH = 24

# Admitted to the United States by CBP, one way or the other: what follows is the same.
ADMITTED = frozenset({Step.CBP_CLEARED, Step.DEFERRED_INSPECTION})
# The connection to a domestic flight, in order.
CONNECTION = (
    Step.BAGS_RECHECKED,
    Step.BOARDING_PASS,
    Step.THROUGH_SECURITY,
    Step.AT_GATE,
    Step.DEPARTED,
)
# Steps an airport may not use (see ``skipped_at``).
OPTIONAL_STEPS = frozenset(
    {Step.CUSTOMS_CLEARED, Step.BAGS_RECHECKED, Step.BOARDING_PASS, Step.THROUGH_SECURITY}
)
_AFTER_CUSTOMS = frozenset(
    {Step.BAGS_RECHECKED, Step.HOTEL, Step.HANDED_OVER, Step.HOSPITAL, Step.NEEDS_REBOOKING}
)
_CBP_DECISIONS = frozenset(
    {Step.CBP_CLEARED, Step.DEFERRED_INSPECTION, Step.REFUSED_ADMISSION, Step.DETAINED}
)
_AFTER_ADMISSION = frozenset({Step.BAGS_CLAIMED, Step.HOSPITAL})
# Away from the gate for the night: from anywhere in the connection before it has departed.
_LEAVING_THE_CONNECTION = frozenset({Step.HOTEL, Step.HOSPITAL, Step.NEEDS_REBOOKING})

ALLOWED_MOVES: dict[str, frozenset[str]] = {
    # An ambulance may meet the aircraft before IOM does: hospital straight from expected.
    Step.EXPECTED: frozenset({Step.MET, Step.NO_SHOW, Step.REBOOKED, Step.HOSPITAL}),
    Step.MET: _CBP_DECISIONS | {Step.CBP_SECONDARY, Step.HOSPITAL},
    Step.CBP_SECONDARY: _CBP_DECISIONS | {Step.HOSPITAL},
    Step.CBP_CLEARED: _AFTER_ADMISSION,
    Step.DEFERRED_INSPECTION: _AFTER_ADMISSION,
    # CBP may still admit someone it first refused or held (a later decision, or parole).
    Step.REFUSED_ADMISSION: frozenset(
        {Step.DETAINED, Step.CBP_CLEARED, Step.DEFERRED_INSPECTION, Step.HOSPITAL}
    ),
    Step.DETAINED: frozenset(
        {Step.CBP_CLEARED, Step.DEFERRED_INSPECTION, Step.REFUSED_ADMISSION, Step.HOSPITAL}
    ),
    Step.BAGS_CLAIMED: frozenset({Step.CUSTOMS_CLEARED, Step.HOSPITAL}),
    Step.CUSTOMS_CLEARED: _AFTER_CUSTOMS,
    Step.BAGS_RECHECKED: _LEAVING_THE_CONNECTION | {Step.BOARDING_PASS},
    Step.BOARDING_PASS: _LEAVING_THE_CONNECTION | {Step.THROUGH_SECURITY},
    Step.THROUGH_SECURITY: _LEAVING_THE_CONNECTION | {Step.AT_GATE},
    Step.AT_GATE: _LEAVING_THE_CONNECTION | {Step.DEPARTED},
    Step.DEPARTED: frozenset(),
    Step.HANDED_OVER: frozenset(),
    # The next day's connection starts at the airline's counter with the bags.
    Step.HOTEL: frozenset(
        {Step.BAGS_RECHECKED, Step.HANDED_OVER, Step.HOSPITAL, Step.NEEDS_REBOOKING}
    ),
    # After discharge: back to the hotel, rebooked, handed over, or on with the connection.
    Step.HOSPITAL: frozenset(
        {Step.HOTEL, Step.NEEDS_REBOOKING, Step.HANDED_OVER, Step.BAGS_RECHECKED}
    ),
    Step.NO_SHOW: frozenset({Step.MET, Step.REBOOKED}),
    # Once rebooked, the connection goes on where it stopped (bags already re-checked stay so).
    Step.NEEDS_REBOOKING: frozenset(
        {
            Step.BAGS_RECHECKED,
            Step.BOARDING_PASS,
            Step.THROUGH_SECURITY,
            Step.AT_GATE,
            Step.HOTEL,
            Step.HANDED_OVER,
            Step.HOSPITAL,
        }
    ),
    Step.REBOOKED: frozenset({Step.EXPECTED}),
}

# Where nothing more happens at the port: a case is completed when everyone who came is here.
FINISHED = frozenset({Step.DEPARTED, Step.HANDED_OVER})
# Kept for readers of the old name: the outcomes that complete a case.
OUTCOMES = FINISHED
# The smaller buttons on a person's row: off the normal path.
EXCEPTIONS = frozenset(
    {
        Step.NO_SHOW,
        Step.HOSPITAL,
        Step.REBOOKED,
        Step.NEEDS_REBOOKING,
        Step.DEFERRED_INSPECTION,
        Step.REFUSED_ADMISSION,
        Step.DETAINED,
    }
)
# Emergencies HQ must hear of at once (refused admission and detention; a hospital admission).
EMERGENCIES = frozenset({Step.HOSPITAL, Step.REFUSED_ADMISSION, Step.DETAINED})
# Still on the way through the airport: can miss a connection or be forgotten.
IN_PROGRESS = frozenset(
    {
        Step.EXPECTED,
        Step.MET,
        Step.CBP_SECONDARY,
        Step.CBP_CLEARED,
        Step.DEFERRED_INSPECTION,
        Step.BAGS_CLAIMED,
        Step.CUSTOMS_CLEARED,
        Step.BAGS_RECHECKED,
        Step.BOARDING_PASS,
        Step.THROUGH_SECURITY,
        Step.AT_GATE,
    }
)
# Before CBP has decided: the CBP allowance still lies ahead of them.
BEFORE_ADMISSION = frozenset({Step.EXPECTED, Step.MET, Step.CBP_SECONDARY})

# The next step on the normal path: what the big button on a person's row does. After customs
# it depends on the person: the connection when they have an onward flight, else hand-over.
NEXT_STEP: dict[str, str] = {
    Step.EXPECTED: Step.MET,
    Step.MET: Step.CBP_CLEARED,
    Step.CBP_SECONDARY: Step.CBP_CLEARED,
    Step.CBP_CLEARED: Step.BAGS_CLAIMED,
    Step.DEFERRED_INSPECTION: Step.BAGS_CLAIMED,
    Step.BAGS_CLAIMED: Step.CUSTOMS_CLEARED,
    Step.BAGS_RECHECKED: Step.BOARDING_PASS,
    Step.BOARDING_PASS: Step.THROUGH_SECURITY,
    Step.THROUGH_SECURITY: Step.AT_GATE,
    Step.AT_GATE: Step.DEPARTED,
    Step.HOTEL: Step.BAGS_RECHECKED,
    Step.NEEDS_REBOOKING: Step.BAGS_RECHECKED,
    Step.NO_SHOW: Step.MET,
    Step.REBOOKED: Step.EXPECTED,
}

UNDO_WINDOW_SECONDS = 10 * 60


# --- Airports that differ ------------------------------------------------------------------

# The port's switch (a boolean field on ``poe_ops.Port``) for each optional step.
PORT_SWITCHES: dict[str, str] = {
    Step.CUSTOMS_CLEARED: "customs_step",
    Step.BAGS_RECHECKED: "recheck_step",
    Step.BOARDING_PASS: "boarding_pass_step",
    Step.THROUGH_SECURITY: "security_step",
}


def skipped_at(port: Any) -> frozenset[str]:
    """The optional steps ``port`` does not use (its switches turned off)."""
    return frozenset(step for step, switch in PORT_SWITCHES.items() if not getattr(port, switch))


def allowed_moves(current: str, skipped: frozenset[str] = frozenset()) -> frozenset[str]:
    """Where a person at ``current`` may go; a step the port skips is stepped over (its own
    next steps are allowed instead)."""
    allowed: set[str] = set()
    seen: set[str] = set()
    waiting = list(ALLOWED_MOVES.get(current, ()))
    while waiting:
        step = waiting.pop()
        if step in seen:
            continue
        seen.add(step)
        if step in skipped:
            waiting.extend(ALLOWED_MOVES.get(step, ()))
        else:
            allowed.add(step)
    allowed.discard(current)
    return frozenset(allowed)


def next_step(current: str, skipped: frozenset[str] = frozenset(), connecting: bool = True) -> str:
    """The normal next step from ``current`` ("" when there is none) for someone who is
    ``connecting`` to an onward flight (or not: then the exit, hand-over), at a port that
    skips ``skipped``."""

    def after(step: str) -> str:
        if step == Step.CUSTOMS_CLEARED:
            return Step.BAGS_RECHECKED if connecting else Step.HANDED_OVER
        found = NEXT_STEP.get(step, "")
        if found == Step.BAGS_RECHECKED and not connecting:
            return Step.HANDED_OVER
        return found

    if current == Step.NEEDS_REBOOKING and not connecting:
        return ""  # rebooking comes first (its own form), then the connection goes on
    step = after(current)
    while step in skipped:
        step = after(step)
    return step if step in allowed_moves(current, skipped) else ""


def _path_ahead(current: str, target: str, skipped: frozenset[str]) -> str:
    """The step that comes first on the way from ``current`` to ``target``, if ``target`` lies
    ahead on the normal path; "" otherwise."""
    frontier = [(s, s) for s in allowed_moves(current, skipped)]
    seen = {current}
    while frontier:
        following = []
        for step, first in frontier:
            if step == target:
                return first
            if step in seen or step in EXCEPTIONS or step == Step.HOTEL:
                continue
            seen.add(step)
            following += [(s, first) for s in allowed_moves(step, skipped)]
        frontier = following
    return ""


def in_words(step: str) -> str:
    """A step's label inside a sentence: "admitted by CBP", "in CBP secondary"."""
    label = str(Step(step).label)
    return label[0].lower() + label[1:] if label[1:2].islower() else label


def refusal_reason(current: str, target: str, skipped: frozenset[str] = frozenset()) -> str:
    """Why moving from ``current`` to ``target`` is refused; empty when the move is allowed."""
    if target not in ArrivalStep.values:
        return f"“{target}” is not an arrival step."
    if current not in ArrivalStep.values:
        return f"The person's step “{current}” is not known; ask a senior associate."
    now, wanted = in_words(current), in_words(target)
    if current == target:
        return f"Already {now}."
    if target in skipped:
        return f"This port does not use the “{Step(target).label}” step; tap the step after it."
    if target in allowed_moves(current, skipped):
        return ""
    if not ALLOWED_MOVES.get(current):
        return (
            f"{Step(current).label} is final; nothing follows it. Undo the last step if it was "
            "a mistake."
        )
    first = _path_ahead(current, target, skipped)
    if first:
        return f"Cannot mark {wanted} yet: {in_words(first)} comes first (now: {now})."
    if current in BEFORE_ADMISSION and target not in _CBP_DECISIONS:
        return f"Cannot mark {wanted}: not yet admitted by CBP (now: {now})."
    return f"Cannot go from {now} to {wanted}. Undo the last step if it was a mistake."
