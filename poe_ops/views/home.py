"""Core views: the home redirect and the health check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from poe_ops.health import broker_status
from poe_ops.http import HtmxHttpRequest
from poe_ops.registry import page_url
from poe_ops.roles import hq_offices
from poe_ops.scoping import ports_for


@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    """HQ staff land on the board; port staff on their port's day."""
    user = request.user
    if user.is_superuser or hq_offices(user):
        return redirect(page_url("board"))
    port = ports_for(user).first()
    if port is None:
        return render(request, "poe_ops/no_port.html", status=403)
    return redirect(page_url("port_day", port.iata))


@never_cache
@require_GET
def healthz(request: HtmxHttpRequest) -> JsonResponse:
    """For load balancers and monitors: is the database reachable, is the broker?"""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except Exception:  # any failure means "not reachable"; the detail goes to the log
        checks["database"] = "unreachable"
    checks["broker"] = broker_status()
    healthy = all(value in {"ok", "eager"} for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
