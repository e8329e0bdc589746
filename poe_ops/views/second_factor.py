"""The second factor's pages: the code asked after the password, enrolling an authenticator
app on first sign-in, and new recovery codes. The operations are in
``poe_ops.services.second_factor``; ``SecondFactorMiddleware`` sends people here."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from poe_ops.forms import EnrolForm, SecondFactorForm
from poe_ops.http import HtmxHttpRequest
from poe_ops.refusals import Refusal
from poe_ops.services import second_factor

VERIFY = "registration/second_factor.html"
SETUP = "registration/second_factor_setup.html"
CODES = "registration/recovery_codes.html"


def _next(request: HtmxHttpRequest) -> str:
    """Where to go once the second factor is passed: the page asked for, on this site only."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, {request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return resolve_url("home")


def _user(request: HtmxHttpRequest) -> AbstractBaseUser:
    assert isinstance(request.user, AbstractBaseUser)
    return request.user


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HtmxHttpRequest) -> HttpResponse:
    """The code after the password. Someone with no app yet is sent to enrol."""
    if second_factor.is_verified(request):
        return redirect(_next(request))
    if not second_factor.has_app(_user(request)):
        return redirect(f"{resolve_url('second_factor_setup')}?{request.GET.urlencode()}")
    hours = second_factor.remember_hours()
    form = SecondFactorForm(request.POST or None, remember_hours=hours)
    if request.method == "POST" and form.is_valid():
        try:
            device = second_factor.verify(request, form.cleaned_data["code"])
        except Refusal as refusal:
            form.add_error("code", refusal.message)
        else:
            response = redirect(_next(request))
            left = second_factor.recovery_codes_left(_user(request))
            if not isinstance(device, TOTPDevice) and left <= 3:
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} are left. Make new ones under "
                    "“Recovery codes” before they run out.",
                )
            if form.cleaned_data.get("remember"):
                second_factor.remember(response, request, device)
            return response
    status = 400 if form.errors else 200
    return render(request, VERIFY, {"form": form, "next": _next(request)}, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def setup(request: HtmxHttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a code;
    then the recovery codes, shown once."""
    user = _user(request)
    if second_factor.is_verified(request) or second_factor.has_app(user):
        # Enrolling again is for an administrator's reset; a second app is not added here.
        return redirect(f"{resolve_url('second_factor')}?{request.GET.urlencode()}")
    device = second_factor.pending_app(user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = second_factor.enrol(request, form.cleaned_data["code"])
        except Refusal as refusal:
            form.add_error("code", refusal.message)
        else:
            return render(request, CODES, {"codes": codes, "next": _next(request), "new": True})
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "next": _next(request),
        "qr_svg": qr.svg_inline(scale=5, dark="#111", light="#fff", title="QR code for POE Ops"),
        "secret": second_factor.app_secret(device),
        "issuer_label": f"POE Ops: {user.get_username()}",
    }
    return render(request, SETUP, context, status=400 if form.errors else 200)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def recovery_codes(request: HtmxHttpRequest) -> HttpResponse:
    """How many recovery codes are left; POST makes new ones (the old ones stop working)."""
    user = _user(request)
    if not second_factor.has_app(user):
        return redirect("home")
    if request.method == "POST":
        codes = second_factor.renew_recovery_codes(request)
        return render(request, CODES, {"codes": codes, "next": resolve_url("home"), "new": False})
    left = second_factor.recovery_codes_left(user)
    return render(request, CODES, {"left": left, "next": resolve_url("home")})
