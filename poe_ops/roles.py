"""Roles (Django groups) and the port-scoped permissions they carry (django-guardian).

A role says what a person does; an object permission on a ``Port`` says where. Field staff get
their role's permissions on each port they work at; Operations HQ staff belong to their office's
group, which holds ``view_port``, ``coordinate_port`` and ``manage_port`` on every port that
office oversees (kept in step with ``Port.office`` by ``sync_office_permissions``). The office's
protection and medical focal points belong to its focal-point groups, which hold ``view_port``
there.

``approve_port`` is not stored: the scoping helper derives it for a port's officers
(``supervise_port``) and for a senior associate acting as officer there during a delegation
(``poe_ops.models.Delegation``), so "who may decide approvals here, now" is answered in one place.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import models, transaction
from django.db.models.functions import Substr
from guardian.shortcuts import assign_perm, get_perms_for_model, remove_perm

from poe_ops.models import (
    HQ_GROUP_PREFIX,
    MEDICAL_GROUP_PREFIX,
    PROTECTION_GROUP_PREFIX,
    OperationsOffice,
    Port,
)

VIEW = "view_port"
OPERATE = "operate_port"
COORDINATE = "coordinate_port"
SUPERVISE = "supervise_port"
MANAGE = "manage_port"  # staff, credentials, vendors and rates, contacts, on-call, delegations
PORT_PERMISSIONS = (VIEW, OPERATE, COORDINATE, SUPERVISE, MANAGE)
# Derived by poe_ops.scoping, never assigned: officers, and acting officers while delegated.
APPROVE = "approve_port"
SCOPED_PERMISSIONS = (*PORT_PERMISSIONS, APPROVE)


class Role(models.TextChoices):
    ASSOCIATE = "associate", "Associate"
    SENIOR = "senior", "Senior associate"
    OFFICER = "officer", "Officer"
    HQ = "hq", "Operations HQ"
    PROTECTION = "protection", "Protection focal point"
    MEDICAL = "medical", "Medical focal point"
    ADMIN = "admin", "Administrator"


PORT_ROLE_PERMISSIONS: dict[str, tuple[str, ...]] = {
    Role.ASSOCIATE: (VIEW, OPERATE),
    Role.SENIOR: (VIEW, OPERATE, COORDINATE),
    Role.OFFICER: (VIEW, OPERATE, COORDINATE, SUPERVISE, MANAGE),
}
HQ_PERMISSIONS: tuple[str, ...] = (VIEW, COORDINATE, MANAGE)
# A focal point reads what is routed to them (and the cases it concerns); they run no arrivals.
FOCAL_POINT_PERMISSIONS: tuple[str, ...] = (VIEW,)
FOCAL_POINT_PREFIXES = {
    Role.PROTECTION: PROTECTION_GROUP_PREFIX,
    Role.MEDICAL: MEDICAL_GROUP_PREFIX,
}

# Administrators keep reference data in Django admin. Their global permissions do not reach any
# port's operational data: the scoping helper only honours object permissions (and superusers).
ADMIN_APP_LABELS = ("poe_ops", "auth")


def role_group(role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=role.label)
    return group


def ensure_role_groups() -> None:
    """Create the role groups; give Administrators their admin-site permissions. Idempotent."""
    for role in Role:
        role_group(role)
    admin_perms = Permission.objects.filter(content_type__app_label__in=ADMIN_APP_LABELS).exclude(
        codename__in=["add_auditevent", "change_auditevent", "delete_auditevent"]
    )
    role_group(Role.ADMIN).permissions.set(admin_perms)


def assign_port_role(user: AbstractBaseUser, port: Port, role: Role) -> None:
    """Give ``user`` the ``role`` at ``port`` (associate, senior associate or officer)."""
    if role not in PORT_ROLE_PERMISSIONS:
        raise ValueError(f"{role.label} is not a port role; use add_to_office for HQ staff.")
    with transaction.atomic():
        user.groups.add(role_group(role))  # type: ignore[attr-defined]
        for perm in PORT_ROLE_PERMISSIONS[role]:
            assign_perm(perm, user, port)


def remove_from_port(user: AbstractBaseUser, port: Port) -> None:
    for perm in PORT_PERMISSIONS:
        remove_perm(perm, user, port)


def office_group(office: OperationsOffice) -> Group:
    group, _ = Group.objects.get_or_create(name=office.hq_group_name)
    return group


def add_to_office(user: AbstractBaseUser, office: OperationsOffice) -> None:
    """Make ``user`` Operations HQ staff of ``office``: they see every port it oversees."""
    with transaction.atomic():
        user.groups.add(role_group(Role.HQ), office_group(office))  # type: ignore[attr-defined]


def focal_point_group(office: OperationsOffice, role: Role) -> Group:
    group, _ = Group.objects.get_or_create(name=f"{FOCAL_POINT_PREFIXES[role]}{office.code}")
    return group


def add_focal_point(user: AbstractBaseUser, office: OperationsOffice, role: Role) -> None:
    """Make ``user`` a protection or medical focal point of ``office`` (at HQ): protection/PSEA
    reports of its ports go to its protection focal points; its medical focal points read the
    medical details of its ports."""
    if role not in FOCAL_POINT_PREFIXES:
        raise ValueError(f"{role.label} is not a focal-point role.")
    with transaction.atomic():
        user.groups.add(role_group(role), focal_point_group(office, role))  # type: ignore[attr-defined]


def sync_office_permissions() -> None:
    """Give each office's HQ group the HQ permissions on exactly the ports it oversees.

    Called after migrations and whenever a port changes office, so moving a port from DC to NY
    in admin moves its visibility with it."""
    known = {p.codename for p in get_perms_for_model(Port)}
    if not set(HQ_PERMISSIONS) <= known:
        return  # permissions not created yet (first migrate); post_migrate calls again
    offices = list(OperationsOffice.objects.all())
    ports = list(Port.objects.select_related("office"))
    with transaction.atomic():
        for office in offices:
            groups = [(office_group(office), HQ_PERMISSIONS)] + [
                (focal_point_group(office, role), FOCAL_POINT_PERMISSIONS)
                for role in FOCAL_POINT_PREFIXES
            ]
            for group, perms in groups:
                for port in ports:
                    for perm in perms:
                        if port.office_id == office.pk:
                            assign_perm(perm, group, port)
                        else:
                            remove_perm(perm, group, port)


def hq_offices(user: AbstractBaseUser | AnonymousUser) -> list[OperationsOffice]:
    """The offices whose HQ group ``user`` belongs to."""
    if not user.is_authenticated:
        return []
    names = set(Group.objects.filter(user__pk=user.pk).values_list("name", flat=True))
    return [o for o in OperationsOffice.objects.all() if o.hq_group_name in names]


def office_codes(user: AbstractBaseUser | AnonymousUser, role: Role) -> models.QuerySet[Any, Any]:
    """The codes of the offices where ``user`` is Operations HQ or a focal point (``role``), as
    a subquery (``.values("code")``): filters use it without a query of their own."""
    prefix = HQ_GROUP_PREFIX if role is Role.HQ else FOCAL_POINT_PREFIXES[role]
    return (
        Group.objects.filter(user__pk=user.pk if user.is_authenticated else -1)
        .filter(name__startswith=prefix)
        .annotate(code=Substr("name", len(prefix) + 1))
        .values("code")
    )
