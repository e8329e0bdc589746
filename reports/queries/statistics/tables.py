"""The statistics as tables: what ``/statistics/`` shows, what each table's CSV and XLSX hold and
what the monthly report prints — one definition, so the download is the table on the screen.

A cell is a plain value (text, a whole number, a ``Decimal``, minutes as a float, or None for "no
figure"); each column says how it is shown (``Column.kind``). Downloads pass every cell through
``poe_ops.exports.safe_cell``: a nationality or agency name never becomes a formula."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from poe_ops.exports import safe_row
from reports.queries.statistics.charts import CHARTS
from reports.queries.statistics.definitions import BREAKDOWNS
from reports.queries.statistics.figures import PortFigures, Statistics

TEXT, COUNT, MONEY, MINUTES, RATIO, HOURS = "text", "count", "money", "minutes", "ratio", "hours"


@dataclass(frozen=True)
class Column:
    title: str
    kind: str = COUNT

    @property
    def numeric(self) -> bool:
        return self.kind != TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Any]]
    total: list[Any] | None = None
    note: str = ""
    # A picture of the same figures (poe_ops.charts), shown above the table; a long table is
    # then folded away under it.
    chart: Any = None
    folded: bool = False
    cells: list[list[tuple[Any, Column]]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.cells = [list(zip(row, self.columns, strict=True)) for row in self.rows]

    @property
    def total_cells(self) -> list[tuple[Any, Column]]:
        return list(zip(self.total, self.columns, strict=True)) if self.total else []


def _round(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes)


def _port_rows(stats: Statistics) -> tuple[list[list[Any]], list[Any]]:
    def row(f: PortFigures) -> list[Any]:
        return [
            f.name,
            f.people,
            f.cases,
            f.no_shows,
            f.transits,
            f.same_day,
            f.misconnections,
            f.hospital,
            *f.minors.values(),
            f.room_nights,
            f.incidents,
        ]

    return [row(f) for f in stats.by_port], row(stats.total)


def arrivals_table(stats: Statistics) -> Table:
    rows, total = _port_rows(stats)
    minors = [Column(label) for label in stats.total.minors]
    return Table(
        "ports",
        "Arrivals by port",
        [
            Column("Port", TEXT),
            Column("People arrived"),
            Column("Cases"),
            Column("No-shows"),
            Column("Transits"),
            Column("Same-day connections"),
            Column("Misconnections"),
            Column("Hospital"),
            *minors,
            Column("Hotel room-nights"),
            Column("Incidents"),
        ],
        rows,
        total,
    )


def times_table(stats: Statistics) -> Table:
    def row(f: PortFigures) -> list[Any]:
        h, d = f.to_handover, f.to_departure
        return [
            f.name,
            h.count,
            _round(h.median),
            _round(h.p90),
            d.count,
            _round(d.median),
            _round(d.p90),
        ]

    return Table(
        "times",
        "Time from landing",
        [
            Column("Port", TEXT),
            Column("Handed over"),
            Column("To hand-over, median", MINUTES),
            Column("To hand-over, 90th percentile", MINUTES),
            Column("Departed"),
            Column("To departure, median", MINUTES),
            Column("To departure, 90th percentile", MINUTES),
        ],
        [row(f) for f in stats.by_port],
        row(stats.total),
        note="From the flight's landing to the person's “handed over” or “departed” step. "
        "Downloads give minutes.",
    )


def costs_table(stats: Statistics) -> Table:
    def row(f: PortFigures) -> list[Any]:
        return [
            f.name,
            f.cases,
            f.hotel_cost,
            f.meal_cost,
            f.ground_cost,
            f.cost,
            f.cost_per_case,
            f.staff_hours,
            f.people,
            f.people_per_staff_hour,
        ]

    return Table(
        "costs",
        "Costs and staff hours",
        [
            Column("Port", TEXT),
            Column("Cases"),
            Column("Hotel", MONEY),
            Column("Meals", MONEY),
            Column("Ground transport", MONEY),
            Column("Total", MONEY),
            Column("Cost per case", MONEY),
            Column("Staff hours", HOURS),
            Column("People assisted"),
            Column("People per staff hour", RATIO),
        ],
        [row(f) for f in stats.by_port],
        row(stats.total),
        note="Bookings count in the period of their check-in or pick-up (as the port's costs "
        "CSV). Staff hours: submitted and approved timesheets, overtime included.",
    )


def breakdown_table(stats: Statistics, key: str) -> Table:
    title = BREAKDOWNS[key][0]
    return Table(
        key,
        f"Arrivals by {title[0].lower()}{title[1:]}" if key != "agency" else "Arrivals by agency",
        [Column(title, TEXT), Column("People"), Column("Cases")],
        [[r.label, r.people, r.cases] for r in stats.breakdowns[key]],
    )


def causes_table(stats: Statistics) -> Table:
    return Table(
        "causes",
        "Misconnections by cause",
        [Column("Cause", TEXT), Column("People")],
        [[label, n] for _code, label, n in stats.causes],
        ["All causes", sum(n for _c, _l, n in stats.causes)],
        note="The onward flight cancelled or delayed comes first; then an inbound flight that "
        "landed 15 minutes or more late; otherwise the time went in CBP and the airport.",
    )


def incidents_table(stats: Statistics) -> Table:
    return Table(
        "incidents",
        "Incidents by category and severity",
        [
            Column("Port", TEXT),
            Column("Category", TEXT),
            Column("Severity", TEXT),
            Column("Reports"),
        ],
        [list(row) for row in stats.incidents],
        ["All ports", "", "", stats.total.incidents],
        note=(
            "Submitted reports by when they happened, numbers only. A port's officers and its "
            "Operations HQ count every report; others count those they may read."
        ),
    )


def daily_table(stats: Statistics) -> Table:
    days = stats.period.day_list()
    iatas = [p.iata for p in stats.ports]
    return Table(
        "daily",
        "Arrivals per day",
        [Column("Day", TEXT), *(Column(iata) for iata in iatas)],
        [
            [day.isoformat(), *(stats.daily[iata][n] for iata in iatas)]
            for n, day in enumerate(days)
        ],
        ["Total", *(sum(stats.daily[iata]) for iata in iatas)],
        note="People arrived, by the local day their flight landed.",
    )


BUILDERS = {
    "ports": arrivals_table,
    "daily": daily_table,
    "times": times_table,
    "causes": causes_table,
    "costs": costs_table,
    "agency": lambda s: breakdown_table(s, "agency"),
    "nationality": lambda s: breakdown_table(s, "nationality"),
    "language": lambda s: breakdown_table(s, "language"),
    "category": lambda s: breakdown_table(s, "category"),
    "incidents": incidents_table,
}


def all_tables(stats: Statistics) -> dict[str, Table]:
    """Every table, those with a picture carrying it (``charts``)."""
    tables = {key: build(stats) for key, build in BUILDERS.items()}
    for key, draw in CHARTS.items():
        tables[key].chart = draw(stats)
    tables["daily"].folded = True
    return tables


# --- Downloads --------------------------------------------------------------------------------


def _plain(value: Any, for_excel: bool) -> Any:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return float(value) if for_excel else str(value)
    return value


def _lines(table: Table, for_excel: bool) -> list[list[Any]]:
    header = [c.title + (" (minutes)" if c.kind == MINUTES else "") for c in table.columns]
    rows = [*table.rows, *([table.total] if table.total else [])]
    return [header, *(safe_row([_plain(v, for_excel) for v in row]) for row in rows)]


def table_csv(table: Table) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(_lines(table, for_excel=False))
    return out.getvalue()


def table_xlsx(table: Table, heading: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = table.title[:31]
    sheet.append([heading])
    sheet["A1"].font = Font(bold=True)
    for line in _lines(table, for_excel=True):
        sheet.append(line)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 34
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
