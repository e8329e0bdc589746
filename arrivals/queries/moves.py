"""The step buttons the tablet draws: which moves a person at a step gets (the normal next step
first and big, the exceptions small), their short labels, and the "All N → …" buttons for
several people at once. Pure: no queries."""

from __future__ import annotations

from collections import Counter
from typing import Any

from cases.step_details import NEEDS_DETAIL
from cases.steps import CONNECTION, EXCEPTIONS, ArrivalStep, allowed_moves, next_step

STEP_ORDER = list(ArrivalStep.values)
# Short words for the buttons; the full labels are in ArrivalStep.
BUTTON_LABELS: dict[str, str] = {
    ArrivalStep.EXPECTED: "Back to expected",
    ArrivalStep.MET: "Met",
    ArrivalStep.CBP_SECONDARY: "CBP secondary",
    ArrivalStep.CBP_CLEARED: "Admitted by CBP",
    ArrivalStep.DEFERRED_INSPECTION: "Deferred inspection",
    ArrivalStep.REFUSED_ADMISSION: "Refused admission",
    ArrivalStep.DETAINED: "Detained",
    ArrivalStep.BAGS_CLAIMED: "Bags claimed",
    ArrivalStep.CUSTOMS_CLEARED: "Through customs",
    ArrivalStep.BAGS_RECHECKED: "Bags re-checked",
    ArrivalStep.BOARDING_PASS: "Boarding pass",
    ArrivalStep.THROUGH_SECURITY: "Through security",
    ArrivalStep.AT_GATE: "At gate",
    ArrivalStep.DEPARTED: "Departed",
    ArrivalStep.HANDED_OVER: "Handed over",
    ArrivalStep.HOTEL: "To hotel",
    ArrivalStep.HOSPITAL: "Hospital",
    ArrivalStep.NO_SHOW: "No-show",
    ArrivalStep.NEEDS_REBOOKING: "Needs rebooking",
    ArrivalStep.REBOOKED: "Rebooked",
}


# Steps recorded through a form of their own, not a tap: handing over names the receiver
# (``arrivals.services.handover``), so its button is the row's "Hand over…" link.
FORM_STEPS: frozenset[str] = frozenset({ArrivalStep.HANDED_OVER})


Move = tuple[str, str, bool]


def moves(
    current: str, skipped: frozenset[str] = frozenset(), connecting: bool = True
) -> tuple[list[Move], list[Move]]:
    """The buttons for someone at ``current``: (big ones on the normal path, the normal next
    step first; small ones off it). Connection steps only for someone with an onward flight
    from the port (``connecting``); the steps the port skips are stepped over."""
    allowed = allowed_moves(current, skipped) - FORM_STEPS
    if not connecting:
        allowed = allowed - set(CONNECTION)
    first = next_step(current, skipped, connecting)
    ordered = sorted(allowed, key=lambda s: (s != first, STEP_ORDER.index(s)))
    big = [(s, BUTTON_LABELS[s], s in NEEDS_DETAIL) for s in ordered if s not in EXCEPTIONS]
    small = [(s, BUTTON_LABELS[s], s in NEEDS_DETAIL) for s in ordered if s in EXCEPTIONS]
    return big, small


def moves_table() -> dict[str, dict[str, Any]]:
    """For every step: its label and the buttons a person at that step gets. The tablet's
    script draws a queued tap's row from it while the tap waits for the network
    (static/js/taps.js), so the associate can go on with that person too."""
    table: dict[str, dict[str, Any]] = {}
    for step in ArrivalStep:
        big, small = moves(step)
        # A step that asks for details (bags, the hospital) opens its form: not drawn offline.
        table[step.value] = {
            "label": step.label,
            "button": BUTTON_LABELS.get(step, step.label),
            "big": [(s, label) for s, label, form in big if not form],
            "small": [(s, label) for s, label, form in small if not form],
        }
    return table


def moves_for_steps(
    steps: list[str], skipped: frozenset[str] = frozenset(), connecting: list[bool] | None = None
) -> list[tuple[str, str, int, bool]]:
    """The "All N → …" buttons for people at ``steps``; ``connecting``, in the same order, says
    who still has an onward flight from the port (as their own rows' buttons do). Without it
    the connection steps count whoever could take them (check-in refuses anyone without an
    onward flight, in words)."""
    if len(steps) < 2:
        return []
    counts: Counter[str] = Counter()
    for n, step in enumerate(steps):
        onward = True if connecting is None else connecting[n]
        counts.update(s for s, _label, _form in moves(step, skipped, onward)[0])
    return [(s, BUTTON_LABELS[s], counts[s], s in NEEDS_DETAIL) for s in STEP_ORDER if counts[s]]
