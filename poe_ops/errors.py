"""Generic error pages: say what happened in plain words, reveal nothing about the system."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "error.html", {"status": status, "title": title, "message": message}, status=status
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # Our own PermissionDenied messages are written for the user; anything else stays generic.
    reason = str(exception) if exception and str(exception) else ""
    return _page(request, 403, "Not allowed", reason or "You do not have permission to do this.")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _page(request, 404, "Not found", "There is nothing here, or you cannot see it.")


def server_error(request: HttpRequest) -> HttpResponse:
    # No template context processors beyond the bare minimum: the error may be in them.
    from django.template import loader

    template = loader.get_template("500.html")
    return HttpResponse(template.render(), status=500)
