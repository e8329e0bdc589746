"""Credentials about to expire (or expired within the year), for the roster and the officer's
home."""

from __future__ import annotations

import datetime as dt

from poe_ops.models import Port
from staffing.models import EXPIRY_WARNING, Credential

# Expired longer ago than this, a credential is history, not a warning.
FORGET_AFTER = dt.timedelta(days=365)


def expiring(
    ports: list[Port], today: dt.date, window: dt.timedelta = EXPIRY_WARNING
) -> list[Credential]:
    """Credentials of the staff of ``ports`` expiring by ``today + window`` (or expired in the
    last year), unless renewed by a later one of the same kind. Two queries."""
    candidates = list(
        Credential.objects.filter(
            profile__home_ports__in=ports,
            expires__isnull=False,
            expires__lte=today + window,
            expires__gte=today - FORGET_AFTER,
        )
        .select_related("profile__user")
        .prefetch_related("profile__credentials")
        .distinct()
        .order_by("expires", "pk")
    )
    return [
        c
        for c in candidates
        if not any(
            other.kind == c.kind
            and other.pk != c.pk
            and (other.expires is None or other.expires > today + window)
            for other in c.profile.credentials.all()
        )
    ]
