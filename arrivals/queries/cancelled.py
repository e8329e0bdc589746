"""Cancelled cases that were booked on a flight: the flight page names them (without their
people or buttons) so nobody waits for a family that is not coming."""

from __future__ import annotations

from django.db.models import Count

from arrivals.models import Flight, Segment
from cases.models import Case


def cancelled_on_flight(flight: Flight) -> list[tuple[str, int]]:
    """``(case number, people)`` of the cancelled cases whose inbound leg is ``flight``: one
    query."""
    return list(
        Case.objects.filter(
            status=Case.Status.CANCELLED,
            segments__flight=flight,
            segments__direction=Segment.Direction.INBOUND,
            segments__replaced_by__isnull=True,
        )
        .annotate(people=Count("individuals", distinct=True))
        .order_by("case_number")
        .values_list("case_number", "people")
    )
