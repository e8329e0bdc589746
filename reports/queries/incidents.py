"""Who may see an incident report, and who may read its medical details: the one visibility rule
used by the list, the report page, its attachments, its PDF, the approvals inbox and the
alerts.

- The port's staff (``view_port``) see its submitted, returned and approved reports.
- A draft is its author's alone until it is submitted.
- **Protection/PSEA** reports go to the protection focal points of the port's office (at HQ),
  not to the port's officers: only their reporter and those focal points see them.
- **Unaccompanied-minor concerns** are seen by their reporter, the port's officers, HQ of the
  port's office and its protection focal points.
- **A member of staff named in a report** (``staff_concerned``) never sees it — whatever their
  role, whatever else this rule would give them.
- **Medical details** (what happened, the actions and the follow-up of a medical incident) are
  read only by their reporter, the port's officers, HQ of the port's office and its medical
  focal points (``poe_ops.scoping.medical_detail_ports``); everyone else who sees the report
  sees that it exists, when and how serious it is, not what happened. Every read is audited.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.db.models import BooleanField, Case, Q, Value, When
from django.http import Http404

from poe_ops.models import ReviewStatus
from poe_ops.roles import APPROVE, SUPERVISE, Role, office_codes
from poe_ops.scoping import medical_detail_ports, ports_for, require_port_perm
from reports.models import IncidentCategory, IncidentReport

User = AbstractBaseUser | AnonymousUser


def visibility(user: User, *, medical_details: bool = False) -> Q:
    """The condition on ``IncidentReport`` rows ``user`` may see (see the module docstring);
    with ``medical_details``, the rows whose medical details they may also read."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    supervised = ports_for(user, SUPERVISE)
    hq = Q(port__office__code__in=office_codes(user, Role.HQ))
    protection_focal = Q(port__office__code__in=office_codes(user, Role.PROTECTION))
    own = Q(author_id=user.pk)
    submitted = ~Q(status=ReviewStatus.DRAFT)
    routed = (
        ~Q(category__in=[IncidentCategory.PROTECTION, IncidentCategory.MINOR_CONCERN])
        | (Q(category=IncidentCategory.PROTECTION) & protection_focal)
        | (
            Q(category=IncidentCategory.MINOR_CONCERN)
            & (Q(port__in=supervised) | hq | protection_focal)
        )
    )
    rule = Q(port__in=ports_for(user)) & ~Q(staff_concerned=user.pk) & (own | (submitted & routed))
    if medical_details:
        rule &= own | ~Q(category=IncidentCategory.MEDICAL) | Q(port__in=medical_detail_ports(user))
    return rule


def counted(user: User) -> Q:
    """The incident reports ``user`` counts in the statistics: those they may see
    (``visibility``) and, as numbers only, every report at the ports they supervise or whose
    Operations HQ they are — the figures of the monthly report they may have
    (``reports.documents.may_have_report``). So protection/PSEA reports and minor concerns are
    counted for the port's officers and its HQ by category and severity, never listed: the
    statistics show no report, no narrative, no name."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    every_report = Q(port__in=ports_for(user, SUPERVISE)) | Q(
        port__office__code__in=office_codes(user, Role.HQ)
    )
    return visibility(user) | (Q(port__in=ports_for(user)) & every_report)


def restrict_visible(
    queryset: models.QuerySet[IncidentReport], user: User
) -> models.QuerySet[IncidentReport]:
    return queryset.filter(visibility(user))


def visible_incidents(user: User) -> models.QuerySet[IncidentReport]:
    """Every incident report ``user`` may see, each with ``shows_medical_details`` (whether
    they may read what happened, for a medical incident). Views, the PDF and attachments start
    here."""
    return restrict_visible(IncidentReport.objects.all(), user).annotate(
        shows_medical_details=Case(
            When(visibility(user, medical_details=True), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


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


def may_read_medical_details(user: User, report: IncidentReport) -> bool:
    return (
        IncidentReport.objects.filter(pk=report.pk)
        .filter(visibility(user, medical_details=True))
        .exists()
    )


def protection_focal_points(report: IncidentReport) -> models.QuerySet[AbstractBaseUser]:
    """The active protection focal points of the report's office, without anyone the report
    names: whom a protection/PSEA report goes to."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(groups__name=report.port.office.protection_group_name, is_active=True)
        .exclude(pk__in=report.staff_concerned.values("pk"))
        .order_by("pk")
    )


def _deciders(user: User) -> Q:
    """Protection/PSEA reports are decided by the protection focal points of the port's office,
    every other report by those who approve at the port now (its officers, and a senior
    associate acting as officer during a delegation)."""
    protection_focal = Q(port__office__code__in=office_codes(user, Role.PROTECTION))
    return (Q(category=IncidentCategory.PROTECTION) & protection_focal) | (
        ~Q(category=IncidentCategory.PROTECTION) & Q(port__in=ports_for(user, APPROVE))
    )


def may_decide(user: User, report: IncidentReport) -> bool:
    """Whether ``user`` decides ``report`` (``_deciders``): never its author, never someone it
    names (they cannot see it)."""
    if not user.is_authenticated or user.pk == report.author_id:
        return False
    return (
        IncidentReport.objects.filter(pk=report.pk)
        .filter(visibility(user), _deciders(user))
        .exists()
    )


def awaiting_decision(user: User) -> models.QuerySet[IncidentReport]:
    """Submitted reports awaiting ``user``'s decision (the approvals inbox)."""
    return (
        IncidentReport.objects.filter(status=ReviewStatus.SUBMITTED)
        .filter(visibility(user), _deciders(user))
        .exclude(author_id=user.pk)
    )
