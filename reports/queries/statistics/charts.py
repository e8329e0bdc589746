"""The statistics' pictures (``poe_ops.charts``), each with its words and beside the table that
holds its figures: arrivals per day per port, the time from landing to hand-over, and what
made people miss their connections."""

from __future__ import annotations

from bisect import bisect_left

from poe_ops.charts import PALETTE, Chart, Series, bar_chart, hbar_chart, line_chart
from reports.queries.statistics.figures import Statistics

# Time from landing to hand-over, in buckets (upper bounds in minutes).
BUCKETS = ((60, "under 1 h"), (120, "1–2 h"), (180, "2–3 h"), (240, "3–4 h"), (360, "4–6 h"),
           (720, "6–12 h"), (None, "12 h or more"))  # fmt: skip


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


def bucket_counts(minutes: list[float]) -> list[int]:
    """How many of ``minutes`` fall in each bucket: found by bisecting them sorted (a year's
    hand-overs at a port are tens of thousands; they come sorted)."""
    ordered = sorted(minutes)
    below = [bisect_left(ordered, upper) for upper, _label in BUCKETS if upper is not None]
    below.append(len(ordered))
    return [n - (below[k - 1] if k else 0) for k, n in enumerate(below)]


def handover_chart(stats: Statistics) -> Chart:
    labels = [label for _upper, label in BUCKETS]
    per_port = {iata: bucket_counts(m) for iata, m in stats.handover_minutes.items() if m}
    series = [Series(iata, counts, _colour(stats, iata)) for iata, counts in per_port.items()]
    together = [sum(c[n] for c in per_port.values()) for n in range(len(BUCKETS))]
    described = "; ".join(f"{label}: {n}" for label, n in zip(labels, together, strict=True))
    return bar_chart(
        "Time from landing to hand-over",
        labels,
        series or [Series("Handed over", [0] * len(BUCKETS))],
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
