"""The on-call rota: who answers the port's phone after hours on each night. Set by the port's
officers (and its Operations HQ); each change is audited and the person is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from typing import Any

from django.db import transaction
from django.utils import timezone

from poe_ops.models import NotificationKind, OnCall, Port
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE, VIEW
from poe_ops.scoping import User, has_port_perm, require_port_perm, signed_in
from poe_ops.services.audit import changed_fields, log_action
from poe_ops.services.notifications import notify
from poe_ops.text import display_name

FIELDS = ("person_id", "phone", "note")
HORIZON = dt.timedelta(days=92)


def set_on_call(
    actor: User,
    port: Port,
    night: dt.date,
    *,
    person: Any,
    phone: str,
    note: str = "",
    staff: Collection[int] = (),
) -> OnCall:
    """``person`` answers ``port``'s phone on the night of ``night``, on ``phone``. Replaces
    whoever was on call that night (the audit event keeps who was). ``person`` works at the
    port: they may view it, or are among ``staff`` (the ids of the port's staff list, which
    ``staffing`` keeps and passes; rostered staff need no account of their own)."""
    require_port_perm(actor, port, MANAGE)
    me = signed_in(actor)
    phone = " ".join(phone.split())
    if person is None:
        raise Refusal("Choose who is on call.", field="person")
    if not getattr(person, "is_active", False) or (
        person.pk not in staff and not has_port_perm(person, port, VIEW)
    ):
        raise Refusal(f"{display_name(person)} does not work at {port.iata}.", field="person")
    if not any(c.isdigit() for c in phone):
        raise Refusal(
            f"No phone number for {display_name(person)}: type the number to ring that night.",
            field="phone",
        )
    today = port.local_today()
    if night < today - dt.timedelta(days=1):
        raise Refusal(
            "That night is over; the rota can change only tonight and later.", field="night"
        )
    if night > today + HORIZON:
        raise Refusal("Set the rota at most three months ahead.", field="night")
    with transaction.atomic():
        row, created = OnCall.objects.select_for_update().get_or_create(
            port=port,
            night=night,
            defaults={"person": person, "phone": phone, "note": note.strip(), "set_by": me},
        )
        before = (
            {} if created else {"person_id": row.person_id, "phone": row.phone, "note": row.note}
        )
        if not created:
            row.person, row.phone, row.note = person, phone, note.strip()
        after = {"person_id": person.pk, "phone": phone, "note": note.strip()}
        changes = changed_fields(before, after)
        if not changes:
            return row
        row.set_by, row.set_at = me, timezone.now()
        row.save()
        log_action(
            actor,
            "poe.on_call.set",
            row,
            port=port,
            changes=changes,
            data={"night": night, "person": display_name(person)},
        )
        if person.pk != me.pk:
            notify(
                NotificationKind.ON_CALL,
                port,
                row,
                f"{port.iata}: you are on call the night of {night:%a %d %b}",
                {
                    "summary": f"You answer {port.iata}'s phone after hours on the night of "
                    f"{night:%A %d %B}, on {phone}.",
                    "details": [["Set by", display_name(actor)], ["Note", note.strip() or "—"]],
                    "path": "",
                },
                recipient=person,
            )
    return row


def clear_on_call(actor: User, port: Port, night: dt.date) -> None:
    """Nobody on call that night (the rota shows the gap)."""
    require_port_perm(actor, port, MANAGE)
    with transaction.atomic():
        row = OnCall.objects.select_for_update().filter(port=port, night=night).first()
        if row is None:
            return
        log_action(
            actor,
            "poe.on_call.cleared",
            row,
            port=port,
            changes=changed_fields({"person_id": row.person_id, "phone": row.phone}, {}),
            data={"night": night},
        )
        row.delete()
