"""Who needs an escort and has none: counted on the port's day, the flight page and the board from
each person's cached flags, with a query only when someone needs one."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from cases import ssr
from cases.models import ESCORT_STATUSES, EscortAssignment
from cases.steps import ArrivalStep


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


def needs_escort(person: Mapping[str, Any]) -> bool:
    """From the cached fields alone (no query): a URM (the programme status, not the airline's
    UMNR code) or a traveller whose service codes need one (MEDA, STCR: ``cases.ssr``)."""
    if person["current_step"] in ESCORT_SETTLED:
        return False
    return person["programme_status"] in ESCORT_STATUSES or ssr.has_escort_need(person["ssr_codes"])


# Past these steps the person no longer needs an escort from the POE (or is not here).
ESCORT_SETTLED = frozenset(
    {ArrivalStep.DEPARTED, ArrivalStep.HANDED_OVER, ArrivalStep.NO_SHOW, ArrivalStep.REBOOKED}
)
