"""What every view reads off a request, in one place: the htmx details (django-htmx's
middleware sets ``request.htmx``), the device a tap came from, and how a request from a page's
script (htmx, the tablet's tap queue) is answered when its session has ended."""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_htmx.middleware import HtmxDetails

ViewT = TypeVar("ViewT", bound=Callable[..., Any])

# The name a tablet is given once ("ATL tablet 3", poe_ops.views.device): a cookie on the
# tablet, so every tap carries it — from the tap queue and from a form posted without script.
DEVICE_COOKIE = "poe_device"
DEVICE_LABEL_MAX = 40
# Answers the page's scripts read (static/js/taps.js, static/js/signin.js): the session has
# ended, or the CSRF token the page holds is no longer valid.
SIGNED_OUT_HEADER = "X-POE-Signed-Out"
# With SIGNED_OUT_HEADER on a 401: the session is signed in but has not passed the second factor;
# the dialog asks for the "code" (or, with no authenticator app enrolled yet, says "setup").
SECOND_FACTOR_HEADER = "X-POE-Second-Factor"
CSRF_FAILED_HEADER = "X-POE-CSRF-Failed"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_BROWSERS = [
    ("Edg/", "Edge"),
    ("SamsungBrowser/", "Samsung Internet"),
    ("Firefox/", "Firefox"),
    ("FxiOS/", "Firefox"),
    ("CriOS/", "Chrome"),
    ("Chromium/", "Chromium"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
]
_SYSTEMS = [
    ("iPad", "iPad"),
    ("iPhone", "iPhone"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
]


class HtmxHttpRequest(HttpRequest):
    """The request type of views that read ``request.htmx``."""

    htmx: HtmxDetails


def clean_device_label(text: str) -> str:
    """A device name as typed on the tablet, made safe to keep and show: control characters
    dropped, spaces collapsed, at most ``DEVICE_LABEL_MAX`` characters."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:DEVICE_LABEL_MAX]


def device_name(request: HttpRequest) -> str:
    """The name this tablet was given, from its cookie (which carries it URL-encoded)."""
    return clean_device_label(urllib.parse.unquote(request.COOKIES.get(DEVICE_COOKIE, "")))


def describe_user_agent(user_agent: str) -> str:
    """ "Chrome on Android" from a browser's user-agent string (as old step events stored it);
    "" when nothing is recognised."""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    system = next((name for token, name in _SYSTEMS if token in user_agent), "")
    if browser and system:
        return f"{browser} on {system}"
    return browser or system


def looks_like_user_agent(device: str) -> bool:
    return device.startswith("Mozilla/") or bool(re.search(r"\w/\d", device))


def device_label(device: str) -> str:
    """How the step history names a device: its label as given, or for a browser that was never
    named (and for events recorded before tablets had names) a short description."""
    if not device:
        return ""
    if looks_like_user_agent(device):
        return describe_user_agent(device) or "a browser"
    return device


def device_of(request: HttpRequest) -> str:
    """The device a step was recorded from, as the step history shows it: the name the tablet
    was given, else "Unnamed · Chrome on Android"."""
    label = device_name(request)
    if label:
        return label
    described = describe_user_agent(request.headers.get("User-Agent", ""))
    return f"Unnamed · {described}" if described else "Unnamed device"


def is_background(request: HttpRequest) -> bool:
    """Sent by a page's script (htmx or the tap queue, which sends htmx's header too) rather
    than by the browser navigating: such a request must never be answered with a page to show
    in place of a row."""
    return (
        request.headers.get("HX-Request") == "true"
        or request.headers.get("X-Requested-With") == "XMLHttpRequest"
    )


def post_only(view: ViewT) -> ViewT:
    """Django's ``require_POST``, marked so that signing in never leads to the view: a ``next``
    naming it is replaced by the start page (see ``accepts_get``)."""
    wrapped = require_POST(view)
    wrapped.post_only = True  # type: ignore[attr-defined]
    return wrapped


def _takes_get(view: Callable[..., Any]) -> bool:
    """Whether ``view`` answers GET: not when marked ``post_only``, nor when a decorator of
    Django's ``require_http_methods`` family (``require_POST``…) somewhere in its chain of
    wrappers leaves GET out, nor a class-based view without ``get``."""
    seen: Any = view
    for _ in range(20):  # a chain of decorators, never a loop
        if seen is None:
            return True
        if getattr(seen, "post_only", False):
            return False
        view_class = getattr(seen, "view_class", None)
        if view_class is not None:
            return hasattr(view_class, "get") and "get" in view_class.http_method_names
        code, cells = getattr(seen, "__code__", None), getattr(seen, "__closure__", None)
        if code is not None and cells:
            free = dict(zip(code.co_freevars, cells, strict=False))
            if "request_method_list" in free:  # django.views.decorators.http
                return "GET" in free["request_method_list"].cell_contents
        seen = getattr(seen, "__wrapped__", None)
    return True


def accepts_get(path: str) -> bool:
    """Whether ``path`` names a page a browser may open (not an action that takes only POST)."""
    try:
        match = resolve(urllib.parse.urlsplit(path).path)
    except Resolver404:
        return True  # an unknown path answers 404 in words, not a blank 405
    return _takes_get(match.func)


def return_path(request: HttpRequest) -> str:
    """Where to come back to after signing in: the page asked for, or — for a form that was
    posted (a tap, an approval) — the page it was posted from, never the action itself."""
    if request.method in {"GET", "HEAD"}:
        path = request.get_full_path()
        return path if accepts_get(path) else ""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urllib.parse.urlsplit(referer)
        path = urllib.parse.urlunsplit(("", "", parts.path, parts.query, ""))
        return path if accepts_get(path) else ""
    return ""


def signed_out_answer(request: HttpRequest, message: str) -> HttpResponse:
    """The answer to a request whose session has ended. A page's script gets 401 with
    ``X-POE-Signed-Out`` (htmx swaps nothing on a 401; the tap queue keeps the tap and opens the
    sign-in dialog), a browser the sign-in page, coming back to ``return_path`` afterwards."""
    if is_background(request):
        response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
        response[SIGNED_OUT_HEADER] = "1"
        return response
    return redirect_to_login(return_path(request) or "/")


def second_factor_answer(request: HttpRequest, needs: str) -> HttpResponse:
    """The answer to a page's script whose session must still pass the second factor
    (``needs``: "code", or "setup" when no authenticator app is enrolled yet): a 401 like a
    signed-out session's — htmx swaps nothing, the tap queue keeps the tap and opens the sign-in
    dialog — that tells the dialog to ask for the code instead of the password."""
    message = (
        "Type the code your authenticator app shows to go on."
        if needs == "code"
        else "Your account needs an authenticator app first: set it up on the sign-in page."
    )
    response = HttpResponse(message, status=401, content_type="text/plain; charset=utf-8")
    response[SIGNED_OUT_HEADER] = "1"
    response[SECOND_FACTOR_HEADER] = needs
    return response
