"""Credentials about to expire: the warning on the roster and the officer's home, and the
daily notice to each port's officers."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User as Person
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from guardian.shortcuts import get_users_with_perms

from poe_ops.models import NotificationKind, Port
from poe_ops.roles import SUPERVISE
from poe_ops.services.notifications import notify
from poe_ops.text import display_name
from staffing.models import Credential
from staffing.queries.credentials import expiring


def officers_of(port: Port) -> list[Person]:
    """Active users who supervise ``port`` (directly or through a group), superusers aside."""
    users = get_users_with_perms(
        port, only_with_perms_in=[SUPERVISE], with_group_users=True, with_superusers=False
    )
    assert isinstance(users, QuerySet)
    return list(users.filter(is_active=True).order_by("pk"))


def describe(credential: Credential, today: dt.date) -> str:
    who = display_name(credential.profile.user)
    what = credential.get_kind_display()
    assert credential.expires is not None
    if credential.expires < today:
        return f"{who}'s {what} expired on {credential.expires:%d %b %Y}."
    days = (credential.expires - today).days
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return f"{who}'s {what} expires {when} ({credential.expires:%d %b %Y})."


def notify_expiring_credentials(today: dt.date | None = None) -> int:
    """Tell each port's officers, one notice per credential per officer per day. Running it
    twice on a day sends nothing more (the dedupe key carries the date)."""
    sent = 0
    for port in Port.objects.all():
        day = today or port.local_today()
        # Expired ones stay on the roster and home pages; the daily notice is for what is
        # about to expire (30 notices at most per credential and officer).
        found = [c for c in expiring([port], day) if c.expires is not None and c.expires >= day]
        if not found:
            continue
        officers = officers_of(port)
        with transaction.atomic():
            for credential in found:
                for officer in officers:
                    key = f"credential:{credential.pk}:{port.iata}:{officer.pk}:{day:%Y%m%d}"
                    sentence = describe(credential, day)
                    written = notify(
                        NotificationKind.CREDENTIAL,
                        port,
                        credential,
                        f"{port.iata}: {sentence}",
                        {
                            "summary": sentence,
                            "details": [
                                ["Credential", str(credential)],
                                ["Issuing authority", credential.authority],
                            ],
                            "path": reverse("staffing:home"),
                        },
                        dedupe_key=key[:100],
                        recipient=officer,
                    )
                    sent += written is not None
    return sent
