"""The officers' inbox (``/approvals/``): what awaits a decision across the ports they
supervise, from every registered ``ApprovalSource``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from poe_ops.models import Reviewable, ReviewStatus
from poe_ops.registry import SOURCES, ApprovalSource
from poe_ops.roles import APPROVE, VIEW, Role, office_codes
from poe_ops.scoping import port_permissions, ports_for

User = AbstractBaseUser | AnonymousUser


def awaiting_queryset(source: ApprovalSource, user: User) -> models.QuerySet[Any]:
    """Records of this source awaiting ``user``'s decision: submitted, at a port where they may
    approve now (its officers; an acting officer during the delegation), not their own (or what
    the source says, when it routes records elsewhere)."""
    if source.awaiting is not None:
        return source.awaiting(user)
    # A concrete Reviewable has a port; mypy sees the abstract class, which has none.
    qs = source.model._default_manager.filter(  # type: ignore[misc,unused-ignore]
        status=ReviewStatus.SUBMITTED, port__in=ports_for(user, APPROVE)
    ).exclude(author_id=user.pk)
    if source.visible_to is not None:
        qs = source.visible_to(qs, user)
    return qs


def awaiting(user: User) -> list[tuple[ApprovalSource, Reviewable]]:
    """Everything awaiting ``user``, oldest submission first (one query per source, and what
    each source's ``prepare`` reads for its rows)."""
    items: list[tuple[ApprovalSource, Reviewable]] = []
    for source in SOURCES.values():
        qs = awaiting_queryset(source, user).select_related(*source.select_related)
        records = list(qs)
        if source.prepare is not None and records:
            source.prepare(records)
        items.extend((source, record) for record in records)
    items.sort(key=lambda pair: (pair[1].submitted_at is None, pair[1].submitted_at, pair[1].pk))
    return items


def decides_anything(user: User) -> bool:
    """Whether ``user`` may have anything to decide: an officer somewhere (or a senior associate
    acting as one during a delegation), or a protection focal point (who holds only
    ``view_port`` on their office's ports). No query for anyone else."""
    perms = port_permissions(user).values()
    if any(APPROVE in p for p in perms):
        return True
    if not any(p == {VIEW} for p in perms):
        return False
    return office_codes(user, Role.PROTECTION).exists()


def awaiting_count(user: User) -> int:
    """For the navigation bar: one query whatever the number of sources (their awaiting rows
    counted together with UNION ALL); none for users who decide nothing."""
    if not SOURCES or not decides_anything(user):
        return 0
    first, *rest = (
        awaiting_queryset(source, user).order_by().values("pk") for source in SOURCES.values()
    )
    return first.union(*rest, all=True).count() if rest else first.count()
