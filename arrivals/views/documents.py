"""Asking for the arrivals day's paperwork: a port's daily manifest, a case's arrival sheet."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from arrivals import documents
from cases.queries.cases import case_for
from poe_ops.http import HtmxHttpRequest
from poe_ops.scoping import get_port_or_404
from poe_ops.views.documents import answer, refused


@require_POST
@login_required
def request_manifest(request: HtmxHttpRequest, iata: str) -> HttpResponse:
    port = get_port_or_404(request.user, iata)
    raw = request.POST.get("date", "").strip()
    try:
        day = dt.date.fromisoformat(raw) if raw else port.local_today()
    except ValueError:
        message = f"“{raw}” is not a date in the form YYYY-MM-DD; no manifest was made."
        return refused(request, message, reverse("arrivals:port_today", args=[port.iata]))
    return answer(request, documents.request_manifest(request.user, port, day))


@require_POST
@login_required
def request_case_sheet(request: HtmxHttpRequest, case_number: str) -> HttpResponse:
    case = case_for(request.user, case_number)
    return answer(request, documents.request_case_sheet(request.user, case))
