"""``manage.py demo_code atl.officer``: the current second-factor code of a demo user, for
trying the demo without an authenticator app. Refused with DEBUG off, and for anyone whose
authenticator secret is not the published demo one."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from poe_ops.demo import demo_totp_key


class Command(BaseCommand):
    help = "Print a demo user's current authenticator code (DEBUG only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("demo_code is for the demo only; it is refused when DEBUG is off.")
        username = options["username"]
        person = get_user_model().objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=person, confirmed=True).first() if person else None
        if device is None or device.key != demo_totp_key(username):
            raise CommandError(f"{username} has no demo authenticator (run manage.py seed_demo).")
        code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        left = device.step - int(time.time() - device.t0) % device.step
        self.stdout.write(f"{code:0{device.digits}d}  (good for {left} more seconds)")
