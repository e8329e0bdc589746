"""The port's directory: its officers (and Operations HQ) add contacts, change them, and take
them out of the list. Every change is audited with the fields that changed."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from poe_ops.keys import check_key, new_key, once
from poe_ops.models import Contact, Port
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import changed_fields, log_action, snapshot

CONTACT_FIELDS = (
    "kind",
    "name",
    "organisation",
    "role",
    "phone",
    "after_hours_phone",
    "email",
    "notes",
    "active",
)


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    cleaned = {
        name: (" ".join(str(value).split()) if isinstance(value, str) else value)
        for name, value in values.items()
    }
    if "kind" in cleaned and cleaned["kind"] not in Contact.Kind.values:
        raise Refusal("Kind: choose one of the list.", field="kind")
    if "name" in cleaned and not cleaned["name"]:
        raise Refusal("Name: a person or a desk to ask for.", field="name")
    if "phone" in cleaned and not any(c.isdigit() for c in cleaned["phone"]):
        raise Refusal("Phone: the number to ring, with its digits.", field="phone")
    return cleaned


def add_contact(user: User, port: Port, *, idempotency_key: str = "", **fields: Any) -> Contact:
    """A new entry in ``port``'s directory; a repeated key (a double submit) is the first one."""
    require_port_perm(user, port, MANAGE)
    key = check_key(idempotency_key) if idempotency_key else new_key()
    values = _clean({name: fields.get(name, "") for name in CONTACT_FIELDS if name != "active"})
    contact = Contact(
        port=port,
        active=bool(fields.get("active", True)),
        updated_by=signed_in(user),
        idempotency_key=key,
        **values,
    )

    def then(made: Contact) -> None:
        log_action(
            user,
            "poe.contact.created",
            made,
            port=port,
            changes=changed_fields({}, snapshot(made, CONTACT_FIELDS)),
        )

    with transaction.atomic():
        return once(contact, then, matches=lambda first: first.port_id == port.pk).obj


def change_contact(user: User, contact: Contact, **fields: Any) -> Contact:
    require_port_perm(user, contact.port, MANAGE)
    values = _clean({name: fields[name] for name in CONTACT_FIELDS if name in fields})
    with transaction.atomic():
        locked = Contact.objects.select_for_update().select_related("port").get(pk=contact.pk)
        before = snapshot(locked, CONTACT_FIELDS)
        for name, value in values.items():
            setattr(locked, name, value)
        changes = changed_fields(before, snapshot(locked, CONTACT_FIELDS))
        if changes:
            locked.updated_by = signed_in(user)
            locked.updated_at = timezone.now()
            locked.save()
            log_action(user, "poe.contact.changed", locked, port=locked.port, changes=changes)
    return locked
