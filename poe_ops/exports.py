"""Writing cells to CSV/XLSX exports so that a spreadsheet never runs them as formulas.

Imported text is stored exactly as given (cells are data). The danger is on the way out: a name
such as ``=HYPERLINK(...)`` or ``@SUM(...)`` written to a CSV opens in Excel as a live formula.
Every export passes each cell through ``safe_cell`` (the board CSV, when it comes, must too).
"""

from __future__ import annotations

from typing import Any

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """``value`` unchanged, except text starting with a formula trigger gets a leading ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def safe_row(values: list[Any]) -> list[Any]:
    return [safe_cell(v) for v in values]
