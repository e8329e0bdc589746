"""Naming the tablet: the name is kept in a cookie on the tablet itself (it belongs to the
device, not to whoever is signed in) and recorded with every step tapped on it
(``poe_ops.http.device_of``)."""

from __future__ import annotations

import urllib.parse

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from poe_ops.forms import DeviceNameForm
from poe_ops.http import DEVICE_COOKIE, accepts_get, device_name

# Five years: a tablet keeps its name until someone renames it (or clears the browser).
COOKIE_AGE = 5 * 365 * 24 * 3600


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) and (
        target.startswith("/") and accepts_get(target)
    ):
        return target
    return "/"


@login_required
@require_http_methods(["GET", "POST"])
def name_device(request: HttpRequest) -> HttpResponse:
    current = device_name(request)
    form = DeviceNameForm(request.POST or None, initial={"name": current})
    if request.method == "POST" and form.is_valid():
        name = form.cleaned_data["name"]
        messages.success(request, f"This tablet is now called “{name}”.")
        response = redirect(_next(request))
        response.set_cookie(
            DEVICE_COOKIE,
            # Encoded: a cookie value carries ASCII only.
            urllib.parse.quote(name, safe=""),
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return response
    return render(
        request, "poe_ops/device.html", {"form": form, "current": current, "next": _next(request)}
    )
