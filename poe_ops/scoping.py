"""The one way views find port data: everything a user sees is scoped by port permission.

A user who may not view a port gets a 404 for it and everything in it, exactly as if it did not
exist, so an outsider learns nothing. A user who may view but not act gets a 403 that says so.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from poe_ops.models import Port
from poe_ops.roles import PORT_PERMISSIONS, SUPERVISE, VIEW

M = TypeVar("M", bound=models.Model)
User = AbstractBaseUser | AnonymousUser


def ports_for(user: User, perm: str = VIEW) -> models.QuerySet[Port]:
    """The ports on which ``user`` holds ``perm`` (superusers: all; anonymous: none)."""
    if perm not in PORT_PERMISSIONS:
        raise ValueError(f"Unknown port permission {perm!r}.")
    if not user.is_authenticated or not user.is_active:
        return Port.objects.none()
    return get_objects_for_user(
        user, f"poe_ops.{perm}", klass=Port, accept_global_perms=False, with_superuser=True
    )


def scope(
    queryset: models.QuerySet[M], user: User, perm: str = VIEW, *, via: str = "port"
) -> models.QuerySet[M]:
    """``queryset`` narrowed to rows whose port (reached through ``via``) ``user`` may see."""
    return queryset.filter(**{f"{via}__in": ports_for(user, perm)})


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
    if perm not in PORT_PERMISSIONS:
        raise ValueError(f"Unknown port permission {perm!r}.")
    if not user.is_authenticated or not user.is_active:
        return False
    if not isinstance(user, PermissionsMixin):
        return False
    return user.has_perm(f"poe_ops.{perm}", port)


_DENIED = {
    "operate_port": "You can view this port but not act on its arrivals.",
    "coordinate_port": "Only senior associates, officers and Operations HQ can do this.",
    "supervise_port": "Only an officer of this port can do this.",
}


def require_port_perm(user: User, port: Port, perm: str) -> None:
    """404 when ``user`` may not view ``port``; 403 with a plain reason when they lack ``perm``."""
    if not has_port_perm(user, port, VIEW):
        raise Http404("No such port.")
    if perm != VIEW and not has_port_perm(user, port, perm):
        raise PermissionDenied(_DENIED.get(perm, "You do not have permission to do this."))


def ensure_may_approve(user: User, port: Port, author: AbstractBaseUser | None) -> None:
    """Refuse an approval unless ``user`` supervises ``port`` and is not the record's author.

    Every approval service (timesheets, leave, incident reports) calls this first."""
    require_port_perm(user, port, SUPERVISE)
    if author is not None and author.pk == user.pk:
        raise PermissionDenied("You cannot approve your own submission; another officer must.")
