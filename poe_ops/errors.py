"""Generic error pages: say what happened in plain words, reveal nothing about the system."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from poe_ops.http import CSRF_FAILED_HEADER, is_background


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


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form or tap whose CSRF token is no longer valid (a tablet idle past its token, a
    sign-in in another tab). A page's script gets 403 with ``X-POE-CSRF-Failed``, fetches a
    fresh token (or opens the sign-in dialog) and sends the tap again; a browser gets the
    "page expired" page. Nothing was saved either way."""
    if is_background(request):
        response = HttpResponse(
            "This page had expired; nothing was saved.",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
        response[CSRF_FAILED_HEADER] = "1"
        return response
    return render(request, "403_csrf.html", status=403)
