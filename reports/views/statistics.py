"""``/statistics/``: the figures of a period over the reader's ports, each table downloadable as
CSV and XLSX with the same filters (all in the URL)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poe_ops.http import HtmxHttpRequest
from poe_ops.localtime import today_everywhere
from poe_ops.scoping import ports_for
from reports.documents import may_have_report, request_statistics_pdf
from reports.forms import StatisticsFilters
from reports.queries.incidents import counted
from reports.queries.periods import CUSTOM, MONTH, Period
from reports.queries.statistics import tables as statistics_tables
from reports.queries.statistics.build import build_statistics
from reports.queries.statistics.figures import Statistics

PAGE = "reports/statistics.html"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _read(request: HtmxHttpRequest) -> tuple[StatisticsFilters, Statistics | None]:
    """The filters and, when they are valid, the figures. A port the reader may not view is a
    404, as everywhere."""
    ports = ports_for(request.user).select_related("office").order_by("iata")
    today = today_everywhere(ports)
    data = request.GET.copy()
    # Nothing asked: this month, shown in the form as such.
    if not data.get("period"):
        data["period"] = MONTH
    if not data.get("start") and data["period"] != CUSTOM:
        data["start"] = today.isoformat()
    filters = StatisticsFilters(data, ports=ports, today=today)
    if not filters.is_valid():
        if "port" in filters.errors:
            raise Http404("No such port.")
        return filters, None
    stats = build_statistics(
        filters.chosen_ports(ports), filters.chosen_period(), incidents=counted(request.user)
    )
    return filters, stats


@login_required
def statistics_page(request: HtmxHttpRequest) -> HttpResponse:
    filters, stats = _read(request)
    query = request.GET.urlencode()
    context: dict[str, Any] = {"filters": filters, "stats": stats, "query": query}
    if stats is not None:
        period = stats.period
        context |= {
            "tables": statistics_tables.all_tables(stats),
            "previous": _link(request, period.previous()),
            "following": _link(request, period.following()),
            "may_have_report": may_have_report(request.user, stats.ports),
        }
    return render(request, PAGE, context, status=200 if stats is not None else 400)


def _link(request: HtmxHttpRequest, period: Period) -> str:
    """The page's query string for ``period``, the other filters kept."""
    query = request.GET.copy()
    query["period"] = period.kind
    query["start"] = period.first.isoformat()
    if period.kind == CUSTOM:
        query["end"] = period.last.isoformat()
    else:
        query.pop("end", None)
    return query.urlencode()


@require_POST
@login_required
def request_report(request: HtmxHttpRequest) -> HttpResponse:
    """The page's period and ports as a PDF; the document page shows it being prepared."""
    _filters, stats = _read(request)
    if stats is None:
        return render(request, PAGE, {"filters": _filters, "stats": None}, status=400)
    document = request_statistics_pdf(request.user, stats.ports, stats.period)
    return redirect("document", document.pk)


@login_required
def statistics_download(request: HtmxHttpRequest, table: str, fmt: str) -> HttpResponse:
    build = statistics_tables.BUILDERS.get(table)
    if build is None or fmt not in ("csv", "xlsx"):
        raise Http404("No such table.")
    filters, stats = _read(request)
    if stats is None:
        return render(request, PAGE, {"filters": filters, "stats": None}, status=400)
    found = build(stats)
    ports = "-".join(p.iata for p in stats.ports) if len(stats.ports) < 4 else "all"
    name = f"statistics-{found.key}-{ports}-{stats.period.slug}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(
            statistics_tables.table_csv(found), content_type="text/csv; charset=utf-8"
        )
    else:
        heading = f"{found.title} · {stats.period.label} · {', '.join(p.iata for p in stats.ports)}"
        response = HttpResponse(statistics_tables.table_xlsx(found, heading), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response
