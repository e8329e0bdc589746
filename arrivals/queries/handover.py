"""What the hand-over page shows: the case's people (those who could be handed over now ticked),
the receiver expected and the U.S. ties, the agency office that will be told, and who among
the people is a minor in the programme's care. A fixed handful of queries."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import AgencyOffice, Case, ExpectedReceiver, Individual, USTie
from cases.steps import ArrivalStep, allowed_moves, skipped_at


@dataclass
class HandOverPage:
    case: Case
    people: list[Individual]  # not yet gone (handed over or departed)
    ready: list[int]  # ids of those who could be handed over now
    expected: ExpectedReceiver | None
    ties: list[USTie]
    office: AgencyOffice | None

    @property
    def minors(self) -> list[Individual]:
        """URM and separated minors: only to the expected receiver, with both signatures."""
        return [p for p in self.people if p.needs_custody]


GONE = frozenset({ArrivalStep.HANDED_OVER, ArrivalStep.DEPARTED})


def handover_page(case: Case, tapped: Individual) -> HandOverPage:
    """The page for handing over ``tapped`` and the rest of their case: everyone who could be
    handed over now is ticked (just ``tapped`` when nobody can yet, so the refusal names them)."""
    people = [p for p in case.individuals.order_by("person_number") if p.current_step not in GONE]
    skipped = skipped_at(case.port)
    ready = [
        p.pk for p in people if ArrivalStep.HANDED_OVER in allowed_moves(p.current_step, skipped)
    ]
    expected = (
        ExpectedReceiver.objects.filter(case=case)
        .select_related("agency_office__agency", "us_tie")
        .first()
    )
    office = (
        AgencyOffice.objects.select_related("agency").filter(pk=case.agency_office_id).first()
        if case.agency_office_id
        else None
    )
    return HandOverPage(
        case=case,
        people=people,
        ready=ready or [tapped.pk],
        expected=expected,
        ties=list(case.us_ties.all()),
        office=office,
    )
