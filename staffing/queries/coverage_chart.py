"""The hour-by-hour staffing of a day as a picture (``poe_ops.charts``): staff needed beside
staff rostered, each hour, with the short hours said in words; the table stays below it."""

from __future__ import annotations

from poe_ops.charts import Chart, Series, bar_chart
from staffing.queries.coverage import DayCoverage

NEEDED, ROSTERED = "#D55E00", "#0072B2"


def coverage_chart(day: DayCoverage, iata: str) -> Chart:
    hours = day.hours
    labels = [f"{h.start:%H}" for h in hours]
    short = [
        f"{h.start:%H:%M} (needed {h.needed}, rostered {h.rostered})" for h in hours if h.shortfall
    ]
    peak = max(hours, key=lambda h: h.needed, default=None)
    words = f"Staff needed and rostered at {iata}, hour by hour, {day.day:%a %d %b}: "
    words += f"short at {', '.join(short)}." if short else "no hour is short."
    if peak is not None and peak.needed:
        words += f" Most needed: {peak.needed} at {peak.start:%H:%M}."
    return bar_chart(
        f"Staff needed and rostered, {day.day:%a %d %b}",
        labels,
        [
            Series("Staff needed", [h.needed for h in hours], NEEDED),
            Series("Rostered", [h.rostered for h in hours], ROSTERED),
        ],
        alt=words,
        unit="staff",
        height=240,
    )
