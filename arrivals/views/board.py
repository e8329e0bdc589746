"""The HQ arrival board: the page, its live body (htmx), and the CSV export."""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from arrivals.forms import BoardFiltersForm
from arrivals.queries.board import FLAGS, Board, BoardFilters, build_board
from arrivals.queries.board_compact import tiles
from arrivals.queries.portday import STEP_ORDER
from arrivals.views.today import requested_date
from cases.steps import ArrivalStep
from poe_ops.exports import safe_row
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import Port
from poe_ops.queries.oncall import on_call_now
from poe_ops.scoping import ports_for


def _board_for(request: HtmxHttpRequest) -> tuple[Board, list[Port], str]:
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
    return build_board(ports, day, filters), ports, error


@login_required
def board(request: HtmxHttpRequest) -> HttpResponse:
    data, ports, error = _board_for(request)
    on_call = on_call_now([bp.port for bp in data.ports])  # one query for every port
    for board_port in data.ports:
        board_port.on_call = on_call.get(board_port.port.pk)
    context: dict[str, Any] = {
        "board": data,
        "day": data.day,
        "date_error": error,
        "filters": BoardFiltersForm(
            initial={
                "date": data.day,
                "port": data.filters.port,
                "agency": data.filters.agency,
                "flag": data.filters.flag,
            },
            ports=ports,
        ),
        "refresh_seconds": settings.POE_BOARD_REFRESH_SECONDS,
        "query": request.GET.urlencode(),
    }
    # Compact: one tile per port, four to a screen (?view=compact); the toggle keeps the rest.
    compact = request.GET.get("view") == "compact"
    other = request.GET.copy()
    if compact:
        other.pop("view", None)
        context["tiles"] = tiles(data)
    else:
        other["view"] = "compact"
    context |= {"compact": compact, "other_view": other.urlencode()}
    template = "arrivals/board.html"
    if request.htmx:
        template += "#board_body"
    return render(request, template, context)


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
