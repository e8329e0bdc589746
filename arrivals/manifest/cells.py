"""One manifest row's cells checked one at a time, with problems in plain words.

A *problem* makes the record wrong (a date that does not exist, a flight number that is not
one) and refuses the file; a *warning* is something a person should look at (an unknown special
service code, a travel date months ago, a connection shorter than the port's minimum) — the row
imports, and the warning is shown in the preview and kept on the case. Messages quote the cell
as the file wrote it."""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from arrivals.manifest.columns import (
    CASE_NUMBER_RE,
    FLIGHT_RE,
    IATA,
    ISO_DATE,
    LOCAL_TIME,
    NO,
    YES,
)
from cases.models import CASE_NUMBER_RULE
from poe_ops.localtime import LocalTimeError, parse_offset, to_utc
from poe_ops.models import Port


@dataclass(frozen=True)
class Problem:
    """One thing to say about the file: where (row as a spreadsheet shows it, None for the
    whole file; the case and person the row is about) and what. A warning does not refuse."""

    row: int | None
    column: str
    message: str
    case: str = ""
    person: str = ""

    def __str__(self) -> str:
        if not self.row:
            return f"{self.column or 'File'}: {self.message}"
        about = ", ".join(p for p in (f"case {self.case}" if self.case else "", self.person) if p)
        return f"Row {self.row}{f' ({about})' if about else ''}, {self.column}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "case": self.case,
            "person": self.person,
        }


@functools.cache
def airport_zone(iata: str) -> str | None:
    record = Port.airport_record(iata)
    return str(record["tz"]) if record else None


def shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def as_key(text: str) -> str:
    """A cell's words as a key: ``Follow-to-join`` → ``follow_to_join``."""
    return re.sub(r"[\s\-/]+", "_", text.strip().lower())


def duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(abs(minutes), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@dataclass(frozen=True)
class PortRules:
    """What a row is checked against: the port imported to and today's date there."""

    iata: str
    zone: str
    today: dt.date
    cbp_allowance: dt.timedelta
    min_connection: dt.timedelta

    @classmethod
    def of(cls, port: Port, today: dt.date | None = None) -> PortRules:
        return cls(
            iata=port.iata,
            zone=port.time_zone or "UTC",
            today=today or port.local_today(),
            cbp_allowance=dt.timedelta(minutes=port.cbp_allowance_minutes),
            min_connection=dt.timedelta(minutes=port.min_connection_minutes),
        )


class RowCells:
    """One row's cells, read one at a time; each bad cell adds a Problem and yields None (or
    empty). The records of a row are read from it by ``values`` (the case, the person) and
    ``legs`` (the flights)."""

    def __init__(
        self,
        row: int,
        cells: dict[str, Any],
        problems: list[Problem],
        warnings: list[Problem],
        port: PortRules,
        agency_codes: set[str],
    ) -> None:
        self.row, self.cells = row, cells
        self.problems, self.warnings = problems, warnings
        self.port, self.agency_codes = port, agency_codes
        # The port-local day the row's people land (set by inbound_leg): a URM is under 18 then.
        self.arrival_day: dt.date | None = None

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message))

    def warn(self, column: str, message: str) -> None:
        self.warnings.append(Problem(self.row, column, message))

    def raw(self, column: str) -> Any:
        return self.cells.get(column, "")

    def text(self, column: str, max_length: int, *, required: bool = False) -> str:
        value = self.raw(column)
        value = shown(value) if not isinstance(value, str) else value
        if required and not value:
            self.problem(column, "is empty; every row needs it.")
        elif len(value) > max_length:
            self.problem(column, f"is {len(value)} characters long; at most {max_length}.")
            return ""
        return value

    def case_number(self) -> str:
        """The case number, refused unless it has the documented shape (``CASE_NUMBER_RULE``)."""
        value = self.text("case_number", 32, required=True)
        if value and not CASE_NUMBER_RE.match(value):
            self.problem("case_number", f"“{value}” is not a case number. {CASE_NUMBER_RULE}")
            return ""
        return value

    def choice(
        self, column: str, allowed: dict[str, Any], hint: str, *, key: Any = str.upper
    ) -> Any:
        """The stored value for the cell (looked up by ``key(cell)``); the message quotes the
        cell as written."""
        written = self.text(column, 40)
        if not written:
            return allowed.get("", "")
        value = key(written)
        if value not in allowed:
            self.problem(column, f"“{written}” is not one of {hint}.")
            return ""
        return allowed.get(value, "")

    def yes_no(self, column: str) -> bool:
        written = self.text(column, 10)
        value = written.strip().lower()
        if value in YES:
            return True
        if value not in NO:
            self.problem(column, f"“{written}” is neither yes nor no.")
        return False

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.raw(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not value:
            if required:
                self.problem(column, "is empty; every row needs it.")
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            if ISO_DATE.fullmatch(value):
                self.problem(column, f"“{value}” is not a real date (use YYYY-MM-DD).")
            else:
                self.problem(column, f"“{value}” is not a date in the form YYYY-MM-DD.")
            return None

    def local_time(
        self, column: str, zone: str | None, offset_column: str, *, required: bool
    ) -> dt.datetime | None:
        """The cell's wall-clock time in ``zone``, as a UTC instant."""
        value = self.raw(column)
        naive: dt.datetime | None = None
        if isinstance(value, dt.datetime):
            naive = value.replace(tzinfo=None, second=0, microsecond=0)
        elif value:
            text = str(value)
            if LOCAL_TIME.match(text):  # parsed in C: a third of the time strptime takes
                try:
                    naive = dt.datetime.fromisoformat(text)
                except ValueError:
                    naive = None
            if naive is None:
                self.problem(column, f"“{value}” is not a time in the form YYYY-MM-DD HH:MM.")
                return None
        if naive is None:
            if required:
                self.problem(column, "is empty; every row needs it.")
            return None
        offset = None
        offset_text = self.text(offset_column, 12)
        if offset_text:
            try:
                offset = parse_offset(offset_text)
            except ValueError:
                self.problem(offset_column, f"“{offset_text}” is not a UTC offset like -05:00.")
                return None
        if zone is None:
            return None  # the airport's own problem is reported already
        try:
            return to_utc(naive, zone, offset)
        except LocalTimeError as exc:
            self.problem(offset_column if offset is not None else column, str(exc))
            return None

    def airport(self, column: str, *, required: bool) -> tuple[str, str | None]:
        written = self.text(column, 10, required=required)
        code = written.upper()
        if not code:
            return "", None
        zone = airport_zone(code) if IATA.fullmatch(code) else None
        if zone is None:
            self.problem(column, f"“{written}” is not a known IATA airport code.")
            return "", None
        return code, zone

    def flight_code(self, column: str, *, required: bool) -> tuple[str, str] | None:
        written = self.text(column, 10, required=required)
        if not written:
            return None
        match = FLIGHT_RE.match(written.upper())
        if not match:
            self.problem(column, f"“{written}” is not a flight number like QR747.")
            return None
        return match.group(1), match.group(2).lstrip("0") or "0"
