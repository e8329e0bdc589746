"""Who may see an incident report: the one visibility rule used by the list, the report page, its
attachments, its PDF and the approvals inbox."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Group
from django.db import models
from django.db.models import Q
from django.db.models.functions import Substr
from django.http import Http404

from poe_ops.models import HQ_GROUP_PREFIX, ReviewStatus
from poe_ops.roles import SUPERVISE
from poe_ops.scoping import ports_for, require_port_perm
from reports.models import (
    SENSITIVE_CATEGORIES,
    IncidentReport,
)

User = AbstractBaseUser | AnonymousUser


def visibility(user: User) -> Q:
    """The condition on ``IncidentReport`` rows ``user`` may see (see the module docstring)."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    hq_office_codes = (
        Group.objects.filter(user__pk=user.pk, name__startswith=HQ_GROUP_PREFIX)
        .annotate(code=Substr("name", len(HQ_GROUP_PREFIX) + 1))
        .values("code")
    )
    own = Q(author_id=user.pk)
    privileged = Q(port__in=ports_for(user, SUPERVISE)) | Q(port__office__code__in=hq_office_codes)
    not_sensitive = ~Q(category__in=SENSITIVE_CATEGORIES)
    submitted = ~Q(status=ReviewStatus.DRAFT)
    return Q(port__in=ports_for(user)) & (own | (submitted & (not_sensitive | privileged)))


def restrict_visible(
    queryset: models.QuerySet[IncidentReport], user: User
) -> models.QuerySet[IncidentReport]:
    return queryset.filter(visibility(user))


def visible_incidents(user: User) -> models.QuerySet[IncidentReport]:
    """Every incident report ``user`` may see. Views, the PDF and attachments start here."""
    return restrict_visible(IncidentReport.objects.all(), user)


def incident_for(user: User, pk: object, perm: str | None = None) -> IncidentReport:
    """The report if ``user`` may see it, else 404 — a hidden report does not exist for them.
    With ``perm``, a visible report at a port where they lack it is a 403."""
    report = (
        visible_incidents(user)
        .select_related("port", "author", "flight", "case", "decided_by")
        .filter(pk=int(str(pk)) if str(pk).isdigit() else 0)
        .first()
    )
    if report is None:
        raise Http404("No incident report matches.")
    if perm is not None:
        require_port_perm(user, report.port, perm)
    return report


def may_see(user: User, report: IncidentReport) -> bool:
    return visible_incidents(user).filter(pk=report.pk).exists()
