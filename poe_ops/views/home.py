"""Core views: the home redirect and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from poe_ops.health import broker_status, worker_health
from poe_ops.http import HtmxHttpRequest
from poe_ops.registry import page_url
from poe_ops.roles import OPERATE, hq_offices
from poe_ops.scoping import ports_for


@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    """HQ staff land on the board; port staff on their port's day; focal points, who work at
    no port, on the incident reports routed to them."""
    user = request.user
    if user.is_superuser or hq_offices(user):
        return redirect(page_url("board"))
    port = ports_for(user, OPERATE).first()
    if port is None and ports_for(user).exists():
        return redirect(page_url("incidents"))
    if port is None:
        return render(request, "poe_ops/no_port.html", status=403)
    return redirect(page_url("port_day", port.iata))


@never_cache
@require_GET
def healthz(request: HtmxHttpRequest) -> JsonResponse:
    """For load balancers and monitors. 503 when the database or the broker is unreachable;
    ``degraded`` (still 200: taps and approvals go on) when the worker's heartbeat is late or a
    notification or PDF has waited too long. Counts and ages only, no personal data."""
    checks: dict[str, object] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # any failure means "not reachable"; the detail goes to the log
        checks["database"] = "unreachable"
    checks["broker"] = broker_status()
    healthy = checks["database"] == "ok" and checks["broker"] in {"ok", "eager"}
    degraded = False
    if checks["database"] == "ok" and checks["broker"] != "eager":
        worker = worker_health()
        checks.update(worker.as_dict())
        degraded = worker.worker != "ok" or worker.backlog != "ok"
    elif checks["broker"] == "eager":
        checks["worker"] = "in-process"
    status = "unavailable" if not healthy else ("degraded" if degraded else "ok")
    return JsonResponse({"status": status, **checks}, status=200 if healthy else 503)
