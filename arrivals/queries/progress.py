"""How far a flight's people are, in the words the hall uses — "4 of 9 met · 2 cleared · 1
done · 2 at the hotel overnight" — and the flight page's "still to do" view. Read from the rows
the page already built: no query of its own.

"Done" is the closing outcomes of ``cases.steps.FINISHED`` (handed over, departed): nothing more
happens at the port. A family taken to the hotel for the night is not done — tomorrow's
connection starts at the airline's counter — and is counted on its own, so the figures say
where everyone who was cleared is.

The page also carries each person's step (and the step event that put them there) with the
figures each step counts in (``FlightProgress.steps``, ``FIGURES``): static/js/live.js counts
again from them when a tap's answer redraws a row, so the figures move with the tap without the
tap's answer reading the whole flight."""

from __future__ import annotations

from dataclasses import dataclass, replace

from arrivals.queries.flight_rows import CaseBlock
from cases.steps import EXCEPTIONS, OUTCOMES, ArrivalStep

_ORDER = list(ArrivalStep.values)
# Not met (yet, or at all): still expected, did not turn up, or moved to another flight. Someone
# who needs rebooking missed their onward flight (cases.steps: after customs, the connection, the
# hotel or the hospital): met, and admitted.
NOT_MET = frozenset({"expected", "no_show", "rebooked"})
# Nothing more to do for this flight: an outcome reached, or the person is not coming on it.
FINISHED = OUTCOMES | frozenset({"no_show", "rebooked"})


def is_met(step: str) -> bool:
    return step not in NOT_MET


# Admitted, though off the normal path: counts as through CBP.
ADMITTED_OFF_PATH = frozenset({"deferred_inspection", "needs_rebooking"})


def is_cleared(step: str) -> bool:
    """Through CBP: admitted, or any step on the normal path after it."""
    if step in ADMITTED_OFF_PATH:
        return True
    return (
        step in _ORDER
        and _ORDER.index(step) >= _ORDER.index(ArrivalStep.CBP_CLEARED)
        and step not in EXCEPTIONS
    )


def is_done(step: str) -> bool:
    return step in OUTCOMES


def is_still_to_do(step: str) -> bool:
    return step not in FINISHED


def is_at_hotel(step: str) -> bool:
    """At the hotel for the night: cleared, not done, their journey goes on tomorrow."""
    return step == ArrivalStep.HOTEL


# The figures of the count a person at each step is counted in, by the rules above: what the
# page's script adds up (``still_to_do``: the filter's "Still to do (N)").
FIGURES: dict[str, list[str]] = {
    step: [
        name
        for name, counts in (
            ("met", is_met),
            ("cleared", is_cleared),
            ("done", is_done),
            ("hotel", is_at_hotel),
            ("still_to_do", is_still_to_do),
        )
        if counts(step)
    ]
    for step in ArrivalStep.values
}


@dataclass(frozen=True)
class FlightProgress:
    people: int
    met: int
    cleared: int
    done: int
    still_to_do: int
    hotel: int = 0
    # Person id → [step, id of the step event that put them there (0: none)], for the page's
    # script (JSON: the keys are strings).
    steps: dict[str, list[str | int]] | None = None

    @property
    def figures(self) -> dict[str, list[str]]:
        return FIGURES


def flight_progress(blocks: list[CaseBlock]) -> FlightProgress:
    people = [row.individual for block in blocks for row in block.rows]
    steps = [person.current_step for person in people]
    return FlightProgress(
        people=len(steps),
        met=sum(1 for s in steps if is_met(s)),
        cleared=sum(1 for s in steps if is_cleared(s)),
        done=sum(1 for s in steps if is_done(s)),
        still_to_do=sum(1 for s in steps if is_still_to_do(s)),
        hotel=sum(1 for s in steps if is_at_hotel(s)),
        steps={
            str(person.pk): [person.current_step, getattr(person, "latest_event_id", None) or 0]
            for person in people
        },
    )


def still_to_do(blocks: list[CaseBlock]) -> list[CaseBlock]:
    """The blocks with only the people still to do on them (a case with nobody left goes);
    each case keeps its all-at-once buttons, which move everyone of it on the flight."""
    kept = []
    for block in blocks:
        rows = [row for row in block.rows if is_still_to_do(row.individual.current_step)]
        if rows:
            kept.append(replace(block, rows=rows))
    return kept
