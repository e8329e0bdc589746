"""The statistics' pictures (``poe_ops.charts``), each with its words and beside the table that
holds its figures: arrivals per day per port, the time from landing to hand-over, and what
made people miss their connections."""

from __future__ import annotations

from poe_ops.charts import PALETTE, Chart, Series, bar_chart, hbar_chart, line_chart
from reports.queries.statistics.definitions import HANDOVER_BUCKETS
from reports.queries.statistics.figures import Statistics


def _colour(stats: Statistics, iata: str) -> str:
    """A port keeps its colour in every chart of the page."""
    order = [p.iata for p in stats.ports]
    return PALETTE[order.index(iata) % len(PALETTE)] if iata in order else ""


def arrivals_chart(stats: Statistics) -> Chart:
    days = stats.period.day_list()
    labels = [f"{day.day} {day:%b}" for day in days]
    series = [Series(iata, values, _colour(stats, iata)) for iata, values in stats.daily.items()]
    words = []
    for iata, values in stats.daily.items():
        total = sum(values)
        if total:
            busiest = max(range(len(values)), key=lambda n: values[n])
            words.append(f"{iata} {total} (busiest {labels[busiest]}: {values[busiest]})")
        else:
            words.append(f"{iata} none")
    return line_chart(
        f"People arrived per day, {stats.period.label}",
        labels,
        series,
        alt=f"People arrived per day, {stats.period.label}: " + "; ".join(words) + ".",
        unit="people",
    )


def handover_chart(stats: Statistics) -> Chart:
    labels = [label for _upper, label in HANDOVER_BUCKETS]
    per_port = {iata: counts for iata, counts in stats.handover_buckets.items() if any(counts)}
    series = [Series(iata, counts, _colour(stats, iata)) for iata, counts in per_port.items()]
    together = [sum(c[n] for c in per_port.values()) for n in range(len(HANDOVER_BUCKETS))]
    described = "; ".join(f"{label}: {n}" for label, n in zip(labels, together, strict=True))
    return bar_chart(
        "Time from landing to hand-over",
        labels,
        series or [Series("Handed over", [0] * len(HANDOVER_BUCKETS))],
        stacked=True,
        unit="people",
        alt=f"Time from landing to hand-over, {sum(together)} people: {described}.",
    )


def causes_chart(stats: Statistics) -> Chart:
    items = [(label, float(n)) for _code, label, n in stats.causes]
    described = "; ".join(f"{label}: {int(n)}" for label, n in items)
    return hbar_chart(
        "Misconnections by cause",
        items,
        alt=f"Misconnections by cause, {int(sum(n for _l, n in items))} people: {described}.",
    )


CHARTS = {"daily": arrivals_chart, "times": handover_chart, "causes": causes_chart}
