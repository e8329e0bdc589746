"""Checking an ABN manifest's rows (read from its file by ``arrivals.manifest.files``) and
grouping them into cases. No database.

``parse_manifest`` checks every row and gathers every problem and warning, so the user fixes the
whole file in one go; the columns and rules are in ``docs/abn-manifest.md``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from arrivals.manifest.cells import PortRules, Problem, RowCells
from arrivals.manifest.columns import (
    CASE_COLUMNS,
    INBOUND_COLUMNS,
    ONWARD_COLUMNS,
)
from arrivals.manifest.files import Table, printable
from arrivals.manifest.legs import FlightLeg, inbound_leg, onward_legs
from arrivals.manifest.values import case_values as read_case_values
from arrivals.manifest.values import person_values as read_person_values

PROGRESS_EVERY = 500


@dataclass
class PersonRow:
    row: int
    person_number: str
    values: dict[str, Any]  # Individual field name → value (and ``documents``: the packet)
    name: str = ""


@dataclass
class CaseRows:
    """One case as the manifest gives it: the case's values, its itinerary, its people."""

    case_number: str
    first_row: int
    values: dict[str, Any]  # abn_number, abn_version, agency_code, local_affiliate, ...
    inbound: FlightLeg | None
    onward: list[FlightLeg]
    people: list[PersonRow] = field(default_factory=list)

    @property
    def rows(self) -> list[int]:
        return [p.row for p in self.people]

    @property
    def legs(self) -> list[FlightLeg]:
        return [leg for leg in (self.inbound, *self.onward) if leg is not None]


@dataclass
class Manifest:
    cases: dict[str, CaseRows]
    problems: list[Problem]
    row_count: int
    warnings: list[Problem] = field(default_factory=list)

    @property
    def days(self) -> set[dt.date]:
        """The inbound flights' dates: the days a complete manifest speaks for."""
        return {c.inbound.scheduled_date for c in self.cases.values() if c.inbound}


def _same(
    case: CaseRows, row: int, column: str, given: Any, kept: Any, problems: list[Problem]
) -> None:
    if given != kept:
        problems.append(
            Problem(
                row,
                column,
                f"differs from row {case.first_row} of the same case {case.case_number}; "
                "every row of a case must give the same case and flight details.",
            )
        )


_CASE_KEYS = {"agency": "agency_code", "case_status": "cancelled"}


def parse_manifest(
    table: Table,
    port: PortRules,
    agency_codes: set[str],
    progress: Callable[[int], None] | None = None,
) -> Manifest:
    """Check every row; group rows by case. Problems and warnings name the row, the column,
    and the case and person the row is about."""
    problems: list[Problem] = list(table.problems)
    warnings: list[Problem] = []
    cases: dict[str, CaseRows] = {}
    flights: dict[tuple[str, str, dt.date], tuple[FlightLeg, int, str]] = {}
    a_numbers: dict[str, tuple[int, str]] = {}
    for done, (number, cells) in enumerate(table.rows, start=1):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done)
        problems_before, warnings_before = len(problems), len(warnings)
        row = RowCells(number, cells, problems, warnings, port, agency_codes)
        case_number = row.case_number()
        case_values = read_case_values(row)
        inbound = inbound_leg(row)
        onward = onward_legs(row, inbound)
        person_number = row.text("person_number", 32, required=True)
        person_values = read_person_values(row)
        name = " ".join(
            str(cells.get(c, ""))[:60] for c in ("given_names", "surname") if cells.get(c)
        )
        _about(problems, problems_before, case_number, name)
        _about(warnings, warnings_before, case_number, name)
        if len(problems) > problems_before or not case_number or not person_number:
            continue  # compare only rows that read cleanly, or one mistake is reported twice
        assert onward is not None  # a leg that could not be read added a problem
        before = len(problems)
        _check_flights(number, inbound, onward, flights, problems)
        _about(problems, before, case_number, name)
        a_number = person_values["a_number"]
        if a_number:
            seen = a_numbers.setdefault(a_number, (number, f"{case_number}/{person_number}"))
            if seen[0] != number:
                warnings.append(
                    Problem(
                        number,
                        "a_number",
                        f"{a_number} is also given in row {seen[0]}; one A-number is one "
                        "person. Check both rows.",
                        case_number,
                        name,
                    )
                )
        case = cases.get(case_number)
        if case is None:
            case = cases[case_number] = CaseRows(case_number, number, case_values, inbound, onward)
        else:
            before = len(problems)
            for column in CASE_COLUMNS:
                key = _CASE_KEYS.get(column, column)
                _same(case, number, column, case_values.get(key), case.values.get(key), problems)
            _same(case, number, INBOUND_COLUMNS[0], inbound, case.inbound, problems)
            _same(case, number, ONWARD_COLUMNS[0], onward, case.onward, problems)
            _about(problems, before, case_number, name)
        if any(p.person_number == person_number for p in case.people):
            problems.append(
                Problem(
                    number,
                    "person_number",
                    f"“{person_number}” appears twice in case {case_number}; each person once.",
                    case_number,
                    name,
                )
            )
            continue
        case.people.append(PersonRow(number, person_number, person_values, name))
    problems.sort(key=lambda p: p.row or 0)
    return Manifest(
        cases=cases,
        problems=problems,
        row_count=len(table.rows),
        warnings=_once_per_case(warnings),
    )


def _about(found: list[Problem], start: int, case: str, person: str) -> None:
    """Name the case and the person on what this row added to ``found``."""
    for i in range(start, len(found)):
        found[i] = dataclasses.replace(found[i], case=printable(case), person=printable(person))


# Warnings about the case or its flights, which every row of the case repeats, are given once.
_CASE_WIDE = frozenset({*CASE_COLUMNS, *INBOUND_COLUMNS, *ONWARD_COLUMNS})


def _once_per_case(warnings: list[Problem]) -> list[Problem]:
    seen: set[tuple[str, str, str]] = set()
    kept = []
    for warning in sorted(warnings, key=lambda w: w.row or 0):
        if warning.column in _CASE_WIDE:
            key = (warning.case, warning.column, warning.message)
            if key in seen:
                continue
            seen.add(key)
            kept.append(dataclasses.replace(warning, person=""))
        else:
            kept.append(warning)
    return kept


def _check_flights(
    number: int,
    inbound: FlightLeg | None,
    onward: list[FlightLeg],
    flights: dict[tuple[str, str, dt.date], tuple[FlightLeg, int, str]],
    problems: list[Problem],
) -> None:
    """One flight has one route and one schedule, whichever rows name it."""
    for leg, column in ((inbound, "inbound_flight"), *((leg, "onward_flight") for leg in onward)):
        if leg is None:
            continue
        seen = flights.get(leg.key)
        if seen is None:
            flights[leg.key] = (leg, number, column)
        elif seen[0] != leg:
            problems.append(
                Problem(
                    number,
                    column,
                    f"{leg.code} on {leg.scheduled_date:%Y-%m-%d} is given with a different "
                    f"route or times in row {seen[1]}; one flight has one schedule.",
                )
            )
