"""Escorts and custody on the arrival steps.

Unaccompanied minors and MEDA/STCR travellers need an escort; the port's day, the flight page
and the board count those who have none. A minor's custody can never be "nobody": the step that
hands a minor over is refused unless a handover to a named person of a named organisation has
been recorded, or is recorded in the same action (``arrivals.custody.hand_over_minor``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cases.bookings import EscortAssignment
from cases.escort_services import named_receiver, needs_escort
from cases.models import SSR, ArrivalStep, Individual

__all__ = ["needs_escort"]

MINOR_NEEDS_RECEIVER = (
    "An unaccompanied minor cannot be marked handed over until the receiving person is named: "
    "record the custody handover (who receives the minor, their organisation, where)."
)


def is_minor(person: Individual | dict[str, Any]) -> bool:
    if isinstance(person, dict):
        return bool(person["unaccompanied_minor"] or SSR.UMNR in person["ssr_codes"])
    return bool(person.unaccompanied_minor or SSR.UMNR in person.ssr_codes)


def escorted_among(person_ids: Iterable[int]) -> set[int]:
    """Which of these people have an escort assigned: one query, none when there are none."""
    ids = list(person_ids)
    if not ids:
        return set()
    through = EscortAssignment.individuals.through.objects
    return set(through.filter(individual_id__in=ids).values_list("individual_id", flat=True))


def without_escort(people: Iterable[Mapping[str, Any]]) -> set[int]:
    """The ids of those who need an escort and have none. The need comes from each person's
    cached flags (a dict, or ``vars()`` of an Individual), so a query is made only when
    someone needs one."""
    needing = {p["id"] for p in people if needs_escort(p)}
    return needing - escorted_among(needing)


def mark_missing_escorts(people: Iterable[dict[str, Any]]) -> None:
    """Set ``escort_missing`` on each person dict (at most one query)."""
    people = list(people)
    missing = without_escort(people)
    for person in people:
        person["escort_missing"] = person["id"] in missing


def custody_refusal(person: Individual, to_step: str) -> str:
    """Why the move would leave a minor in nobody's custody; empty otherwise. Asks the database
    only for unaccompanied minors being handed over."""
    if to_step != ArrivalStep.HANDED_OVER or not is_minor(person):
        return ""
    return "" if named_receiver(person) is not None else MINOR_NEEDS_RECEIVER
