"""Signing in: the sign-in page, and the session endpoint that the sign-in dialog uses to sign
in again over the page it is on (static/js/taps.js), without leaving it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import resolve_url
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import ensure_csrf_cookie
from django.views.decorators.http import require_http_methods

from poe_ops.forms import LoginForm, SignInDialogForm
from poe_ops.http import accepts_get
from poe_ops.text import display_name


class SignInView(LoginView):
    """Django's sign-in page; ``next`` never leads to an action that only takes POST (a tap's
    URL kept from before a sign-out answered a blank 405): the start page instead."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        url = super().get_redirect_url()
        return url if url and accepts_get(url) else ""

    def get_default_redirect_url(self) -> str:
        return resolve_url(settings.LOGIN_REDIRECT_URL)


def _state(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    signed_in = user.is_authenticated
    return {
        "authenticated": signed_in,
        "user": user.pk if signed_in else None,
        "name": display_name(user) if signed_in else "",
        # The page's token after a sign-in (which rotates it) or a CSRF failure.
        "csrf_token": get_token(request),
    }


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest) -> JsonResponse:
    """GET: whether this browser is signed in, and a valid CSRF token for the page. POST
    (username, password): sign in as the sign-in page does (throttled by django-axes the same
    way); 400 with the form's errors in words when refused."""
    if request.method == "POST":
        form = SignInDialogForm(request, data=request.POST)
        if not form.is_valid():
            errors = [str(e) for e in form.non_field_errors()]
            for name in ("username", "password"):
                errors += [f"{form.fields[name].label}: {e}" for e in form.errors.get(name, [])]
            return JsonResponse({**_state(request), "errors": errors}, status=400)
        auth_login(request, form.get_user())
    return JsonResponse(_state(request))
