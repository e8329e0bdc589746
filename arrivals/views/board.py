"""The HQ arrival board: the page, its live body (htmx), and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import logging
import time
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from arrivals.forms.board import BoardFiltersForm
from arrivals.queries.board import FLAGS, Board, BoardFilters, build_board
from arrivals.queries.board_compact import tiles
from arrivals.queries.moves import STEP_ORDER
from arrivals.views.today import requested_date
from cases.steps import ArrivalStep
from poe_ops import versions
from poe_ops.exports import safe_row
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Port
from poe_ops.queries.oncall import on_call_now
from poe_ops.scoping import ports_for

logger = logging.getLogger(__name__)


def _filters_for(request: HtmxHttpRequest) -> tuple[list[Port], dt.date, BoardFilters, str]:
    ports: list[Port] = list(ports_for(request.user).select_related("office"))
    default_day = ports[0].local_today() if ports else dt.datetime.now(dt.UTC).date()
    day, error = requested_date(request, default_day)
    flag = request.GET.get("flag", "")
    filters = BoardFilters(
        port=request.GET.get("port", "").strip().upper()[:3],
        agency=request.GET.get("agency", "").strip().upper()[:16],
        flag=flag if flag in FLAGS else "",
        all_at_risk=request.GET.get("risk") == "all",
    )
    if filters.port and filters.port not in {p.iata for p in ports}:
        error = f"{filters.port} is not one of the ports on your board; showing them all."
        filters = BoardFilters(
            agency=filters.agency, flag=filters.flag, all_at_risk=filters.all_at_risk
        )
    return ports, day, filters, error


def _board_for(request: HtmxHttpRequest) -> tuple[Board, list[Port], str]:
    ports, day, filters, error = _filters_for(request)
    return build_board(ports, day, filters), ports, error


# The board body is the same for everyone who sees the same ports with the same filters; its
# one per-user part, the CSRF token of the manifest buttons, is put in when it is served.
_CSRF_SLOT = "csrf-slot-0c4f9a"


def _body_key(ports: list[Port], day: dt.date, query: str) -> str | None:
    """The cache key of the board body for these ports, day and query in the current refresh
    interval, under the ports' versions (``poe_ops.versions``: every audited change to a port
    moves its version, so the next request after a change renders afresh); ``None`` when the
    cache cannot say (the board is then rendered for this request alone)."""
    ids = sorted(p.pk for p in ports)
    found = versions.port_versions(ids)
    if found is None:
        return None
    interval = int(time.time() // settings.POE_BOARD_REFRESH_SECONDS)
    what = f"{ids}|{found}|{day.isoformat()}|{query}|{interval}"
    return "board:body:" + hashlib.sha256(what.encode()).hexdigest()


def _body(
    request: HtmxHttpRequest, ports: list[Port], day: dt.date, filters: BoardFilters, compact: bool
) -> tuple[str, dict[str, int]]:
    """The board body (the full board, or one tile per port when ``compact``) and the day's
    totals the compact page's heading names, from the cache when current."""
    query = request.GET.urlencode()
    key = _body_key(ports, day, query)  # read before the data, so a change in between re-keys
    cached = _cache_get(key)
    if cached is None:
        data = build_board(ports, day, filters)
        on_call = on_call_now([bp.port for bp in data.ports])  # one query for every port
        for board_port in data.ports:
            board_port.on_call = on_call.get(board_port.port.pk)
        context: dict[str, Any] = {
            "board": data,
            "day": data.day,
            "refresh_seconds": settings.POE_BOARD_REFRESH_SECONDS,
            "query": query,
            "csrf_token": _CSRF_SLOT,
            "compact": compact,
        }
        if compact:
            context["tiles"] = tiles(data)
        cached = {
            "body": render_to_string("arrivals/board.html#board_body", context),
            "totals": {"people": data.people, "at_risk": data.at_risk},
        }
        _cache_set(key, cached)
    body = cached["body"].replace(_CSRF_SLOT, get_token(request))
    return mark_safe(body), cached["totals"]  # noqa: S308  # nosec B308 B703 — our own render


def _cache_get(key: str | None) -> dict[str, Any] | None:
    if key is None:
        return None
    try:
        found = cache.get(key)
    except Exception:  # without the cache the board is rendered, not refused
        logger.warning("board cache unavailable", exc_info=True)
        return None
    return found if isinstance(found, dict) and isinstance(found.get("body"), str) else None


def _cache_set(key: str | None, body: dict[str, Any]) -> None:
    if key is None:
        return
    try:
        cache.set(key, body, timeout=settings.POE_BOARD_REFRESH_SECONDS)
    except Exception:
        logger.warning("board cache unavailable", exc_info=True)


@login_required
def board(request: HtmxHttpRequest) -> HttpResponse:
    """The board, its body rendered once per port set, filters and refresh interval until one
    of its ports changes (``_body_key``): every HQ screen polls it every 30 s. Compact
    (``?view=compact``): one tile per port, four to a screen; the toggle keeps the rest."""
    ports, day, filters, error = _filters_for(request)
    compact = request.GET.get("view") == "compact"
    body, totals = _body(request, ports, day, filters, compact)
    if request.htmx:
        return HttpResponse(body)
    other = request.GET.copy()
    if compact:
        other.pop("view", None)
    else:
        other["view"] = "compact"
    context: dict[str, Any] = {
        "board_body": body,
        "totals": totals,
        "compact": compact,
        "other_view": other.urlencode(),
        "day": day,
        "date_error": error,
        "filters": BoardFiltersForm(
            initial={
                "date": day,
                "port": filters.port,
                "agency": filters.agency,
                "flag": filters.flag,
            },
            ports=ports,
        ),
        "query": request.GET.urlencode(),
    }
    return render(request, "arrivals/board.html", context)


@login_required
def board_csv(request: HtmxHttpRequest) -> HttpResponse:
    """The day's board, one row per flight — arrivals, then the domestic departures — for a
    spreadsheet (cells never become formulas). Times are the port's local time: arrival times
    for arrivals, departure times for departures."""
    data, _ports, _error = _board_for(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="arrival-board-{data.day}.csv"'
    writer = csv.writer(response)
    steps = [ArrivalStep(s).label for s in STEP_ORDER]
    writer.writerow(
        [
            "date",
            "port",
            "direction",
            "flight",
            "origin",
            "destination",
            "scheduled (local)",
            "estimated (local)",
            "actual (local)",
            "gate",
            "status",
            "cases",
            "people",
            *steps,
            "URM",
            "separated minors",
            "wheelchair",
            "medical",
            "interpreter languages",
            "expected after landing",
            "at risk of missing connection",
            "needing an escort, without one",
        ]
    )

    def local(value: dt.datetime | None, port: Port) -> str:
        return value.astimezone(port.zone).strftime("%Y-%m-%d %H:%M") if value else ""

    for board_port in data.ports:
        port = board_port.port
        for row in board_port.flights:
            f = row.flight
            counts = {step: count for step, _label, count in row.by_step}
            writer.writerow(
                safe_row(
                    [
                        data.day.isoformat(),
                        port.iata,
                        "arrival",
                        f.code,
                        f.origin,
                        f.destination,
                        local(f.scheduled_arrival, port),
                        local(f.estimated_arrival, port),
                        local(f.actual_arrival, port),
                        "",
                        f.get_status_display(),
                        row.cases,
                        row.people,
                        *[counts.get(s, 0) for s in STEP_ORDER],
                        row.urm,
                        row.separated,
                        row.wheelchair,
                        row.medical,
                        "; ".join(row.languages),
                        row.waiting_after_landing,
                        row.at_risk,
                        row.no_escort,
                    ]
                )
            )
        for departure in board_port.departures:
            f = departure.flight
            counts = {step: count for step, _label, count in departure.by_step}
            writer.writerow(
                safe_row(
                    [
                        data.day.isoformat(),
                        port.iata,
                        "departure",
                        f.code,
                        f.origin,
                        f.destination,
                        local(f.scheduled_departure, port),
                        local(f.estimated_departure, port),
                        local(f.actual_departure, port),
                        f.gate,
                        f.get_status_display(),
                        departure.cases,
                        departure.people,
                        *[counts.get(s, 0) for s in STEP_ORDER],
                        "",
                        "",
                        "",
                        "",
                        "",
                        departure.at_risk,
                        "",
                    ]
                )
            )
    return response
