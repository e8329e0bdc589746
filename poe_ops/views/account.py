"""Signing in: the sign-in page, and the session endpoint that the sign-in dialog uses to sign
in again over the page it is on (static/js/signin.js), without leaving it — with the second
factor's code when the account has one."""

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
from poe_ops.refusals import Refusal
from poe_ops.services import second_factor
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
    # What the session must still pass: "code" (the dialog asks for it), "setup" (the app is
    # enrolled on the sign-in page, not in a dialog), or "".
    needs = second_factor.still_needed(request) if signed_in else ""
    return {
        # May use the site: signed in and, for the roles that need it, past the second factor.
        "authenticated": signed_in and not needs,
        "second_factor": needs,
        "user": user.pk if signed_in else None,
        "name": display_name(user) if signed_in else "",
        # The page's token after a sign-in (which rotates it) or a CSRF failure.
        "csrf_token": get_token(request),
    }


def _refused(request: HttpRequest, errors: list[str]) -> JsonResponse:
    return JsonResponse({**_state(request), "errors": errors}, status=400)


@never_cache
@ensure_csrf_cookie
@require_http_methods(["GET", "POST"])
def session(request: HttpRequest) -> JsonResponse:
    """GET: whether this browser is signed in (and past the second factor), and a valid CSRF
    token for the page. POST (username, password; and the code once the account needs it):
    sign in as the sign-in page and the code page do — throttled by django-axes and by
    django-otp the same way, audited the same way; 400 with the errors in words when refused.
    A session that has the password but still needs the code posts the code alone."""
    if request.method == "POST":
        form = SignInDialogForm(request, data=request.POST)
        password_step = not request.user.is_authenticated or bool(
            request.POST.get(form.add_prefix("password"))
        )
        if password_step:
            if not form.is_valid():
                errors = [str(e) for e in form.non_field_errors()]
                for name in ("username", "password"):
                    errors += [f"{form.fields[name].label}: {e}" for e in form.errors.get(name, [])]
                return _refused(request, errors)
            auth_login(request, form.get_user())
        code = request.POST.get(form.add_prefix("code"), "")
        if second_factor.still_needed(request) == "code" and (code.strip() or not password_step):
            try:
                second_factor.verify(request, code)
            except Refusal as refusal:
                return _refused(request, [f"{form.fields['code'].label}: {refusal.message}"])
    return JsonResponse(_state(request))
