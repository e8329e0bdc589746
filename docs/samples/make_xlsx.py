"""Writes abn-manifest-sample.xlsx from abn-manifest-sample.csv (run from the repository root:
``python docs/samples/make_xlsx.py``). Dates and times become real Excel date cells, as they
are in manifests saved from Excel; everything else stays text."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl

HERE = Path(__file__).parent
DATE_COLUMNS = {"date_of_birth", "inbound_date", "onward_date", "onward2_date"}
TIME_COLUMNS = {
    "inbound_departure_local",
    "inbound_arrival_local",
    "onward_departure_local",
    "onward_arrival_local",
    "onward2_departure_local",
    "onward2_arrival_local",
}


def main() -> None:
    with open(HERE / "abn-manifest-sample.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Manifest"
    header = rows[0]
    sheet.append(header)
    for row in rows[1:]:
        cells: list[object] = []
        for column, value in zip(header, row, strict=True):
            if value and column in DATE_COLUMNS:
                cells.append(dt.date.fromisoformat(value))
            elif value and column in TIME_COLUMNS:
                cells.append(dt.datetime.strptime(value, "%Y-%m-%d %H:%M"))
            elif value and column == "abn_version":
                cells.append(int(value))
            else:
                cells.append(value or None)
        sheet.append(cells)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "yyyy-mm-dd hh:mm"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A2"
    book.properties.creator = "POE Ops sample"
    book.properties.created = dt.datetime(2026, 4, 13, 9, 0)
    book.properties.modified = dt.datetime(2026, 4, 13, 9, 0)
    book.save(HERE / "abn-manifest-sample.xlsx")


if __name__ == "__main__":
    main()
