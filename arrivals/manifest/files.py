"""An uploaded manifest file read into rows: CSV (UTF-8) or XLSX, no database.

``read_table`` turns the uploaded bytes into rows keyed by column name, numbered as a spreadsheet
shows them (the header is row 1), refusing in words what is not a manifest — and, before an
XLSX is opened at all, what would take more memory than a manifest can need (a zip bomb). Cells
that cannot be text (too long, control characters) are problems of the table, named by row and
column; ``arrivals.manifest.reading`` checks the rows themselves.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from arrivals.manifest.cells import Problem
from arrivals.manifest.columns import ALL_COLUMNS, REQUIRED_COLUMNS
from poe_ops.refusals import Refusal

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
# An XLSX is a zip: its parts are checked before it is opened. A 20,000-row manifest inflates to
# about 30 MB; anything far beyond that is not a manifest (the 4 MB file that inflates to 3.9 GB).
MAX_INFLATED_BYTES = 64 * 1024 * 1024
MAX_ZIP_MEMBERS = 200
# No manifest cell needs more (the notes column takes 2,000); Excel's own limit is 32,767.
MAX_CELL_CHARS = 5_000
MAX_COLUMNS = 200

# Control characters are never text a person typed: a damaged file, or an attack. Tab, line
# feed and carriage return are allowed (a note may have several lines).
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SAVE_AS_UTF8 = "In Excel, choose Save As → “CSV UTF-8 (Comma delimited)”, or upload the .xlsx."


class ManifestFileError(Refusal):
    """The upload is not a manifest at all (wrong type, unreadable, missing columns)."""

    default_code = "manifest_file"


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, dict[str, Any]]]  # (spreadsheet row number, {column: cell value})
    problems: list[Problem] = field(default_factory=list)  # cells that are not text


def table_to_json(table: Table) -> dict[str, Any]:
    """A checked table as JSON (dates and times tagged, empty cells left out), to be read back
    by ``table_from_json`` exactly as it was."""
    return {
        "columns": table.columns,
        "rows": [[number, {c: _tagged(v) for c, v in cells.items() if v != ""}]
                 for number, cells in table.rows],
    }  # fmt: skip


def table_from_json(data: dict[str, Any]) -> Table:
    columns = list(data["columns"])
    rows = [
        (number, {c: _untagged(cells.get(c, "")) for c in columns})
        for number, cells in data["rows"]
    ]
    return Table(columns=columns, rows=rows)


def _tagged(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    return value


def _untagged(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return dt.datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return dt.date.fromisoformat(value["date"])
        return dt.time.fromisoformat(value["time"])
    return value


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


def printable(text: str) -> str:
    """``text`` with its control characters shown as ``U+0000``: safe to store and show."""
    return CONTROL_CHARACTERS.sub(lambda m: f"U+{ord(m.group()):04X}", text)


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


def _sheet_rows_declared(archive: zipfile.ZipFile) -> int:
    """How many ``<row>`` elements the usual first sheet holds, counted while inflating it in
    chunks (fast, bounded memory); 0 when it is not where Excel puts it."""
    try:
        part = archive.open("xl/worksheets/sheet1.xml")
    except KeyError:
        return 0
    rows, carry = 0, b""
    with part:
        while chunk := part.read(1 << 20):
            block = carry + chunk
            # A tag cut in two at a chunk's end is found whole in the next block; one found
            # whole in the carried bytes was counted already.
            rows += sum(1 for m in ROW_TAG.finditer(block) if m.end() > len(carry))
            carry = block[-16:]
    return rows


ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _refuse_declarations(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    """A workbook's XML never declares a document type: a part that does (entities that
    expand a few bytes into gigabytes, or reach for other files) is not read at all. Each part
    is inflated in chunks once (its size bounded above)."""
    for member in members:
        carry = b""
        with archive.open(member) as part:
            while chunk := part.read(1 << 20):
                if b"<!DOCTYPE" in carry + chunk:
                    raise ValueError(f"{member.filename} declares a document type")
                carry = chunk[-8:]


# Rows Excel writes for formatting alone are skipped as blank later; this much leeway keeps the
# early count from refusing a full manifest that has some of them.
ROW_LEEWAY = 500


def _check_zip(data: bytes) -> None:
    """Refuse a workbook whose parts would inflate past what a manifest needs, from the zip's
    directory alone (nothing is decompressed). Python's zipfile never inflates a part past the
    size the directory declares (a part that lies fails its checksum), so the declared sizes
    are a bound."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            inflated = sum(m.file_size for m in members)
            if len(members) > MAX_ZIP_MEMBERS or inflated > MAX_INFLATED_BYTES:
                raise ManifestFileError(
                    f"This workbook would take {inflated / 1024 / 1024:,.0f} MB once unpacked "
                    f"({len(members)} parts); an ABN manifest needs far less (at most "
                    f"{MAX_INFLATED_BYTES // 1024 // 1024} MB). It is not a manifest, or it "
                    "holds much more than one: save only the manifest sheet, as .xlsx or CSV "
                    "UTF-8."
                )
            rows = _sheet_rows_declared(archive)
            if rows <= MAX_ROWS + 1 + ROW_LEEWAY:  # else refused below, in words
                _refuse_declarations(archive, members)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ManifestFileError(_NOT_A_WORKBOOK) from exc
    if rows > MAX_ROWS + 1 + ROW_LEEWAY:
        raise ManifestFileError(
            f"The sheet has {rows:,} rows; a manifest has at most {MAX_ROWS:,} people. Split "
            "it into smaller files."
        )


_NOT_A_WORKBOOK = (
    "The file could not be read as an Excel workbook (.xlsx). Save it again from Excel as .xlsx "
    "or CSV UTF-8."
)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    _check_zip(data)
    # Read by calamine (Rust): a 5,000-row manifest in 0.5 s of CPU, where openpyxl took 4 s.
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        # Row numbers as Excel shows them: empty rows and columns at the top and left are kept.
        rows = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
    except (CalamineError, *_UNREADABLE) as exc:
        raise ManifestFileError(_NOT_A_WORKBOOK) from exc
    return _sheet_rows(rows)


_UNREADABLE = (
    zipfile.BadZipFile,
    KeyError,
    OSError,
    ValueError,
    TypeError,
    EOFError,
    SyntaxError,
)


def _sheet_rows(rows: list[list[Any]]) -> Iterator[tuple[int, list[Any]]]:
    for number, values in enumerate(rows, start=1):
        if len(values) > MAX_COLUMNS:
            raise ManifestFileError(
                f"Row {number} has {len(values):,} cells; a manifest has at most "
                f"{MAX_COLUMNS}. Save only the manifest's columns."
            )
        # calamine has read Excel's escapes (a control character as ``_x001B_``, a literal
        # ``_x`` as ``_x005F_x``) back into the text they stand for.
        yield number, [_cell(v) for v in values]


def _looks_like_utf16(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    sample = head[:4096]
    if len(sample) < 16:
        return False
    # Text in UTF-16 without a byte-order mark: every other byte is zero, the others are
    # mostly printable (a binary file has zeros too, but not in that pattern).
    for text, zeros in ((sample[0::2], sample[1::2]), (sample[1::2], sample[0::2])):
        printable_bytes = sum(32 <= b < 127 or b in (9, 10, 13) for b in text)
        if zeros.count(0) > 0.9 * len(zeros) and printable_bytes > 0.9 * len(text):
            return True
    return False


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[Any]]]:
    if _looks_like_utf16(data):
        raise ManifestFileError(
            "This file is saved as Unicode text (UTF-16), which the import does not read. "
            "Save it as UTF-8: " + SAVE_AS_UTF8
        )
    if b"\x00" in data[:4096]:
        raise ManifestFileError("This is not a CSV or XLSX file. Upload the ABN manifest itself.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ManifestFileError(
            f"The file is not UTF-8 text (first bad character on line {line}). {SAVE_AS_UTF8}"
        ) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first_line:
        delimiter = ";" if ";" in first_line else ("\t" if "\t" in first_line else ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        # A spreadsheet numbers records, not lines: a quoted cell may span lines.
        for number, record in enumerate(reader, start=1):
            if len(record) > MAX_COLUMNS:
                raise ManifestFileError(
                    f"Row {number} has {len(record):,} cells; a manifest has at most "
                    f"{MAX_COLUMNS}. Check the separator and the quotes."
                )
            yield number, [v.strip() for v in record]  # CSV cells are text
    except csv.Error as exc:
        raise ManifestFileError(
            f"The file is not valid CSV near row {number + 1}: {exc}. A cell may be missing "
            "its closing quote, or be far longer than any manifest cell."
        ) from None


def _table(raw_rows: Iterator[tuple[int, list[Any]]]) -> Table:
    header = next(raw_rows, None)
    if header is None or not any(str(v) for v in header[1]):
        raise ManifestFileError(
            "The first row must name the columns (case_number, abn_number, …); it is empty."
        )
    columns = [_normalise_header(printable(str(v))) for v in header[1]]
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
    rows: list[tuple[int, dict[str, Any]]] = []
    cell_problems: list[Problem] = []
    for number, values in raw_rows:
        if not any(v != "" for v in values):
            continue  # blank lines are not people
        if len(rows) >= MAX_ROWS:
            raise ManifestFileError(
                f"The manifest has more than {MAX_ROWS:,} rows; split it into smaller files "
                f"of at most {MAX_ROWS:,} people each."
            )
        cells = {c: values[i] if i < len(values) else "" for i, c in enumerate(columns) if c}
        texts = [v for v in cells.values() if isinstance(v, str)]
        # One look at the whole row; the cells one by one only when something is there.
        if CONTROL_CHARACTERS.search("".join(texts)) or max(map(len, texts), default=0) > (
            MAX_CELL_CHARS
        ):
            for column, value in cells.items():
                if isinstance(value, str) and _bad_cell(number, column, value, cell_problems):
                    cells[column] = ""  # never read further, never stored
        rows.append((number, cells))
    if not rows:
        raise ManifestFileError("The manifest has a header row but no people in it.")
    return Table(columns=[c for c in columns if c], rows=rows, problems=cell_problems)


def _bad_cell(row: int, column: str, value: str, problems: list[Problem]) -> bool:
    if len(value) > MAX_CELL_CHARS:
        problems.append(
            Problem(
                row,
                column,
                f"is {len(value):,} characters long; no manifest cell needs more than "
                f"{MAX_CELL_CHARS:,}.",
            )
        )
        return True
    found = CONTROL_CHARACTERS.search(value)
    if found:
        problems.append(
            Problem(
                row,
                column,
                f"contains the control character U+{ord(found.group()):04X}"
                f"{' (NUL)' if found.group() == chr(0) else ''}, which is not text: the file "
                "may be damaged. Remove it (or export the manifest again) and upload again.",
            )
        )
        return True
    return False
