"""Finding cases and gathering everything the case page shows, always within the user's ports.

Reads only: nothing here changes a case. The case page's view records the personal-data access.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch, Q, QuerySet

from cases.models import Case, CaseRevision, Individual, fold
from poe_ops.models import AuditEvent, Port
from poe_ops.roles import VIEW
from poe_ops.scoping import get_scoped_or_404, scope

if TYPE_CHECKING:  # arrivals sits above cases: its models are reached through relations
    from arrivals.models import Segment, StepEvent

User = AbstractBaseUser | AnonymousUser

SEARCH_LIMIT = 50
AUDIT_LIMIT = 200
# "QR747", "qr 747", "QR0747": a two-character airline code then the number.
FLIGHT_CODE = re.compile(r"^([A-Z0-9]{2})\s*0*(\d{1,4}[A-Z]?)$")
FLIGHT_NUMBER = re.compile(r"^0*(\d{1,4})$")


# --- search ---------------------------------------------------------------------------------


@dataclass
class SearchResult:
    case: Case
    individuals: list[Individual]
    inbound: Segment | None

    @property
    def flight_label(self) -> str:
        return self.inbound.flight.code if self.inbound else ""


@dataclass
class SearchOutcome:
    query: str
    results: list[SearchResult] = field(default_factory=list)
    truncated: bool = False
    message: str = ""


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
    tokens = fold(text).split()
    if tokens:
        # Every word must appear in the same person's name, in any order.
        people = Individual.objects.all()
        for token in tokens:
            people = people.filter(name_folded__contains=token)
        condition |= Q(pk__in=people.values("case_id"))
    return condition


def _segments() -> QuerySet[Segment]:
    model: Any = Case._meta.get_field("segments").related_model
    return model.objects.all()


def _step_events() -> QuerySet[StepEvent]:
    model: Any = Individual._meta.get_field("steps").related_model
    return model.objects.all()


INBOUND = "inbound"


def _inbound(case: Case) -> Segment | None:
    live = [s for s in case.segments.all() if s.direction == INBOUND]
    current = [s for s in live if not s.is_replaced]
    chosen = current or live
    return chosen[0] if chosen else None


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
            Prefetch("segments", queryset=_segments().select_related("flight")),
        )
        .order_by("-created_at", "case_number")[: SEARCH_LIMIT * 2 + 1]
    )
    truncated = len(cases) > SEARCH_LIMIT * 2
    results = [SearchResult(c, list(c.individuals.all()), _inbound(c)) for c in cases]
    today = port.local_today() if port else dt.date.today()

    def closeness(result: SearchResult) -> tuple[bool, int, str]:
        flight_day = result.inbound.flight.scheduled_date if result.inbound else None
        days = abs((flight_day - today).days) if flight_day else 10_000
        return (port is not None and result.case.port_id != port.pk, days, result.case.case_number)

    results.sort(key=closeness)
    truncated = truncated or len(results) > SEARCH_LIMIT
    outcome = SearchOutcome(query=text, results=results[:SEARCH_LIMIT], truncated=truncated)
    if not results:
        outcome.message = f"Nothing found for “{text}”."
    return outcome


# --- the case page --------------------------------------------------------------------------


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class PersonRow:
    individual: Individual
    age: int | None


@dataclass
class SegmentRow:
    """A segment with the time zones its departure and arrival are shown in (each airport's
    own local time, as on a boarding pass)."""

    segment: Segment
    departs_tz: str
    arrives_tz: str


def _airport_tz(iata: str) -> str:
    record = Port.airport_record(iata)
    return str(record["tz"]) if record else "UTC"


@dataclass
class RevisionRow:
    revision: CaseRevision
    values: list[tuple[str, str]]


def _revision_values(values: Any) -> list[tuple[str, str]]:
    """A stored ABN version as readable pairs; lists (its people) shown as a count."""
    if not isinstance(values, dict):
        return []
    rows = []
    for key, value in values.items():
        if isinstance(value, list):
            shown = f"{len(value)} listed"
        elif isinstance(value, dict):
            shown = ", ".join(f"{k}: {v}" for k, v in value.items())
        else:
            shown = "—" if value in (None, "") else str(value)
        rows.append((str(key).replace("_", " "), shown))
    return rows


@dataclass
class CasePage:
    case: Case
    people: list[PersonRow]
    segments: list[SegmentRow]
    steps: list[StepEvent]
    revisions: list[RevisionRow]
    audit_events: list[AuditEvent]
    audit_truncated: bool


def case_for_page(user: User, case_number: str) -> Case:
    """The case if ``user`` may view its port; 404 otherwise (also for another port's case)."""
    return get_scoped_or_404(
        Case.objects.select_related("port", "agency"), user, VIEW, case_number=case_number
    )


def case_page(case: Case) -> CasePage:
    """Everything the case page shows, in a fixed number of queries whatever the case's size."""
    people = list(case.individuals.order_by("person_number"))
    today = case.port.local_today()
    segments = list(
        _segments()
        .filter(case=case)
        .select_related("flight", "replaced_by__flight")
        .prefetch_related("individuals")
        .order_by(
            "flight__scheduled_departure", "flight__scheduled_arrival", "flight__scheduled_date"
        )
    )
    steps = list(
        _step_events()
        .filter(individual__case=case)
        .select_related("actor", "individual", "undoes")
        .order_by("at", "id")
    )
    revisions = list(case.revisions.select_related("replaced_by"))
    case_type = ContentType.objects.get_for_model(Case)
    person_type = ContentType.objects.get_for_model(Individual)
    audit = list(
        AuditEvent.objects.filter(
            Q(content_type=case_type, object_id=str(case.pk))
            | Q(content_type=person_type, object_id__in=[str(p.pk) for p in people])
        ).select_related("actor")[: AUDIT_LIMIT + 1]
    )
    return CasePage(
        case=case,
        people=[PersonRow(p, age_on(p.date_of_birth, today)) for p in people],
        segments=[
            SegmentRow(s, _airport_tz(s.flight.origin), _airport_tz(s.flight.destination))
            for s in segments
        ],
        steps=steps,
        revisions=[RevisionRow(r, _revision_values(r.values)) for r in revisions],
        audit_events=audit[:AUDIT_LIMIT],
        audit_truncated=len(audit) > AUDIT_LIMIT,
    )
