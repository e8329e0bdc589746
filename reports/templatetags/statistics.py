"""How a statistics cell is shown (``reports.queries.statistics.tables.Column.kind``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

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
