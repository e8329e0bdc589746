"""Charts drawn on the server as SVG: the same markup in a page and in a PDF (WeasyPrint draws
inline SVG), no script, and no CSS — colours are SVG presentation attributes, which the strict
CSP (``style-src 'self'``, no inline ``<style>``) does not govern. Each chart carries its text
alternative (``<title>`` and ``<desc>``, read out through ``role="img"``); pages put the table
with the same figures beside it.

Three shapes, which are all the screens need: bars (grouped or stacked, upright), lines over a
run of days, and bars lying down for a few named quantities. Why a module of our own and not a
library: docs/decisions.md (2026-11-29, "Charts")."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Okabe & Ito's colours, told apart with any colour vision; dark enough on white for lines.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
INK, MUTED, GRID = "#1b2430", "#5a6675", "#d5dbe3"
FONT = "DejaVu Sans, sans-serif"
_ids = itertools.count(1)


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]
    colour: str = ""


@dataclass(frozen=True)
class Chart:
    """A drawn chart: ``svg`` to put in the page, ``alt`` its text alternative in words."""

    svg: SafeString
    alt: str

    def __str__(self) -> str:
        return str(self.svg)

    def __html__(self) -> str:
        return str(self.svg)


def nice_ceiling(highest: float) -> tuple[float, float]:
    """The top of the value axis and its step: 1, 2 or 5 times a power of ten, 4 to 6 steps."""
    if highest <= 0:
        return 1.0, 1.0
    raw = highest / 5
    power = 10 ** math.floor(math.log10(raw))
    # 2.5 only from 25 up: a count's axis never shows a half.
    steps = (1, 2, 2.5, 5, 10) if power >= 10 else (1, 2, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    if step < 1 and highest >= 1:
        step = 1
    return math.ceil(highest / step) * step, step


def _number(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _text(x: float, y: float, words: str, *, anchor: str = "start", size: int = 12,
          colour: str = INK, weight: str = "normal") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-family="{FONT}" fill="{colour}" font-weight="{weight}">{escape(words)}</text>'
    )


def _text_width(words: str, size: int) -> float:
    """About how wide ``words`` are drawn at ``size`` (DejaVu Sans averages 0.6 em a
    character): enough for the white box under a label and the room left for "now"."""
    return len(words) * size * 0.6


def _coloured(series: Sequence[Series]) -> list[Series]:
    return [
        Series(s.name, list(s.values), s.colour or PALETTE[n % len(PALETTE)])
        for n, s in enumerate(series)
    ]


def _legend(series: Sequence[Series], x: float, y: float, width: float) -> tuple[list[str], float]:
    """Swatches and names in rows across ``width``; returns the parts and the height used."""
    parts, cx, cy = [], x, y
    for s in series:
        room = 22 + 7.2 * len(s.name) + 18
        if cx + room > x + width and cx > x:
            cx, cy = x, cy + 20
        parts.append(
            f'<rect x="{cx:.1f}" y="{cy - 10:.1f}" width="14" height="14" rx="2" '
            f'fill="{s.colour}"/>'
        )
        parts.append(_text(cx + 20, cy + 1, s.name))
        cx += room
    return parts, cy - y + 20


def _frame(title: str, alt: str, width: int, height: int, body: list[str]) -> Chart:
    n = next(_ids)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="chart{n}-title chart{n}-desc" preserveAspectRatio="xMinYMin meet">'
        f'<title id="chart{n}-title">{escape(title)}</title>'
        f'<desc id="chart{n}-desc">{escape(alt)}</desc>' + "".join(body) + "</svg>"
    )
    return Chart(mark_safe(svg), alt)  # noqa: S308  # nosec B308 B703 — every text above is escaped


def _value_axis(top: float, step: float, left: float, right: float, y0: float, y1: float,
                unit: str) -> list[str]:  # fmt: skip
    parts = []
    ticks = round(top / step)
    for i in range(ticks + 1):
        value = step * i
        y = y0 - (y0 - y1) * value / top
        parts.append(
            f'<line x1="{left:.1f}" x2="{right:.1f}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 6, y + 4, _number(value), anchor="end", size=11, colour=MUTED))
    if unit:
        parts.append(_text(left - 6, y1 - 10, unit, anchor="end", size=11, colour=MUTED))
    return parts


def _every(labels: Sequence[str], room: float) -> int:
    """Show every n-th category label so that they do not overlap."""
    longest = max((len(label) for label in labels), default=1) * 7 + 8
    return max(1, math.ceil(longest / max(room, 1)))


def bar_chart(
    title: str,
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    alt: str,
    stacked: bool = False,
    unit: str = "",
    width: int = 720,
    height: int = 280,
) -> Chart:
    """Upright bars, one group (or stack) per category, one bar per series."""
    series = _coloured(series)
    legend, legend_height = _legend(series, 56, 18, width - 70) if len(series) > 1 else ([], 0)
    left, right, top_y, bottom_y = 56.0, width - 12.0, 18.0 + legend_height + 8, height - 34.0
    columns = [[s.values[i] for s in series] for i in range(len(categories))]
    totals = [sum(c) if stacked else max(c, default=0) for c in columns]
    top, step = nice_ceiling(max(totals, default=0))
    parts = legend + _value_axis(top, step, left, right, bottom_y, top_y, unit)
    slot = (right - left) / max(len(categories), 1)
    bars = 1 if stacked else len(series)
    bar = min(slot * 0.8 / max(bars, 1), 48)
    scale = (bottom_y - top_y) / top
    every = _every(categories, slot)
    for i, label in enumerate(categories):
        x0 = left + slot * i + (slot - bar * bars) / 2
        base = bottom_y
        for n, s in enumerate(series):
            value = s.values[i]
            h = value * scale
            x = x0 if stacked else x0 + n * bar
            y = base - h if stacked else bottom_y - h
            if value:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(bar - 1, 1):.1f}" '
                    f'height="{h:.1f}" fill="{s.colour}"><title>{escape(label)}, '
                    f"{escape(s.name)}: {_number(value)}</title></rect>"
                )
            if stacked:
                base -= h
        if i % every == 0:
            parts.append(
                _text(left + slot * i + slot / 2, bottom_y + 16, label, anchor="middle", size=11)
            )
    parts.append(
        f'<line x1="{left}" x2="{right}" y1="{bottom_y}" y2="{bottom_y}" stroke="{MUTED}"/>'
    )
    return _frame(title, alt, width, height, parts)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    alt: str,
    unit: str = "",
    width: int = 720,
    height: int = 280,
) -> Chart:
    """One line per series across the labels (days); a dot on each point when there are few."""
    series = _coloured(series)
    legend, legend_height = _legend(series, 56, 18, width - 70) if len(series) > 1 else ([], 0)
    left, right, top_y, bottom_y = 56.0, width - 16.0, 18.0 + legend_height + 8, height - 34.0
    top, step = nice_ceiling(max((v for s in series for v in s.values), default=0))
    parts = legend + _value_axis(top, step, left, right, bottom_y, top_y, unit)
    count = len(labels)
    gap = (right - left) / max(count - 1, 1)
    scale = (bottom_y - top_y) / top
    every = _every(labels, gap)
    for i, label in enumerate(labels):
        if i % every == 0:
            parts.append(_text(left + gap * i, bottom_y + 16, label, anchor="middle", size=11))
    for s in series:
        points = " ".join(
            f"{left + gap * i:.1f},{bottom_y - v * scale:.1f}" for i, v in enumerate(s.values)
        )
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{s.colour}" stroke-width="2.5" '
            'stroke-linejoin="round"/>'
        )
        if count <= 40:
            parts += [
                f'<circle cx="{left + gap * i:.1f}" cy="{bottom_y - v * scale:.1f}" r="3.5" '
                f'fill="{s.colour}"><title>{escape(labels[i])}, {escape(s.name)}: '
                f"{_number(v)}</title></circle>"
                for i, v in enumerate(s.values)
            ]
    parts.append(
        f'<line x1="{left}" x2="{right}" y1="{bottom_y}" y2="{bottom_y}" stroke="{MUTED}"/>'
    )
    return _frame(title, alt, width, height, parts)


def hbar_chart(
    title: str,
    items: Sequence[tuple[str, float]],
    *,
    alt: str,
    colour: str = PALETTE[0],
    width: int = 720,
) -> Chart:
    """Bars lying down, one per named quantity, the figure at the end of each."""
    label_width = min(max((len(name) for name, _ in items), default=4) * 7.2 + 12, width * 0.45)
    row, left = 30.0, label_width + 8
    height = int(row * len(items) + 16)
    right = width - 60.0
    highest = max((v for _n, v in items), default=0) or 1
    parts = []
    for i, (name, value) in enumerate(items):
        y = 8 + row * i
        w = (right - left) * value / highest
        parts.append(_text(left - 8, y + 18, name, anchor="end"))
        parts.append(
            f'<rect x="{left:.1f}" y="{y + 4:.1f}" width="{max(w, 0):.1f}" height="{row - 10:.1f}" '
            f'fill="{colour}"/>'
        )
        parts.append(_text(left + w + 6, y + 18, _number(value), weight="bold"))
    return _frame(title, alt, width, height, parts)


@dataclass(frozen=True)
class Mark:
    """A moment on a timeline: a flight landing, with a short label."""

    at: float  # hours from the timeline's start
    label: str
    colour: str = PALETTE[0]
    faded: bool = False


def timeline(
    title: str,
    hours: Sequence[str],
    marks: Sequence[Mark],
    *,
    alt: str,
    now: float | None = None,
    width: int = 640,
    height: int = 86,
) -> Chart:
    """A strip of ``len(hours) - 1`` hours (``hours`` are the tick labels) with a dot per mark,
    its label above (on two alternating rows, so neighbours do not collide), and "now": its
    line passes behind the labels (each on a white box), its word on a row of its own above
    them."""
    left, right, axis_y = 10.0, width - 10.0, height - 22.0
    span = max(len(hours) - 1, 1)
    step = (right - left) / span
    parts = [
        f'<line x1="{left}" x2="{right}" y1="{axis_y}" y2="{axis_y}" stroke="{MUTED}" '
        'stroke-width="1.5"/>'
    ]
    every = _every(hours, step)
    for i, label in enumerate(hours):
        x = left + step * i
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{axis_y - 4}" y2="{axis_y + 4}" '
            f'stroke="{MUTED}"/>'
        )
        if i % every == 0:
            parts.append(_text(x, axis_y + 17, label, anchor="middle", size=11, colour=MUTED))
    shown = [
        (left + step * mark.at, axis_y - (16 if n % 2 == 0 else 34), mark)
        for n, mark in enumerate(sorted(marks, key=lambda m: m.at))
        if 0 <= mark.at <= span
    ]
    now_at = None
    if now is not None and 0 <= now <= span:
        now_at = left + step * now
        parts.append(
            f'<line x1="{now_at:.1f}" x2="{now_at:.1f}" y1="2" y2="{axis_y + 4}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="3 3"/>'
        )
    for x, y, mark in shown:
        opacity = ' fill-opacity="0.45"' if mark.faded else ""
        parts.append(
            f'<circle cx="{x:.1f}" cy="{axis_y}" r="5" fill="{mark.colour}"{opacity}>'
            f"<title>{escape(mark.label)}</title></circle>"
        )
        # A white box under the label: the "now" line passes behind it, not through its letters.
        half = _text_width(mark.label, 11) / 2 + 2
        parts.append(
            f'<rect x="{x - half:.1f}" y="{y - 10:.1f}" width="{2 * half:.1f}" height="13" '
            'fill="#fff"/>'
        )
        parts.append(_text(x, y, mark.label, anchor="middle", size=11, colour=INK))
    if now_at is not None:
        # The word on a row of its own above the labels, beside its line: on the right unless
        # the strip ends there.
        if now_at + 3 + _text_width("now", 10) <= width:
            parts.append(_text(now_at + 3, 10, "now", size=10, colour=INK))
        else:
            parts.append(_text(now_at - 3, 10, "now", anchor="end", size=10, colour=INK))
    return _frame(title, alt, width, height, parts)
