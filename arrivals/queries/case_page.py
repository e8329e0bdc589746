"""Everything the case page shows, always within the user's ports, in a fixed number of queries
whatever the case's size. Reads only; the case page's view records the personal-data access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from arrivals.models import Segment, StepEvent
from cases.models import Case, CaseRevision, Individual
from cases.steps import ArrivalStep, allowed_moves, skipped_at
from poe_ops.models import AuditEvent, Port

User = AbstractBaseUser | AnonymousUser


AUDIT_LIMIT = 200


def age_on(born: dt.date | None, day: dt.date) -> int | None:
    if born is None:
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


@dataclass
class PersonRow:
    individual: Individual
    age: int | None
    skipped: frozenset[str] = frozenset()  # the steps the port does not use

    @property
    def may_hand_over(self) -> bool:
        """Through CBP (or back from a hotel or hospital): "Hand over…" is offered."""
        moves = allowed_moves(self.individual.current_step, self.skipped)
        return ArrivalStep.HANDED_OVER in moves


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


def case_page(case: Case) -> CasePage:
    """Everything the case page shows, in a fixed number of queries whatever the case's size."""
    people = list(case.individuals.order_by("person_number").prefetch_related("carried_documents"))
    today = case.port.local_today()
    skipped = skipped_at(case.port)
    segments = list(
        Segment.objects.filter(case=case)
        .select_related("flight", "replaced_by__flight")
        .prefetch_related("individuals")
        .order_by(
            "flight__scheduled_departure", "flight__scheduled_arrival", "flight__scheduled_date"
        )
    )
    steps = list(
        StepEvent.objects.filter(individual__case=case)
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
        people=[PersonRow(p, age_on(p.date_of_birth, today), skipped) for p in people],
        segments=[
            SegmentRow(s, _airport_tz(s.flight.origin), _airport_tz(s.flight.destination))
            for s in segments
        ],
        steps=steps,
        revisions=[RevisionRow(r, _revision_values(r.values)) for r in revisions],
        audit_events=audit[:AUDIT_LIMIT],
        audit_truncated=len(audit) > AUDIT_LIMIT,
    )


def arrival_day(case: Case, person: Individual) -> dt.date:
    """The day ``person`` arrives at the case's port (port-local): their inbound flight's, or
    today when none is booked."""
    segment = (
        Segment.objects.filter(
            case=case, direction=Segment.Direction.INBOUND, replaced_by__isnull=True
        )
        .filter(Q(individuals=person) | Q(individuals__isnull=True))
        .select_related("flight")
        .order_by("flight__scheduled_date")
        .first()
    )
    if segment is None:
        return case.port.local_today()
    flight = segment.flight
    if flight.scheduled_arrival is not None:
        return flight.scheduled_arrival.astimezone(case.port.zone).date()
    return flight.scheduled_date
