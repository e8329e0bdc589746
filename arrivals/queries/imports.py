"""What the import screens show: an upload's preview (or, once applied, what it did), read from
the summary the plan stored — the same JSON the confirmation compares. Nothing is queried here
beyond the batch itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from arrivals.models import ImportBatch

# Past this many, a list says how many more there are (all of them are applied).
SHOWN = 300


def _plural(count: int, one: str, many: str = "") -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def headline(summary: dict[str, Any]) -> list[str]:
    """``["12 new cases", "3 changed", "1 moved from JFK", …]``: what an import does, in one
    line; empty when it changes nothing."""
    counts = summary.get("counts") or {}
    parts = []
    if counts.get("new"):
        parts.append(_plural(counts["new"], "new case"))
    if counts.get("changed"):
        parts.append(f"{counts['changed']:,} changed")
    if counts.get("moved"):
        moved_from = summary.get("moved_from") or []
        parts.append(f"{counts['moved']:,} moved from {', '.join(moved_from)}")
    if counts.get("cancelled"):
        parts.append(f"{counts['cancelled']:,} cancelled")
    if counts.get("reinstated"):
        parts.append(f"{counts['reinstated']:,} no longer cancelled")
    if counts.get("people_added"):
        parts.append(_plural(counts["people_added"], "person added", "people added"))
    if counts.get("people_removed"):
        parts.append(_plural(counts["people_removed"], "person removed", "people removed"))
    return parts


@dataclass
class Section:
    items: list[Any]
    total: int

    @property
    def hidden(self) -> int:
        return self.total - len(self.items)


def _section(items: list[Any]) -> Section:
    return Section(items[:SHOWN], len(items))


@dataclass
class ChangeRow:
    case_number: str
    kind: str
    from_version: int | None
    to_version: int | None
    moved_from: str
    changes: list[tuple[str, Any, Any]]
    people_added: list[str]
    people_removed: list[str]


@dataclass
class ImportPage:
    batch: ImportBatch
    applied: bool
    headline: list[str]
    counts: dict[str, int]
    created: Section
    changed: Section
    moved: Section
    cancelled: Section
    unchanged: Section
    flights_created: list[str]
    flights_updated: list[str]
    warnings: list[dict[str, Any]] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    error_count: int = 0

    @property
    def changes_nothing(self) -> bool:
        return not self.headline


def _label(name: str) -> str:
    return name.removeprefix("person ").replace("_", " ")


def shown(value: Any) -> str | None:
    """A stored value as a person reads it: yes/no, codes joined, nothing as None (—)."""
    if value is None or value == "" or value == []:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


# Shown in their own column or section, not again among the changes.
_NOT_LISTED = frozenset({"abn_version"})


def _row(entry: dict[str, Any]) -> ChangeRow:
    return ChangeRow(
        case_number=entry["case_number"],
        kind=entry.get("kind", "changed"),
        from_version=entry.get("from_version"),
        to_version=entry.get("to_version"),
        moved_from=entry.get("moved_from", ""),
        changes=[
            (_label(name), shown(before), shown(after))
            for name, (before, after) in (entry.get("changes") or {}).items()
            if name not in _NOT_LISTED
            and (not name.startswith("person ") or " " in name.removeprefix("person "))
        ],
        people_added=entry.get("people_added", []),
        people_removed=entry.get("people_removed", []),
    )


def grouped(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Warnings about whole cases that say the same thing (a manifest's date months ago, on
    every case of the day) as one line naming all their rows and cases."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    shown: list[dict[str, Any]] = []
    for problem in problems:
        if problem.get("person"):
            shown.append(problem)
            continue
        key = (problem.get("column", ""), problem.get("message", ""))
        if key in merged:
            merged[key]["rows"].append(problem.get("row"))
            merged[key]["cases"].append(problem.get("case"))
            continue
        merged[key] = {**problem, "rows": [problem.get("row")], "cases": [problem.get("case")]}
        shown.append(merged[key])
    for entry in merged.values():
        entry["row"] = _listed(entry["rows"])
        entry["case"] = _listed(entry["cases"])
    return shown


def _listed(values: list[Any], most: int = 8) -> str:
    found = [str(v) for v in values if v]
    more = len(found) - most
    return ", ".join(found[:most]) + (f" and {more} more" if more > 0 else "")


def import_page(batch: ImportBatch) -> ImportPage:
    summary = batch.summary or {}
    updated = [_row(e) for e in summary.get("updated", [])]
    return ImportPage(
        batch=batch,
        applied=batch.status == ImportBatch.Status.APPLIED,
        headline=headline(summary),
        counts=summary.get("counts") or {},
        created=_section(summary.get("created", [])),
        changed=_section([r for r in updated if r.kind != "moved"]),
        moved=_section([r for r in updated if r.kind == "moved"]),
        cancelled=_section(summary.get("cancelled", [])),
        unchanged=_section(summary.get("unchanged", [])),
        flights_created=summary.get("flights_created", []),
        flights_updated=summary.get("flights_updated", []),
        warnings=grouped(batch.warnings or []),
        errors=batch.errors or [],
        error_count=summary.get("error_count", len(batch.errors or [])),
    )
