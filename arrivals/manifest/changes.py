"""What an import plan holds, shared by the planning (``plan.py``) and the applying
(``apply.py``): the case and person fields a manifest sets, a case's change (fields, people,
documents, legs), the plan itself, and ``Plan.summary`` — the JSON the preview shows and the
confirmation compares as a whole."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from arrivals.manifest.cells import Problem
from arrivals.manifest.legs import FlightLeg
from arrivals.manifest.reading import CaseRows, Manifest, PersonRow
from arrivals.models import Flight, Segment
from cases.models import CarriedDocument, Case, ExpectedReceiver, Individual
from poe_ops.models import Port
from poe_ops.text import fold

FlightKey = tuple[str, str, dt.date]

CASE_FIELDS = (
    "abn_number",
    "abn_version",
    "agency_id",
    "local_affiliate",
    "final_destination",
    "medical_escort",
    "medical_escort_name",
)
PERSON_FIELDS = (
    "given_names",
    "surname",
    "date_of_birth",
    "sex",
    "nationality",
    "primary_language",
    "interpreter_needed",
    "relationship",
    "document_in_custody",
    "ssr_codes",
    "programme_status",
    "medical",
    "pregnancy",
    "elderly",
    "single_parent",
    "other_vulnerability",
    "vulnerability_notes",
    "medical_notes",
    "a_number",
    "immigration_category",
    "tb_class",
    "tb_followup",
)


def person_values(row: PersonRow) -> dict[str, Any]:
    """The Individual fields a manifest row sets (without its packet's documents)."""
    return {f: row.values[f] for f in PERSON_FIELDS}


def case_values(rows: CaseRows, agencies: dict[str, int]) -> dict[str, Any]:
    v = rows.values
    return {
        "abn_number": v["abn_number"],
        "abn_version": v["abn_version"],
        "agency_id": agencies.get(v["agency_code"]) if v["agency_code"] else None,
        "local_affiliate": v["local_affiliate"],
        "final_destination": v["final_destination"],
        "medical_escort": v["medical_escort"],
        "medical_escort_name": v["medical_escort_name"],
    }


def same_receiver(stored: ExpectedReceiver, given: dict[str, str]) -> bool:
    """Whether the ABN's expected receiver is the one on record (names compared folded; an
    empty phone on the ABN keeps the one on record)."""
    return (
        stored.kind == given["kind"]
        and fold(stored.name) == fold(given["name"])
        and fold(stored.organisation) == fold(given["organisation"])
        and (not given["phone"] or given["phone"] == stored.phone)
    )


@dataclass
class LegsChange:
    """A case's segments in one direction: which legs to add, which current ones they replace."""

    add: list[FlightLeg]
    replace: list[tuple[Segment, FlightKey]]  # (current segment, key of the leg replacing it)
    kept: dict[FlightKey, Segment]  # current segments the new version keeps
    before: list[str]
    after: list[str]


@dataclass
class CaseChange:
    rows: CaseRows
    case: Case
    after: dict[str, Any]  # the case's fields as the manifest gives them
    version_changed: bool
    status: str | None = None  # the case's new status, when it changes
    moved_from: Port | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    new_people: list[PersonRow] = field(default_factory=list)
    changed_people: list[tuple[Individual, dict[str, Any]]] = field(default_factory=list)
    removed: list[Individual] = field(default_factory=list)
    documents: dict[str, list[str]] = field(default_factory=dict)  # person number → keys
    legs: dict[str, LegsChange] = field(default_factory=dict)  # direction → change

    @property
    def number(self) -> str:
        return self.case.case_number


@dataclass
class Plan:
    port: Port
    manifest: Manifest
    complete: bool
    new: list[CaseRows] = field(default_factory=list)
    changed: list[CaseChange] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dropped: list[Case] = field(default_factory=list)
    flights: dict[FlightKey, tuple[FlightLeg, Flight | None]] = field(default_factory=dict)
    flight_updates: list[tuple[Flight, dict[str, Any], dict[str, list[Any]]]] = field(
        default_factory=list
    )
    stored_documents: dict[int, dict[str, CarriedDocument]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    _by_case: dict[str, list[dict[str, Any]]] | None = None

    def warnings_of(self, case_number: str) -> list[dict[str, Any]]:
        if self._by_case is None:
            self._by_case = defaultdict(list)
            for warning in self.warnings:
                self._by_case[warning.case].append(warning.as_dict())
        return self._by_case.get(case_number, [])

    def summary(self) -> dict[str, Any]:
        """What the preview shows, in JSON: compared as a whole when the import is confirmed."""
        created = [
            {
                "case_number": r.case_number,
                "version": r.values["abn_version"],
                "people": len(r.people),
                "cancelled": r.values["cancelled"],
            }
            for r in self.new
        ]
        updated = [_change_summary(c) for c in self.changed]
        cancelled = (
            [
                {
                    "case_number": r.case_number,
                    "version": r.values["abn_version"],
                    "people": len(r.people),
                    "why": "new, and cancelled on the ABN",
                }
                for r in self.new
                if r.values["cancelled"]
            ]
            + [
                {
                    "case_number": c.number,
                    "version": c.after["abn_version"],
                    "people": len(c.rows.people),
                    "why": "cancelled on the ABN",
                }
                for c in self.changed
                if c.status == Case.Status.CANCELLED
            ]
            + [
                {
                    "case_number": case.case_number,
                    "version": case.abn_version,
                    "people": getattr(case, "people_count", 0),
                    "why": "not on this manifest",
                }
                for case in self.dropped
            ]
        )
        new_flights = [str(leg) for leg, flight in self.flights.values() if flight is None]
        changed_flights = [
            f"{f.code} {f.scheduled_date:%Y-%m-%d}" for f, _v, _c in self.flight_updates
        ]
        return {
            "counts": {
                "new": len(created),
                "changed": sum(1 for u in updated if u["kind"] == "changed"),
                "moved": sum(1 for u in updated if u["moved_from"]),
                "cancelled": len(cancelled),
                "reinstated": sum(1 for u in updated if u["kind"] == "reinstated"),
                "unchanged": len(self.unchanged),
                "people_added": sum(len(u["people_added"]) for u in updated),
                "people_removed": sum(len(u["people_removed"]) for u in updated),
                "warnings": len(self.warnings),
                "flights_created": len(new_flights),
                "flights_updated": len(changed_flights),
            },
            "moved_from": sorted({u["moved_from"] for u in updated if u["moved_from"]}),
            "created": created,
            "updated": updated,
            "cancelled": cancelled,
            "unchanged": sorted(self.unchanged),
            "flights_created": sorted(new_flights),
            "flights_updated": sorted(changed_flights),
        }


def _change_summary(change: CaseChange) -> dict[str, Any]:
    if change.moved_from is not None:
        kind = "moved"
    elif change.status == Case.Status.CANCELLED:
        kind = "cancelled"
    elif change.status is not None and change.case.status == Case.Status.CANCELLED:
        kind = "reinstated"
    else:
        kind = "changed"
    return {
        "case_number": change.number,
        "kind": kind,
        "from_version": change.case.abn_version,
        "to_version": change.after["abn_version"],
        "moved_from": change.moved_from.iata if change.moved_from else "",
        "changes": _jsonable(change.changes),
        "changed": sorted(change.changes),
        "people_added": [f"{p.person_number} {p.name}".strip() for p in change.new_people],
        "people_removed": [f"{p.person_number} {p}".strip() for p in change.removed],
        "not_in_new_version": [p.person_number for p in change.removed],
    }


def _jsonable(changes: dict[str, list[Any]]) -> dict[str, list[Any]]:
    # changed_fields already made the values JSON; keep the mapping sorted for comparison.
    return {k: changes[k] for k in sorted(changes)}
