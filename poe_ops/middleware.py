"""Request id, session time-outs, no caching of pages that carry personal data, and refusals
answered in words."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render, resolve_url
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django_htmx.http import reswap, retarget

from poe_ops.http import is_background, return_path, signed_out_answer
from poe_ops.refusals import Conflict, Refusal
from poe_ops.scoping import request_permission_cache
from poe_ops.services.audit import current_request_id

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")

Handler = Callable[[HttpRequest], HttpResponse]

# Session keys.
LOGGED_IN_AT = "poe_logged_in_at"
LAST_SEEN_AT = "poe_last_seen_at"
# Writing the session on every request would cost a database write per htmx poll; a minute's
# precision is plenty for an idle time-out measured in tens of minutes.
LAST_SEEN_RESOLUTION = 60
# Sent by a page asking for its own fresh content (htmx, static/js/live.js): not activity.
LIVE_HEADER = "X-POE-Live"


class RequestIdMiddleware:
    """Give every request an id (or keep a well-formed one from the proxy) for the audit log."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class PortPermissionCacheMiddleware:
    """Read the user's port permissions at most once per request (see poe_ops.scoping)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_permission_cache():
            return self.get_response(request)


class SessionTimeoutMiddleware:
    """Sign out a session left idle too long, or older than a shift, whatever its activity; and
    answer every request that needs a signed-in user in a way its sender understands: a page's
    script (htmx, the tablet's tap queue) gets 401 and opens the sign-in dialog over the page,
    a browser goes to the sign-in page and comes back to the page it was on — never to an
    action that only takes POST (a tap's URL, which answered a blank 405)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            logged_in_at = session.get(LOGGED_IN_AT, now)
            last_seen = session.get(LAST_SEEN_AT, now)
            idle = now - last_seen > settings.SESSION_IDLE_MINUTES * 60
            too_old = now - logged_in_at > settings.SESSION_MAX_HOURS * 3600
            if idle or too_old:
                logout(request)
                message = (
                    "You were signed out after a period without activity. Please sign in again."
                    if idle
                    else "Your session ended at the end of the shift. Please sign in again."
                )
                if request.method not in {"GET", "HEAD"} and not is_background(request):
                    message += " What you sent last was not saved: do it again once signed in."
                if not is_background(request):
                    messages.info(request, message)
                return signed_out_answer(request, message)
            session.setdefault(LOGGED_IN_AT, now)
            # A page refreshing itself (static/js/live.js says so) is not someone using the
            # tablet: a flight page left open must not keep a forgotten tablet signed in.
            passive = request.headers.get(LIVE_HEADER) == "1"
            if not passive and (
                now - last_seen >= LAST_SEEN_RESOLUTION or LAST_SEEN_AT not in session
            ):
                session[LAST_SEEN_AT] = now
        response = self.get_response(request)
        if self._sends_to_login(request, response):
            # login_required's redirect: for a script, 401; for a posted form, back to its page.
            return signed_out_answer(request, "You are signed out. Please sign in again.")
        return response

    @staticmethod
    def _sends_to_login(request: HttpRequest, response: HttpResponse) -> bool:
        if response.status_code != 302 or request.user.is_authenticated:
            return False
        login_url = resolve_url(settings.LOGIN_URL)
        location = response.get("Location", "")
        if not location.startswith(f"{login_url}?"):
            return False
        return is_background(request) or return_path(request) != request.get_full_path()


class NoStoreForAuthenticatedMiddleware:
    """Pages seen by a signed-in user hold personal data: never keep them in a browser cache."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response


class RefusalMiddleware:
    """Answers a ``Refusal`` no view caught with its message in words and its status (400, or
    409 for a conflict), never a raw error: for htmx, the message goes to the page's announcer
    (``#announcer`` in base.html) and nothing else on the page is touched; otherwise an error
    page with the message and a way back. Views that show a refusal in place (on a form, in a
    person's row) catch it themselves."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, ValidationError):
            # Field checks a service made for a form the view did not show: still words.
            exception = Refusal(" ".join(exception.messages), code="invalid")
        if not isinstance(exception, Refusal):
            return None
        if getattr(request, "htmx", False):
            response = render(
                request, "refusal.html#message", {"refusal": exception}, status=exception.status
            )
            return reswap(retarget(response, "#announcer"), "innerHTML")
        title = "Someone else was first" if isinstance(exception, Conflict) else "Not done"
        return render(
            request,
            "error.html",
            {"status": exception.status, "title": title, "message": exception.message},
            status=exception.status,
        )
