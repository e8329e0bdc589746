"""The second factor: who needs one, enrolling an authenticator app, signing in with a code or
a recovery code, a device remembered for a shift, and an administrator's reset.

Devices are django-otp's (``TOTPDevice`` for the authenticator app, ``StaticDevice`` for the
recovery codes). A session that passed the second factor carries django-otp's device key
(``DEVICE_ID_SESSION_KEY``); ``SecondFactorMiddleware`` sends anyone who needs a second factor
and has not passed it to the sign-in code page (or to enrolment when they have no app yet) from
every protected page, Django admin included. Sessions live on the server, so that key cannot be
forged; an administrator's reset deletes the devices and ends every session of the person.
"""

from __future__ import annotations

import hashlib
from base64 import b32encode
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user, verify_token
from django_otp import login as otp_login
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE, VIEW
from poe_ops.scoping import port_permissions
from poe_ops.services.accounts import end_sessions
from poe_ops.services.audit import log_action

User = AbstractBaseUser | AnonymousUser

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
RECOVERY_CODES = 10
REMEMBER_COOKIE = "poe_second_factor"
_REMEMBER_SALT = "poe_ops.second_factor.remember"
# What an associate holds at the port where they work; anything more (coordinating, supervising)
# or a port seen without working at it (HQ, focal points) needs a second factor.
_ASSOCIATE_PERMISSIONS = frozenset({VIEW, OPERATE})


def requires_second_factor(user: User) -> bool:
    """Officers, senior associates, Operations HQ, focal points and administrators need a second
    factor; associates on the shared tablets do not (docs/decisions.md, 2026-11-29). Decided
    from the port permissions the request reads anyway, so it costs no query of its own."""
    if not user.is_authenticated:
        return False
    if getattr(user, "is_staff", False) or getattr(user, "is_superuser", False):
        return True
    return any(perms != _ASSOCIATE_PERMISSIONS for perms in port_permissions(user).values())


def is_verified(request: HttpRequest) -> bool:
    """Has this session passed the second factor (or the person needs none)?"""
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def still_needed(request: HttpRequest) -> str:
    """What this signed-in session must still pass before it may use the site: "" (nothing: it
    passed, the person needs no second factor, or this browser is remembered for the shift),
    "code", or "setup" (no authenticator app enrolled yet)."""
    user = request.user
    if (
        not isinstance(user, AbstractBaseUser)
        or is_verified(request)
        or not requires_second_factor(user)
        or remembered(request)
    ):
        return ""
    return "code" if has_app(user) else "setup"


def has_app(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


# --- Enrolment --------------------------------------------------------------------------------


def app_secret(device: TOTPDevice) -> str:
    """The secret as an authenticator app takes it when typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def pending_app(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator app being enrolled: one unconfirmed device per person, made on first
    asking and kept until confirmed, so reloading the page does not change the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def _clean(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _app_code(cleaned: str) -> bool:
    """Six digits are the app's code; anything else is tried as a recovery code (eight
    characters, which may by chance all be digits)."""
    return cleaned.isdigit() and len(cleaned) == 6


def _not_now(device: Device) -> Refusal | None:
    allowed, data = device.verify_is_allowed()
    if allowed:
        return None
    until = (data or {}).get("locked_until")
    wait = max(1, int((until - timezone.now()).total_seconds()) + 1) if until else 60
    return Refusal(
        f"Too many wrong codes. Wait {wait} seconds, then type the newest code.",
        code="second_factor_throttled",
        field="code",
    )


def _new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def enrol(request: HttpRequest, code: str) -> list[str]:
    """Confirm the pending authenticator app with a code it shows; the session has then passed
    the second factor. Returns the new recovery codes (shown once). ``Refusal`` naming the
    code field when the code is not right."""
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    device = pending_app(user)
    refusal = _not_now(device)
    if refusal is not None:
        raise refusal
    if verify_token(user, device.persistent_id, _clean(code)) is None:
        log_action(user, "poe.second_factor.refused", user, data={"during": "enrolment"})
        raise Refusal(
            "That code is not the one your app shows now. Check that the app shows “POE Ops” "
            "with your user name, and type the six digits it shows now.",
            code="second_factor_wrong",
            field="code",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        TOTPDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        codes = _new_recovery_codes(user)
        log_action(user, "poe.second_factor.enrolled", user, data={"device": APP_DEVICE_NAME})
    otp_login(request, device)
    return codes


def recovery_codes_left(user: AbstractBaseUser) -> int:
    return StaticToken.objects.filter(device__user=user, device__name=RECOVERY_DEVICE_NAME).count()


def renew_recovery_codes(request: HttpRequest) -> list[str]:
    """New recovery codes for the signed-in person (the old ones stop working)."""
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        log_action(user, "poe.second_factor.recovery_codes_renewed", user)
    return codes


# --- Signing in -------------------------------------------------------------------------------


def verify(request: HttpRequest, code: str) -> Device:
    """Pass the second factor with the app's six digits or one recovery code (used up). Wrong
    codes are counted per device and slow down (1, 2, 4 … seconds); each is audited."""
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    cleaned = _clean(code)
    if not cleaned:
        raise Refusal(
            "Type the six digits your authenticator app shows, or a recovery code.",
            code="second_factor_missing",
            field="code",
        )
    devices = [
        d
        for d in devices_for_user(user, confirmed=True)
        if isinstance(d, TOTPDevice if _app_code(cleaned) else StaticDevice)
    ]
    for device in devices:
        refusal = _not_now(device)
        if refusal is not None:
            raise refusal
        verified = verify_token(user, device.persistent_id, cleaned)
        if verified is not None:
            method = "app" if isinstance(verified, TOTPDevice) else "recovery_code"
            data: dict[str, Any] = {"method": method}
            if method == "recovery_code":
                data["recovery_codes_left"] = recovery_codes_left(user)
            log_action(user, "poe.second_factor.verified", user, data=data)
            otp_login(request, verified)
            return verified
    log_action(user, "poe.second_factor.refused", user, data={"during": "sign-in"})
    raise Refusal(
        "That code is not right. Type the six digits your authenticator app shows now, or one "
        "of your recovery codes.",
        code="second_factor_wrong",
        field="code",
    )


# --- A device remembered for a shift ------------------------------------------------------------


def remember_hours() -> int:
    """How long this browser is remembered: ``POE_SECOND_FACTOR_REMEMBER_HOURS``, never longer
    than a session may live (a shift)."""
    hours: int = min(settings.POE_SECOND_FACTOR_REMEMBER_HOURS, settings.SESSION_MAX_HOURS)
    return hours


def _fingerprint(device: Device) -> str:
    # Bound to the device row: a reset (or a new enrolment) makes every remembered browser
    # ask again.
    return hashlib.sha256(f"{device.persistent_id}:{device.user_id}".encode()).hexdigest()[:32]


def remember(response: HttpResponse, request: HttpRequest, device: Device) -> None:
    """Let this browser skip the code at the next sign-in of the same person, until the end of
    the shift (``remember_hours``). A signed cookie; the password is still asked for."""
    value = signing.dumps(
        {"u": request.user.pk, "d": device.persistent_id, "f": _fingerprint(device)},
        salt=_REMEMBER_SALT,
    )
    response.set_cookie(
        REMEMBER_COOKIE,
        value,
        max_age=remember_hours() * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def remembered(request: HttpRequest) -> bool:
    """Pass the second factor with this browser's remembered-device cookie, if it is still
    good for this person; audited like any second-factor sign-in."""
    raw = request.COOKIES.get(REMEMBER_COOKIE)
    user = request.user
    if not raw or not isinstance(user, AbstractBaseUser):
        return False
    try:
        value = signing.loads(raw, salt=_REMEMBER_SALT, max_age=remember_hours() * 3600)
    except signing.BadSignature:  # also an expired one
        return False
    if not isinstance(value, dict) or value.get("u") != user.pk:
        return False
    device = Device.from_persistent_id(str(value.get("d", "")))
    if device is None or device.user_id != user.pk or not device.confirmed:
        return False
    if value.get("f") != _fingerprint(device):
        return False
    log_action(user, "poe.second_factor.verified", user, data={"method": "remembered_browser"})
    otp_login(request, device)
    return True


# --- An administrator's reset -------------------------------------------------------------------


@dataclass(frozen=True)
class Reset:
    devices: int
    sessions: int


def reset(actor: AbstractBaseUser, person: AbstractBaseUser) -> Reset:
    """Remove ``person``'s authenticator app and recovery codes (a lost phone) and end their
    sessions: at their next sign-in they enrol again. Only an administrator who may change
    accounts; the reset is audited with who did it."""
    if not (getattr(actor, "is_superuser", False) or actor.has_perm("auth.change_user")):  # type: ignore[attr-defined]
        raise Refusal("Only an administrator can reset someone's second factor.")
    with transaction.atomic():
        devices = list(devices_for_user(person, confirmed=None))
        for device in devices:
            device.delete()
        sessions = end_sessions(person)
        log_action(
            actor,
            "poe.second_factor.reset",
            person,
            data={"devices": len(devices), "sessions_ended": sessions},
        )
    return Reset(devices=len(devices), sessions=sessions)
