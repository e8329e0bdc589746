"""Finding cases by name, case or ABN number, or flight, always within the user's ports."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, Q

from arrivals.models import Segment
from arrivals.queries.flight_rows import CaseBlock
from arrivals.queries.step_rows import case_blocks
from cases.models import Case, Individual
from poe_ops.models import Port
from poe_ops.roles import VIEW
from poe_ops.scoping import scope
from poe_ops.text import fold

User = AbstractBaseUser | AnonymousUser

SEARCH_LIMIT = 50
# "QR747", "qr 747", "QR0747": a two-character airline code then the number.
FLIGHT_CODE = re.compile(r"^([A-Z0-9]{2})\s*0*(\d{1,4}[A-Z]?)$")
FLIGHT_NUMBER = re.compile(r"^0*(\d{1,4})$")
# "A012345678", "A-012-345-678", "a 12345678": an A-number (A, then seven to nine digits).
A_NUMBER = re.compile(r"^A([0-9]{7,9})$")


def a_number_in(query: str) -> str:
    """The A-number ``query`` names, as stored (``A`` and nine digits); "" if it names none."""
    match = A_NUMBER.match(re.sub(r"[\s\-.]", "", query).upper())
    return f"A{match.group(1).zfill(9)}" if match else ""


# --- search ---------------------------------------------------------------------------------


@dataclass
class SearchResult:
    case: Case
    individuals: list[Individual]
    inbound: Segment | None
    # The people with their step buttons, when the user may check people in at the case's port.
    block: CaseBlock | None = None

    @property
    def flight_label(self) -> str:
        """The inbound flight, named by the local day it lands ("QR755 · Sun 29 Nov")."""
        return self.inbound.flight_label if self.inbound else ""


@dataclass
class SearchOutcome:
    query: str
    results: list[SearchResult] = field(default_factory=list)
    truncated: bool = False
    message: str = ""
    a_number: str = ""  # the A-number searched for: the view records who looked it up


def _query_filter(query: str) -> Q:
    """What a typed query may mean: a case or ABN number, a flight, or part of a name."""
    text = query.strip()
    condition = Q(case_number__icontains=text) | Q(abn_number__icontains=text)
    compact = text.upper().replace(" ", "")
    flight_number = FLIGHT_NUMBER.match(compact)
    flight_code = None if flight_number else FLIGHT_CODE.match(compact)
    if flight_number:
        condition |= Q(segments__flight__number=flight_number.group(1))
    elif flight_code:
        condition |= Q(
            segments__flight__carrier=flight_code.group(1),
            segments__flight__number=flight_code.group(2),
        )
    a_number = a_number_in(text)
    if a_number:
        condition |= Q(pk__in=Individual.objects.filter(a_number=a_number).values("case_id"))
    tokens = fold(text).split()
    if tokens:
        # Every word must appear in the same person's name, in any order.
        people = Individual.objects.all()
        for token in tokens:
            people = people.filter(name_folded__contains=token)
        condition |= Q(pk__in=people.values("case_id"))
    return condition


INBOUND = "inbound"


def _inbound(case: Case) -> Segment | None:
    live = [s for s in case.segments.all() if s.direction == INBOUND]
    current = [s for s in live if not s.is_replaced]
    chosen = current or live
    return chosen[0] if chosen else None


def _found(cases: list[Case]) -> list[Case]:
    return list(
        Case.objects.filter(pk__in=[c.pk for c in cases] if cases else [])
        .select_related("port")
        .prefetch_related(
            Prefetch("individuals", queryset=Individual.objects.order_by("person_number")),
            Prefetch("segments", queryset=Segment.objects.select_related("flight")),
        )
    )


def result_for_case(case: Case) -> SearchResult:
    """One search result again, after a whole-case tap on it (the tap has the user's scope
    checked; its buttons come with the tap's answer)."""
    (found,) = _found([case])
    return SearchResult(found, list(found.individuals.all()), _inbound(found))


def search_cases(user: User, query: str, *, port: Port | None = None) -> SearchOutcome:
    """Cases in the ports ``user`` may view matching ``query``; ``port``'s cases first, then
    those whose inbound flight is closest to today."""
    text = " ".join(query.split())
    if not text:
        return SearchOutcome(query="", message="Type a name, case number, ABN or flight.")
    if len(text) > 100:
        return SearchOutcome(query=text[:100], message="That search is too long; type less.")
    matching = scope(Case.objects.all(), user, VIEW).filter(_query_filter(text)).values("pk")
    cases = list(
        Case.objects.filter(pk__in=matching)
        .select_related("port")
        .prefetch_related(
            Prefetch("individuals", queryset=Individual.objects.order_by("person_number")),
            Prefetch("segments", queryset=Segment.objects.select_related("flight")),
        )
        .order_by("-created_at", "case_number")[: SEARCH_LIMIT * 2 + 1]
    )
    truncated = len(cases) > SEARCH_LIMIT * 2
    results = [SearchResult(c, list(c.individuals.all()), _inbound(c)) for c in cases]
    today = port.local_today() if port else dt.date.today()

    def closeness(result: SearchResult) -> tuple[bool, int, str]:
        flight_day = result.inbound.flight.arrival_day if result.inbound else None
        days = abs((flight_day - today).days) if flight_day else 10_000
        return (port is not None and result.case.port_id != port.pk, days, result.case.case_number)

    results.sort(key=closeness)
    truncated = truncated or len(results) > SEARCH_LIMIT
    shown = results[:SEARCH_LIMIT]
    blocks = case_blocks(user, [r.case for r in shown])
    for result in shown:
        result.block = blocks.get(result.case.pk)
    outcome = SearchOutcome(
        query=text, results=shown, truncated=truncated, a_number=a_number_in(text)
    )
    if not results:
        outcome.message = f"Nothing found for “{text}”."
    return outcome


# --- the case page --------------------------------------------------------------------------
