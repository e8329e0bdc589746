"""The periods statistics are counted over: a week (Monday to Sunday), a calendar month, a quarter,
or any run of days. A period is a run of *local* days: each port counts from its own midnight
to its own midnight, so a flight that lands at 23:30 on 31 March in New York is March's,
although it is April in UTC — and a month that holds a daylight-saving change is an hour
shorter or longer, as the port lived it (``poe_ops.localtime.local_day_bounds``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from poe_ops.localtime import local_day_bounds
from poe_ops.models import Port

WEEK, MONTH, QUARTER, CUSTOM = "week", "month", "quarter", "custom"
KINDS = (WEEK, MONTH, QUARTER, CUSTOM)
# A custom period is at most this long: longer questions are answered a year at a time.
LONGEST_CUSTOM_DAYS = 366


@dataclass(frozen=True)
class Period:
    """Local days ``first`` to ``last``, both included."""

    kind: str
    first: dt.date
    last: dt.date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return f"{self.first:%B %Y}"
        if self.kind == QUARTER:
            return f"Q{(self.first.month - 1) // 3 + 1} {self.first.year}"
        if self.kind == WEEK:
            return f"Week of {self.first.day} {self.first:%b %Y}"
        if self.first == self.last:
            return f"{self.first.day} {self.first:%b %Y}"
        return f"{self.first.day} {self.first:%b %Y} – {self.last.day} {self.last:%b %Y}"

    @property
    def slug(self) -> str:
        """For file names: 2026-03, 2026-Q1, 2026-03-02_2026-03-08."""
        if self.kind == MONTH:
            return f"{self.first:%Y-%m}"
        if self.kind == QUARTER:
            return f"{self.first.year}-Q{(self.first.month - 1) // 3 + 1}"
        return f"{self.first:%Y-%m-%d}_{self.last:%Y-%m-%d}"

    def bounds(self, port: Port) -> tuple[dt.datetime, dt.datetime]:
        """The UTC instants where the period begins and ends at ``port``."""
        start, _ = local_day_bounds(port, self.first)
        _, end = local_day_bounds(port, self.last)
        return start, end

    def day_list(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=n) for n in range(self.days)]

    def previous(self) -> Period:
        if self.kind == CUSTOM:
            step = dt.timedelta(days=self.days)
            return Period(CUSTOM, self.first - step, self.last - step)
        return period_of(self.kind, self.first - dt.timedelta(days=1))

    def following(self) -> Period:
        if self.kind == CUSTOM:
            step = dt.timedelta(days=self.days)
            return Period(CUSTOM, self.first + step, self.last + step)
        return period_of(self.kind, self.last + dt.timedelta(days=1))


def month_of(day: dt.date) -> Period:
    first = day.replace(day=1)
    after = (first + dt.timedelta(days=32)).replace(day=1)
    return Period(MONTH, first, after - dt.timedelta(days=1))


def period_of(kind: str, day: dt.date, *, length: int = 1, last: dt.date | None = None) -> Period:
    """The period of ``kind`` that holds ``day``; a custom one runs from ``day`` to ``last``
    (or for ``length`` days)."""
    if kind == WEEK:
        first = day - dt.timedelta(days=day.weekday())
        return Period(WEEK, first, first + dt.timedelta(days=6))
    if kind == MONTH:
        return month_of(day)
    if kind == QUARTER:
        first = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        after = (first + dt.timedelta(days=95)).replace(day=1)
        return Period(QUARTER, first, after - dt.timedelta(days=1))
    if kind == CUSTOM:
        return Period(CUSTOM, day, last or day + dt.timedelta(days=length - 1))
    raise ValueError(f"Unknown period kind {kind!r}.")
