"""Who may approve at a port now, and the port's delegations for the acting-officer page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as Person
from django.db.models import QuerySet
from django.utils import timezone
from guardian.shortcuts import get_users_with_perms

from poe_ops.models import Delegation, Port
from poe_ops.roles import APPROVE, COORDINATE, SUPERVISE
from poe_ops.scoping import port_permissions


def officers_of(port: Port) -> list[Person]:
    """Active users who supervise ``port`` (directly or through a group), superusers aside."""
    users = get_users_with_perms(
        port, only_with_perms_in=[SUPERVISE], with_group_users=True, with_superusers=False
    )
    assert isinstance(users, QuerySet)
    return list(users.filter(is_active=True).order_by("pk"))


def seniors_of(port: Port) -> list[Person]:
    """Who may be named acting officer at ``port``: its senior associates — people who keep its
    roster in their own name (not through an HQ group) and are not its officers."""
    holders = get_users_with_perms(
        port, only_with_perms_in=[COORDINATE], with_group_users=False, with_superusers=False
    )
    assert isinstance(holders, QuerySet)
    officers = {u.pk for u in officers_of(port)}
    return [
        u
        for u in holders.filter(is_active=True).order_by("last_name", "first_name", "username")
        if u.pk not in officers
    ]


def running_delegates(port: Port, now: dt.datetime | None = None) -> list[Person]:
    """The acting officers of ``port`` at ``now``."""
    now = now or timezone.now()
    ids = Delegation.objects.filter(port=port, starts_at__lte=now, ends_at__gt=now).values(
        "delegate_id"
    )
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True).order_by("pk"))


def approvers_now(port: Port) -> list[Person]:
    """Everyone who may approve at ``port`` now: its officers and any acting officer."""
    found = {u.pk: u for u in officers_of(port)}
    for delegate in running_delegates(port):
        found.setdefault(delegate.pk, delegate)
    return list(found.values())


@dataclass
class PortDelegations:
    running: list[Delegation]
    coming: list[Delegation]
    past: list[Delegation]


def delegations_at(port: Port, now: dt.datetime | None = None) -> PortDelegations:
    """The port's delegations: running now, still to come, and the last 20 that ended."""
    now = now or timezone.now()
    rows = Delegation.objects.filter(port=port).select_related(
        "officer", "delegate", "created_by", "ended_by", "port"
    )
    return PortDelegations(
        running=list(rows.filter(starts_at__lte=now, ends_at__gt=now).order_by("ends_at")),
        coming=list(rows.filter(starts_at__gt=now).order_by("starts_at")),
        past=list(rows.filter(ends_at__lte=now).order_by("-ends_at")[:20]),
    )


def acting_officer_of(user: object, now: dt.datetime | None = None) -> list[Delegation]:
    """The delegations ``user`` holds right now (the approvals inbox says for whom they act).
    No query unless the user's port permissions (read once per request) show a delegation: a
    port where they approve without supervising it."""
    if not getattr(user, "is_authenticated", False):
        return []
    held = port_permissions(user)  # type: ignore[arg-type]
    if not any(APPROVE in perms and SUPERVISE not in perms for perms in held.values()):
        return []
    now = now or timezone.now()
    return list(
        Delegation.objects.filter(
            delegate_id=getattr(user, "pk", None), starts_at__lte=now, ends_at__gt=now
        )
        .select_related("port", "officer")
        .order_by("ends_at")
    )
