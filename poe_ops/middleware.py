"""Request id, session time-outs, no caching of pages that carry personal data, control
characters refused at the door, and refusals answered in words."""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.http import urlencode
from django_htmx.http import reswap, retarget

from poe_ops.http import is_background, return_path, second_factor_answer, signed_out_answer
from poe_ops.refusals import Conflict, Refusal
from poe_ops.scoping import request_permission_cache
from poe_ops.services import second_factor
from poe_ops.services.audit import current_request_id
from poe_ops.text import control_character_at

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


class SecondFactorMiddleware:
    """Every protected page, Django admin included, asks for the second factor of those who
    need one (``second_factor.requires_second_factor``) until their session has passed it:
    the code page, or enrolment when they have no authenticator app yet. A browser remembered
    for the shift passes without a code. A page's script (htmx, the tablet's tap queue) is
    never sent a page: it gets 401 and the sign-in dialog asks for the code over the page it is
    on (``second_factor_answer``). Signing in and out (the dialog's session endpoint too), the
    code pages, the tablet's service worker and manifest, and the health check stay reachable."""

    OPEN = (
        "login",
        "logout",
        "session",
        "second_factor",
        "second_factor_setup",
        "service_worker",
        "web_manifest",
        "healthz",
    )

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self._open: frozenset[str] | None = None

    def _open_paths(self) -> frozenset[str]:
        if self._open is None:
            self._open = frozenset(reverse(name) for name in self.OPEN)
        return self._open

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            request.user.is_authenticated
            and not second_factor.is_verified(request)
            and request.path_info not in self._open_paths()
        ):
            needs = second_factor.still_needed(request)
            if needs:
                return self._ask(request, needs)
        return self.get_response(request)

    def _ask(self, request: HttpRequest, needs: str) -> HttpResponse:
        if is_background(request):
            return second_factor_answer(request, needs)
        url = reverse("second_factor" if needs == "code" else "second_factor_setup")
        if request.method in {"GET", "HEAD"}:
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)


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


def refusal_response(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """A refusal in words with its status: for htmx in the page's announcer (``#announcer`` in
    base.html), nothing else on the page touched; otherwise an error page with a way back."""
    if getattr(request, "htmx", False):
        response = render(
            request, "refusal.html#message", {"refusal": refusal}, status=refusal.status
        )
        response = reswap(retarget(response, "#announcer"), "innerHTML")
    else:
        title = "Someone else was first" if isinstance(refusal, Conflict) else "Not done"
        if refusal.status == 429:
            title = "Too many at once"
        response = render(
            request,
            "error.html",
            {"status": refusal.status, "title": title, "message": refusal.message},
            status=refusal.status,
        )
    retry_after = getattr(refusal, "retry_after", None)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


class TooLarge(Refusal):
    status = 413
    default_code = "too_large"


class RequestSizeMiddleware:
    """Answers a request whose body is larger than ``POE_MAX_REQUEST_BYTES`` with 413, in words,
    before anything reads it — a web worker never spends itself on a body no form could take."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        limit = settings.POE_MAX_REQUEST_BYTES
        if size > limit:
            refusal = TooLarge(
                f"What you sent is {size / 1024 / 1024:.1f} MB; POE Ops takes at most "
                f"{limit // 1024 // 1024} MB at once. Nothing was saved: send a smaller file."
            )
            # Not read: tell the client not to keep the connection for the rest of it.
            response = refusal_response(request, refusal)
            response["Connection"] = "close"
            return response
        return self.get_response(request)


def _field_words(name: str) -> str:
    return name.replace("_", " ").replace("-", " ").strip() or "a field"


def control_character_refusal(request: HttpRequest) -> Refusal | None:
    """A refusal naming where the request carries a control character (NUL and the other
    invisible C0/C1 characters; tab and line breaks are text), or ``None``. Every input is
    looked at: the address, its query, form fields and uploaded files' names."""
    if control_character_at(request.path_info) is not None:
        return Refusal(
            "This address contains a control character (an invisible character, often from a "
            "pasted or mangled link), so it leads nowhere. Check the link; nothing was done.",
            code="control_character",
        )
    where: list[tuple[str, str, str]] = [
        ("query", key, value) for key, values in request.GET.lists() for value in values
    ]
    if request.method == "POST":
        where += [("form", key, value) for key, values in request.POST.lists() for value in values]
        where += [
            ("file", key, upload.name or "")
            for key, uploads in request.FILES.lists()
            for upload in uploads
        ]
    for kind, key, value in where:
        if control_character_at(key) is None and control_character_at(value) is None:
            continue
        field = _field_words(key) if control_character_at(key) is None else "a field"
        if kind == "file":
            message = (
                f"The name of the file in “{field}” contains a control character (an invisible "
                "character). Rename the file and send it again; nothing was saved."
            )
        elif kind == "query":
            message = (
                f"“{field}” in the address contains a control character (an invisible "
                "character, often pasted from another program). Type it again; nothing was done."
            )
        else:
            message = (
                f"The text in “{field}” contains a control character (an invisible character, "
                "often pasted from another program or a scanner). Nothing was saved: type that "
                "text again, or paste it as plain text, and send it again."
            )
        return Refusal(message, code="control_character", field=key)
    return None


class ControlCharacterMiddleware:
    """Refuses, in words and with a 400, any request whose address, query, form fields or
    file names carry a control character — before any view, query or form sees it. NUL is the
    one that matters most (PostgreSQL refuses it in text: a 500 otherwise; SQLite would store
    it in a name), but none of them belongs in what people type."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = control_character_refusal(request)
        if refusal is not None:
            return refusal_response(request, refusal)
        return self.get_response(request)


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
        return refusal_response(request, exception)
