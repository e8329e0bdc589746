"""The second factor in tests: codes computed from a secret the way an authenticator app does
(RFC 6238, written out here rather than borrowed from django-otp, so a test proves the app on a
phone would agree), and a test client whose ``force_login`` passes the second factor."""

from __future__ import annotations

import base64
import hashlib
import hmac
import struct
import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from poe_ops.services.second_factor import APP_DEVICE_NAME, requires_second_factor

STEP = 30


def totp_code(secret_base32: str, at: float | None = None) -> str:
    """The six digits an authenticator app shows for ``secret_base32`` at ``at`` (now)."""
    key = base64.b32decode(
        secret_base32.replace(" ", "").upper() + "=" * (-len(secret_base32.replace(" ", "")) % 8)
    )
    counter = int((time.time() if at is None else at) // STEP)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def secret_of(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode("ascii")


def app_of(user: Any) -> TOTPDevice:
    """The person's confirmed authenticator app, added (as if enrolled) when they have none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=True)
    return device


def fresh_code(device: TOTPDevice) -> str:
    """A code the device will still accept: django-otp takes each time step once (a replayed
    code is refused), so after a sign-in in this step the next step's code is used (within the
    device's tolerance of one step), waiting for the clock if even that one is spent."""
    device.refresh_from_db()
    now = time.time()
    step = max(int(now // STEP), device.last_t + 1)
    while step > int(time.time() // STEP) + device.tolerance:
        time.sleep(0.5)
    return totp_code(secret_of(device), at=step * STEP)


def pass_second_factor(client: Client, user: Any) -> None:
    """Mark the client's session as past the second factor, as the code page would."""
    if not requires_second_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = app_of(user).persistent_id
    session.save()


class SignedInClient(Client):
    """``force_login`` signs in completely: password and, when the role needs it, the second
    factor."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        pass_second_factor(self, user)
