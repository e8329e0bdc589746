"""Operations HQ keeps the resettlement agencies and their local offices: adds them, changes
their contacts, and marks them inactive when they stop (an inactive agency or office is offered
in no list, while the cases that name it still show it). Every change is audited."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction

from cases.models import AgencyOffice, ResettlementAgency
from poe_ops.models import Port
from poe_ops.roles import hq_offices
from poe_ops.scoping import User, signed_in
from poe_ops.services.audit import changed_fields, log_action

AGENCY_FIELDS = ("code", "name", "active", "ended_on", "note")
OFFICE_FIELDS = (
    "agency_id",
    "name",
    "city",
    "state",
    "address",
    "duty_phone",
    "after_hours_phone",
    "email",
    "notify",
    "active",
)


def may_keep_agencies(user: User) -> bool:
    """Operations HQ (either office) and administrators keep the list; everyone else reads it."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(getattr(user, "is_superuser", False) or hq_offices(user))


def require_agency_keeper(user: User) -> None:
    signed_in(user)
    if not may_keep_agencies(user):
        raise PermissionDenied("Only Operations HQ keeps the list of agencies and their offices.")


def _save(
    user: User,
    record: models.Model,
    fields: tuple[str, ...],
    noun: str,
    also: Callable[[bool], dict[str, list[Any]]] | None = None,
) -> models.Model:
    """Save ``record`` (new, or changed by a form) and audit what changed; the action says when
    it was activated or deactivated. ``also(created)`` saves what the row does not hold and
    returns its changes."""
    require_agency_keeper(user)
    with transaction.atomic():
        model = type(record)
        before_row = (
            model._default_manager.select_for_update().filter(pk=record.pk).first()
            if record.pk
            else None
        )
        before = {f: getattr(before_row, f) for f in fields} if before_row else {}
        after = {f: getattr(record, f) for f in fields}
        record.save()
        changes = changed_fields(before, after)
        if also is not None:
            changes.update(also(before_row is None))
        if before_row is None:
            action = f"poe.{noun}.created"
        elif "active" in changes:
            action = f"poe.{noun}.{'activated' if after['active'] else 'deactivated'}"
        else:
            action = f"poe.{noun}.updated"
        if changes:
            log_action(user, action, record, changes=changes)
    return record


def save_agency(user: User, agency: ResettlementAgency) -> ResettlementAgency:
    """Create or update ``agency`` (its values as a form left them)."""
    _save(user, agency, AGENCY_FIELDS, "agency")
    return agency


def save_office(
    user: User, office: AgencyOffice, ports: Iterable[Port] | None = None
) -> AgencyOffice:
    """Create or update a local ``office`` (its values as a form left them) and, given, the
    ports it meets cases at."""

    def set_ports(created: bool) -> dict[str, list[Any]]:
        if ports is None:
            return {}
        old = [] if created else sorted(office.ports.values_list("iata", flat=True))
        chosen = list(ports)
        office.ports.set(chosen)
        new = sorted(p.iata for p in chosen)
        return {"ports": [old, new]} if old != new else {}

    _save(user, office, OFFICE_FIELDS, "agency_office", set_ports)
    return office
