"""Signing a port's day off: the senior associate or officer confirms that everything still open
at the end of the day is explained. Refused while an open item has no note; one sign-off per
port and day (a double submit is the same sign-off; a second person is told who signed first);
audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from poe_ops.keys import check_key
from poe_ops.models import Port
from poe_ops.refusals import Conflict, Refusal
from poe_ops.roles import COORDINATE
from poe_ops.scoping import require_port_perm, signed_in
from poe_ops.services.audit import log_action
from reports.models import DaySignOff
from reports.queries.end_of_day import port_day

NOTE_LIMIT = 500


def sign_off_day(
    user: Any, port: Port, day: dt.date, notes: Mapping[str, str], *, idempotency_key: str
) -> DaySignOff:
    """Sign ``port``'s ``day`` off with a note for each open item (``notes``: item key → note)."""
    actor = signed_in(user)
    require_port_perm(user, port, COORDINATE)
    check_key(idempotency_key)
    if day > port.local_today():
        raise Refusal(f"{day:%a %d %b} has not begun at {port.iata}; sign a day off once it has.")
    with transaction.atomic():
        Port.objects.select_for_update().filter(pk=port.pk).first()  # one sign-off at a time
        existing = DaySignOff.objects.filter(port=port, day=day).select_related("signed_by").first()
        if existing is not None:
            if existing.idempotency_key == idempotency_key:
                return existing
            who = existing.signed_by.get_full_name() or existing.signed_by.get_username()
            when = existing.signed_at.astimezone(port.zone)
            raise Conflict(f"{who} signed {day:%a %d %b} off at {when:%H:%M}; nothing was changed.")
        items = port_day(port, day).items
        missing = [item for item in items if not (notes.get(item.key) or "").strip()]
        if missing:
            first = missing[0]
            raise Refusal(
                f"{len(missing)} open item{'s' if len(missing) != 1 else ''} without a note. "
                f"Say what is being done about each, starting with: {first.text}.",
                code="note_missing",
                field=f"note-{first.key}",
            )
        too_long = [item for item in items if len(notes[item.key].strip()) > NOTE_LIMIT]
        if too_long:
            raise Refusal(
                f"A note is at most {NOTE_LIMIT} characters: {too_long[0].text}.",
                code="note_too_long",
                field=f"note-{too_long[0].key}",
            )
        sign_off = DaySignOff.objects.create(
            port=port,
            day=day,
            signed_by=actor,
            signed_at=timezone.now(),
            items=[
                {"key": i.key, "kind": i.kind, "text": i.text, "note": notes[i.key].strip()}
                for i in items
            ],
            idempotency_key=idempotency_key,
        )
        log_action(
            actor,
            "poe.day.signed_off",
            sign_off,
            port=port,
            data={"day": day.isoformat(), "open_items": len(items)},
        )
    return sign_off
