"""The one way views find port data: everything a user sees is scoped by port permission.

A user who may not view a port gets a 404 for it and everything in it, exactly as if it did not
exist, so an outsider learns nothing. A user who may view but not act gets a 403 that says so.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
from collections.abc import Iterator
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection, models
from django.http import Http404
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission

from poe_ops.models import Delegation, Port
from poe_ops.roles import (
    APPROVE,
    PORT_PERMISSIONS,
    SCOPED_PERMISSIONS,
    SUPERVISE,
    VIEW,
    Role,
    office_codes,
)

M = TypeVar("M", bound=models.Model)
User = AbstractBaseUser | AnonymousUser


PortPermissions = dict[int, frozenset[str]]

# Within one request a user's port permissions are read once (two queries) and then answered
# from memory: the navigation, the view and its services all ask. Outside a request (tests,
# commands, tasks) every question reads the database afresh.
_request_cache: contextvars.ContextVar[dict[int, PortPermissions] | None] = contextvars.ContextVar(
    "poe_port_permissions", default=None
)


@contextlib.contextmanager
def request_permission_cache() -> Iterator[None]:
    """Remember port permissions until the block ends (``PortPermissionCacheMiddleware``)."""
    token = _request_cache.set({})
    try:
        yield
    finally:
        _request_cache.reset(token)


# Every signed-in request asks this, so it is one plain statement: built by the ORM it cost
# about 0.8 ms of Python per request (two querysets, their joins and the UNION compiled afresh
# each time) for a query PostgreSQL answers in 0.05 ms. The third part is the user's running
# delegations: a time-bounded grant of approve_port, read with the rest.
_PERMISSIONS_SQL = """
SELECT uop.object_pk, p.codename
FROM {user_perms} uop JOIN {permission} p ON p.id = uop.permission_id
WHERE uop.user_id = %s AND uop.content_type_id = %s AND p.codename IN ({codenames})
UNION
SELECT gop.object_pk, p.codename
FROM {group_perms} gop
JOIN {user_groups} ug ON ug.group_id = gop.group_id
JOIN {permission} p ON p.id = gop.permission_id
WHERE ug.user_id = %s AND gop.content_type_id = %s AND p.codename IN ({codenames})
UNION
SELECT CAST(d.{port} AS VARCHAR(255)), '{approve}'
FROM {delegations} d
WHERE d.{delegate} = %s AND d.{starts} <= %s AND d.{ends} > %s
"""


@functools.cache
def _permissions_sql() -> str:
    user_model = get_user_model()
    quote = connection.ops.quote_name
    delegation = Delegation._meta
    return _PERMISSIONS_SQL.format(
        delegations=quote(delegation.db_table),
        port=quote(delegation.get_field("port").column),
        delegate=quote(delegation.get_field("delegate").column),
        starts=quote(delegation.get_field("starts_at").column),
        ends=quote(delegation.get_field("ends_at").column),
        approve=APPROVE,
        user_perms=connection.ops.quote_name(UserObjectPermission._meta.db_table),
        group_perms=connection.ops.quote_name(GroupObjectPermission._meta.db_table),
        permission=connection.ops.quote_name(Permission._meta.db_table),
        user_groups=connection.ops.quote_name(
            user_model._meta.get_field("groups").remote_field.through._meta.db_table  # type: ignore[union-attr]
        ),
        codenames=", ".join(["%s"] * len(PORT_PERMISSIONS)),
    )


def _load_port_permissions(user: AbstractBaseUser) -> PortPermissions:
    if getattr(user, "is_superuser", False):
        everything = frozenset(SCOPED_PERMISSIONS)
        return {pk: everything for pk in Port.objects.values_list("pk", flat=True)}
    # Object permissions only: a global permission (an administrator's) opens no port.
    port_type = ContentType.objects.get_for_model(Port).pk
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    params = [*[user.pk, port_type, *PORT_PERMISSIONS] * 2, user.pk, now, now]
    found: dict[int, set[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(_permissions_sql(), params)
        for object_pk, codename in cursor.fetchall():
            found.setdefault(int(object_pk), set()).add(codename)
    for perms in found.values():
        if SUPERVISE in perms:
            perms.add(APPROVE)  # an officer approves at their port
        elif VIEW not in perms:
            perms.discard(APPROVE)  # a delegate who has since left the port: nothing
    return {pk: frozenset(perms) for pk, perms in found.items() if perms}


def port_permissions(user: User) -> PortPermissions:
    """``{port id: the port permissions user holds there}``; empty for anonymous or inactive.
    One query (the user's own and their groups' object permissions together)."""
    if not user.is_authenticated or not user.is_active:
        return {}
    assert isinstance(user, AbstractBaseUser)
    cache = _request_cache.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    perms = _load_port_permissions(user)
    if cache is not None:
        cache[user.pk] = perms
    return perms


def ports_for(user: User, perm: str = VIEW) -> models.QuerySet[Port]:
    """The ports on which ``user`` holds ``perm`` (superusers: all; anonymous: none)."""
    if perm not in SCOPED_PERMISSIONS:
        raise ValueError(f"Unknown port permission {perm!r}.")
    ids = [pk for pk, perms in port_permissions(user).items() if perm in perms]
    return Port.objects.filter(pk__in=ids)


def scope(
    queryset: models.QuerySet[M], user: User, perm: str = VIEW, *, via: str = "port"
) -> models.QuerySet[M]:
    """``queryset`` narrowed to rows whose port (reached through ``via``) ``user`` may see."""
    return queryset.filter(**{f"{via}__in": ports_for(user, perm)})


def medical_detail_ports(user: User) -> models.QuerySet[Port]:
    """The ports whose medical details ``user`` may read: those they supervise (the port's
    officers), and every port of an office where they are Operations HQ or the medical focal
    point. Lazy: used in a filter it is a subquery, not a query of its own. Every read of
    medical details is audited (``log_personal_data_access``)."""
    if not user.is_authenticated or not user.is_active:
        return Port.objects.none()
    if getattr(user, "is_superuser", False):
        return Port.objects.all()
    supervised = [pk for pk, perms in port_permissions(user).items() if SUPERVISE in perms]
    return Port.objects.filter(
        models.Q(pk__in=supervised)
        | models.Q(office__code__in=office_codes(user, Role.HQ))
        | models.Q(office__code__in=office_codes(user, Role.MEDICAL))
    )


def may_read_medical_details(user: User, port: Port) -> bool:
    """Whether ``user`` may read the medical details of ``port``'s people (one query)."""
    return medical_detail_ports(user).filter(pk=port.pk).exists()


def get_port_or_404(user: User, iata: str, perm: str = VIEW) -> Port:
    """The port with this IATA code if ``user`` may view it; 404 otherwise; 403 if the user may
    view it but lacks ``perm``."""
    port = ports_for(user, VIEW).filter(iata=iata.upper()).first()
    if port is None:
        raise Http404("No such port.")
    require_port_perm(user, port, perm)
    return port


def get_scoped_or_404(
    queryset: models.QuerySet[M],
    user: User,
    perm: str = VIEW,
    *,
    via: str = "port",
    **lookup: Any,
) -> M:
    """One object, found within the ports ``user`` may view; 404 otherwise (403 when visible
    but ``perm`` is missing)."""
    if perm != VIEW:
        queryset = queryset.select_related(via)  # the port comes with the object
    try:
        obj = scope(queryset, user, VIEW, via=via).get(**lookup)
    except ObjectDoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} matches.") from None
    if perm != VIEW:
        port = obj
        for step in via.split("__"):
            port = getattr(port, step)
        assert isinstance(port, Port)
        require_port_perm(user, port, perm)
    return obj


def has_port_perm(user: User, port: Port, perm: str) -> bool:
    if perm not in SCOPED_PERMISSIONS:
        raise ValueError(f"Unknown port permission {perm!r}.")
    return perm in port_permissions(user).get(port.pk, frozenset())


_DENIED = {
    "operate_port": "You can view this port but not act on its arrivals.",
    "coordinate_port": "Only senior associates, officers and Operations HQ can do this.",
    "supervise_port": "Only an officer of this port can do this.",
    "manage_port": "Only the port's officers and its Operations HQ can do this.",
    "approve_port": "Only an officer of this port, or the officer acting for one, can decide this.",
}


def require_port_perm(user: User, port: Port, perm: str) -> None:
    """404 when ``user`` may not view ``port``; 403 with a plain reason when they lack ``perm``."""
    if not has_port_perm(user, port, VIEW):
        raise Http404("No such port.")
    if perm != VIEW and not has_port_perm(user, port, perm):
        raise PermissionDenied(_DENIED.get(perm, "You do not have permission to do this."))


def ensure_may_approve(user: User, port: Port, author: AbstractBaseUser | None) -> Any:
    """Refuse an approval unless ``user`` may approve at ``port`` now (an officer of it, or a
    senior associate acting as officer during a delegation) and is not the record's author.
    Returns the officer ``user`` acts for, or ``None`` when they decide as an officer.

    Every approval service (timesheets, leave, incident reports) calls this first."""
    require_port_perm(user, port, APPROVE)
    if author is not None and author.pk == user.pk:
        raise PermissionDenied("You cannot approve your own submission; another officer must.")
    return acting_for(user, port)


def acting_for(user: User, port: Port) -> Any:
    """The officer whose approvals ``user`` holds at ``port`` right now by delegation, or
    ``None`` (an officer acts for nobody, and nobody else has a running delegation)."""
    if not user.is_authenticated or has_port_perm(user, port, SUPERVISE):
        return None
    now = timezone.now()
    running = (
        Delegation.objects.filter(
            port=port, delegate_id=user.pk, starts_at__lte=now, ends_at__gt=now
        )
        .select_related("officer")
        .order_by("starts_at", "pk")
        .first()
    )
    return running.officer if running is not None else None


def signed_in(user: User) -> Any:
    """The signed-in user who acts (services record them as actor); refused for anyone else.
    The scoping helpers have usually refused them already."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user
