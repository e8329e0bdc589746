"""Reading and checking an ABN manifest (CSV or XLSX, one row per individual). No database.

``read_table`` turns the uploaded bytes into rows keyed by column name, numbered as a spreadsheet
shows them (the header is row 1). ``parse_manifest`` checks every row and gathers every problem,
so the user fixes the whole file in one go; the columns and rules are in ``docs/abn-manifest.md``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from arrivals.manifest.values import (
    CASE_COLUMNS,
    INBOUND_COLUMNS,
    ONWARD_COLUMNS,
    RECEIVER_COLUMNS,
    FlightLeg,
    Problem,
    RowReader,
)
from poe_ops.refusals import Refusal

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000

REQUIRED_COLUMNS = (
    "case_number",
    "abn_number",
    "abn_version",
    "poe",
    "person_number",
    "given_names",
    "surname",
    "inbound_flight",
    "inbound_date",
    "inbound_origin",
    "inbound_arrival_local",
)
OPTIONAL_COLUMNS = (
    "agency",
    "local_affiliate",
    "final_destination",
    "date_of_birth",
    "sex",
    "nationality",
    "primary_language",
    "interpreter_needed",
    "relationship",
    "document_in_custody",
    "ssr_codes",
    "programme_status",
    "vulnerabilities",
    "notes",
    "inbound_departure_local",
    "inbound_departure_utc_offset",
    "inbound_arrival_utc_offset",
    "onward_flight",
    "onward_date",
    "onward_destination",
    "onward_departure_local",
    "onward_departure_utc_offset",
    *RECEIVER_COLUMNS,
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS


class ManifestFileError(Refusal):
    """The upload is not a manifest at all (wrong type, unreadable, missing columns)."""

    default_code = "manifest_file"


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (spreadsheet row number, {column: cell value})


@dataclass
class PersonRow:
    row: int
    person_number: str
    values: dict[str, Any]  # Individual field name → value


@dataclass
class CaseRows:
    """One case as the manifest gives it: the case's values and its people's rows."""

    case_number: str
    first_row: int
    values: dict[str, Any]  # abn_number, abn_version, agency_code, local_affiliate, ...
    inbound: FlightLeg | None
    onward: FlightLeg | None
    people: list[PersonRow] = field(default_factory=list)

    @property
    def rows(self) -> list[int]:
        return [p.row for p in self.people]


@dataclass
class Manifest:
    cases: dict[str, CaseRows]
    problems: list[Problem]
    row_count: int


def _normalise_header(name: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(name or "").strip().lower())


def _cell(value: Any) -> Any:
    """Cells are data: text stays text (stripped), dates stay dates; whole floats become ints."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value
    return str(value).strip()


def read_table(data: bytes, file_name: str) -> Table:
    """The rows of a CSV (UTF-8) or XLSX file; ``ManifestFileError`` with a plain reason."""
    if not data:
        raise ManifestFileError("The file is empty.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ManifestFileError(
            f"The file is {len(data) / 1024 / 1024:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split the manifest into smaller files."
        )
    if data.startswith(b"PK\x03\x04"):
        raw_rows = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ManifestFileError(
            "This is an old Excel .xls file. Save it as .xlsx (Excel Workbook) or CSV UTF-8."
        )
    elif file_name.lower().endswith((".xlsx", ".xlsm")):
        raise ManifestFileError("The file is named .xlsx but is not an Excel workbook.")
    else:
        raw_rows = _csv_rows(data)
    return _table(raw_rows)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    import openpyxl  # imported here: only XLSX uploads need it

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ManifestFileError(
            "The file could not be read as an Excel workbook (.xlsx). Save it again from Excel "
            "as .xlsx or CSV UTF-8."
        ) from exc
    try:
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            rows.append((number, [_cell(v) for v in values]))
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        book.close()


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    if b"\x00" in data[:4096]:
        raise ManifestFileError("This is not a CSV or XLSX file. Upload the ABN manifest itself.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ManifestFileError(
            f"The file is not UTF-8 text (first bad character on line {line}). In Excel, "
            "choose Save As → “CSV UTF-8 (Comma delimited)”, or upload the .xlsx."
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else ("\t" if "\t" in first_line else ",")
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ManifestFileError(f"The file is not valid CSV: {exc}.") from None
    if len(records) > MAX_ROWS + 1:
        records = records[: MAX_ROWS + 2]
    # A spreadsheet numbers records, not lines: a quoted cell may span lines.
    return [(number, [_cell(v) for v in rec]) for number, rec in enumerate(records, start=1)]


def _table(raw_rows: list[tuple[int, list[Any]]]) -> Table:
    if not raw_rows or not any(str(v) for v in raw_rows[0][1]):
        raise ManifestFileError(
            "The first row must name the columns (case_number, abn_number, …); it is empty."
        )
    columns = [_normalise_header(v) for v in raw_rows[0][1]]
    while columns and not columns[-1]:
        columns.pop()
    problems = []
    unknown = [c for c in columns if c and c not in ALL_COLUMNS]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    doubled = sorted({c for c in columns if c and columns.count(c) > 1})
    if doubled:
        problems.append(f"column(s) given twice: {', '.join(doubled)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        problems.append(f"missing required column(s): {', '.join(missing)}")
    if problems:
        raise ManifestFileError(
            "This does not look like an ABN manifest — "
            + "; ".join(problems)
            + ". The columns are listed in the ABN manifest guide."
        )
    rows = []
    for number, values in raw_rows[1:]:
        if not any(v != "" for v in values):
            continue  # blank lines are not people
        rows.append(
            (number, {c: values[i] if i < len(values) else "" for i, c in enumerate(columns) if c})
        )
    if not rows:
        raise ManifestFileError("The manifest has a header row but no people in it.")
    if len(rows) > MAX_ROWS:
        raise ManifestFileError(
            f"The manifest has more than {MAX_ROWS:,} rows; split it into smaller files."
        )
    return Table(columns=[c for c in columns if c], rows=rows)


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


def parse_manifest(
    table: Table, port_iata: str, port_zone: str, agency_codes: set[str]
) -> Manifest:
    """Check every row; group rows by case. Problems name the row and the column."""
    problems: list[Problem] = []
    cases: dict[str, CaseRows] = {}
    flights: dict[tuple[str, str, dt.date], tuple[FlightLeg, int, str]] = {}
    for number, cells in table.rows:
        problems_before = len(problems)
        reader = RowReader(number, cells, problems, port_iata, port_zone, agency_codes)
        case_number = reader.text("case_number", 32, required=True)
        case_values = reader.case_values()
        inbound = reader.inbound_leg()
        onward = reader.onward_leg(inbound)
        person_number = reader.text("person_number", 32, required=True)
        person_values = reader.person_values()
        if len(problems) > problems_before or not case_number or not person_number:
            continue  # compare only rows that read cleanly, or one mistake is reported twice
        for leg, prefix in ((inbound, "inbound"), (onward, "onward")):
            if leg is None:
                continue
            seen = flights.get(leg.key)
            if seen is None:
                flights[leg.key] = (leg, number, prefix)
            elif seen[0] != leg:
                problems.append(
                    Problem(
                        number,
                        f"{prefix}_flight",
                        f"{leg.code} on {leg.scheduled_date:%Y-%m-%d} is given with a different "
                        f"route or times in row {seen[1]}; one flight has one schedule.",
                    )
                )
        case = cases.get(case_number)
        if case is None:
            case = cases[case_number] = CaseRows(case_number, number, case_values, inbound, onward)
        else:
            for column in CASE_COLUMNS:
                key = "agency_code" if column == "agency" else column
                _same(case, number, column, case_values.get(key), case.values.get(key), problems)
            _same(case, number, INBOUND_COLUMNS[0], inbound, case.inbound, problems)
            _same(case, number, ONWARD_COLUMNS[0], onward, case.onward, problems)
        if any(p.person_number == person_number for p in case.people):
            problems.append(
                Problem(
                    number,
                    "person_number",
                    f"“{person_number}” appears twice in case {case_number}; each person once.",
                )
            )
            continue
        case.people.append(PersonRow(number, person_number, person_values))
    problems.sort(key=lambda p: p.row or 0)
    return Manifest(cases=cases, problems=problems, row_count=len(table.rows))
