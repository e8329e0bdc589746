"""The HQ board's compact mode: one tile per port (the day's people by step, how many are at
risk, the next arrivals on a small timeline), so that four ports fit one 1440×900 screen. Reads
the board the page already built (``board.build_board``); nothing more is queried."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from arrivals.queries.board import Board, BoardPort
from poe_ops.charts import PALETTE, Chart, Mark, timeline

# Today's timeline: from an hour ago to this many hours ahead.
AHEAD_HOURS = 8
LANDED = frozenset({"landed"})


@dataclass
class Tile:
    port: BoardPort
    timeline: Chart
    next_arrival: str  # "QR747 at 14:05" or ""


def _hours_from(start: dt.datetime, moment: dt.datetime) -> float:
    return (moment - start).total_seconds() / 3600


def tile(bp: BoardPort, day: dt.date) -> Tile:
    zone = bp.port.zone
    now = bp.local_now.astimezone(zone)
    if now.date() == day:
        start = now.replace(minute=0, second=0, microsecond=0) - dt.timedelta(hours=1)
        span = AHEAD_HOURS + 1
    else:
        start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
        span = 24
    # Labels by wall clock; across a daylight-saving change an hour repeats or is skipped.
    labels = [f"{(start + dt.timedelta(hours=h)).astimezone(zone):%H}" for h in range(span + 1)]
    marks = []
    coming = []
    for row in bp.flights:
        flight = row.flight
        when = flight.latest_arrival
        if not isinstance(when, dt.datetime):
            continue
        landed = flight.status in LANDED or flight.actual_arrival is not None
        colour = PALETTE[1] if row.stands_out else PALETTE[0]
        label = f"{flight.code} · {row.people}"
        marks.append(Mark(_hours_from(start, when), label, colour, faded=landed))
        if not landed and when >= now:
            coming.append((when, flight.code))
    coming.sort()
    in_view = [m for m in marks if 0 <= m.at <= span]
    words = ", ".join(
        f"{m.label.split(' · ')[0]} with {m.label.split(' · ')[1]} people at "
        f"{(start + dt.timedelta(hours=m.at)).astimezone(zone):%H:%M}"
        + (" (landed)" if m.faded else "")
        for m in sorted(in_view, key=lambda m: m.at)
    )
    alt = f"Arrivals at {bp.port.iata} from {labels[0]}:00 to {labels[-1]}:00: " + (
        words + "." if words else "none."
    )
    chart = timeline(
        f"{bp.port.iata} arrivals",
        labels,
        marks,
        alt=alt,
        now=_hours_from(start, now) if now.date() == day else None,
    )
    following = f"{coming[0][1]} at {coming[0][0].astimezone(zone):%H:%M}" if coming else ""
    return Tile(bp, chart, following)


def tiles(board: Board) -> list[Tile]:
    return [tile(bp, board.day) for bp in board.ports]
