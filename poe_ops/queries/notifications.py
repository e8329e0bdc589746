"""What a user reads of the notifications: their feed, what is unread, what they muted."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce, Substr

from poe_ops.models import (
    HQ_GROUP_PREFIX,
    Notification,
    NotificationPreference,
)
from poe_ops.roles import SUPERVISE
from poe_ops.scoping import ports_for, signed_in

User = AbstractBaseUser | AnonymousUser


FEED_LENGTH = 100


NEVER = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def feed(user: User) -> models.QuerySet[Notification]:
    """What ``user`` may read, newest first: the notifications of the ports they may view, the
    sensitive ones only if they are HQ for the port or supervise it, and those addressed to
    them. One query (the port permissions come from the request's cache)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    hq_office_codes = (
        Group.objects.filter(user__pk=user.pk, name__startswith=HQ_GROUP_PREFIX)
        .annotate(code=Substr("name", len(HQ_GROUP_PREFIX) + 1))
        .values("code")
    )
    for_port = Q(recipient__isnull=True, port__in=ports_for(user)) & (
        Q(restricted=False)
        | Q(port__in=ports_for(user, SUPERVISE))
        | Q(port__office__code__in=hq_office_codes)
    )
    visible = Notification.objects.filter(for_port | Q(recipient_id=user.pk))
    return visible.select_related("port").order_by("-created_at", "-id")


def read_up_to(user: User) -> dt.datetime | None:
    if not user.is_authenticated:
        return None
    return (
        NotificationPreference.objects.filter(user_id=user.pk)
        .values_list("feed_read_at", flat=True)
        .first()
    )


def unread_count(user: User) -> int:
    """One query: the user's feed newer than what they last marked read."""
    if not user.is_authenticated:
        return 0
    read_at = NotificationPreference.objects.filter(user_id=signed_in(user).pk).values(
        "feed_read_at"
    )[:1]
    since = Coalesce(
        models.Subquery(read_at), models.Value(NEVER), output_field=models.DateTimeField()
    )
    return feed(user).filter(created_at__gt=since).count()


def muted_kinds(user: User) -> set[str]:
    kinds = (
        NotificationPreference.objects.filter(user_id=signed_in(user).pk)
        .values_list("muted_kinds", flat=True)
        .first()
    )
    return set(kinds or [])
