"""Who receives a case, as the case page shows it: the agency office (with its phones), the
expected receiver and the U.S. ties. Two queries."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import AgencyOffice, Case, ExpectedReceiver, USTie


@dataclass
class Receiving:
    office: AgencyOffice | None
    expected: ExpectedReceiver | None
    ties: list[USTie]


def receiving(case: Case) -> Receiving:
    """``case`` should come with ``agency_office__agency`` (``cases.queries.cases.case_for``
    reads it)."""
    expected = (
        ExpectedReceiver.objects.filter(case=case).select_related("set_by", "agency_office").first()
    )
    return Receiving(office=case.agency_office, expected=expected, ties=list(case.us_ties.all()))
