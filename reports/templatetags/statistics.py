"""How a statistics cell is shown (``reports.queries.statistics.tables.Column.kind``), and a
table's rows as HTML (``stat_rows``): a year's arrivals per day are ~3,000 cells, which the
template language took a tenth of a second or more to loop over; here each row is one string
in which every cell is escaped (as ``arrivals/queries/board_html.py`` does for the board)."""

from __future__ import annotations

import html
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import template
from django.utils.safestring import SafeString, mark_safe

from reports.queries.statistics import tables as t

register = template.Library()


def duration(minutes: float) -> str:
    """95 → "1 h 35 min"; 40 → "40 min"."""
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


@register.filter
def stat_cell(value: Any, column: t.Column) -> str:
    if value is None or value == "":
        return "—"
    if column.kind == t.MINUTES:
        return duration(float(value))
    if column.kind == t.MONEY:
        return f"${Decimal(value):,.2f}"
    if column.kind in (t.RATIO, t.HOURS):
        return f"{Decimal(value).normalize():,f}" if value else "0"
    if column.kind == t.COUNT:
        return f"{int(value):,}"
    return str(value)


def _row(cells: Iterable[tuple[Any, t.Column]]) -> str:
    """One ``<tr>``: the first cell a row heading, numbers right-aligned, every text escaped
    (``html.escape`` with quotes, as Django's ``escape``)."""
    parts = []
    for n, (value, column) in enumerate(cells):
        text = html.escape(stat_cell(value, column), quote=True)
        if n == 0:
            parts.append(f'<th scope="row">{text}</th>')
        elif column.numeric:
            parts.append(f'<td class="num">{text}</td>')
        else:
            parts.append(f"<td>{text}</td>")
    return "<tr>" + "".join(parts) + "</tr>"


@register.filter
def stat_rows(table: t.Table) -> SafeString:
    """The table's body rows, as the page shows them."""
    # Reviewed (bandit B308/B703): every cell is escaped in _row
    # (tests/test_statistics_page.py checks a hostile agency code arrives escaped).
    return mark_safe("".join(_row(row) for row in table.cells))  # noqa: S308  # nosec B308 B703


@register.filter
def stat_total(table: t.Table) -> SafeString:
    """The table's total row."""
    # Reviewed (bandit B308/B703): every cell is escaped in _row.
    return mark_safe(_row(table.total_cells))  # noqa: S308  # nosec B308 B703
