"""The shift log: a running log per port and day that the next shift reads first. Anyone who
works at the port writes; an entry marked for the supervisor is sent at once to whoever may
approve at the port now (its officers, or the acting officer). Entries are never changed or
removed, like a paper logbook: a correction is a new entry."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from arrivals.models import Flight, ShiftLogEntry
from cases.models import Case
from poe_ops.keys import Saved, check_key, once
from poe_ops.models import NotificationKind, Port
from poe_ops.queries.delegations import approvers_now
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import log_action
from poe_ops.services.notifications import notify
from poe_ops.text import display_name

MAX_TEXT = 4000
# How far from now an entry's time may be: it records what just happened on this shift.
SLACK = dt.timedelta(hours=24)


def write_entry(
    user: User,
    port: Port,
    *,
    text: str,
    idempotency_key: str,
    at: dt.datetime | None = None,
    flight: Flight | None = None,
    case: Case | None = None,
    for_supervisor: bool = False,
) -> Saved[ShiftLogEntry]:
    """Add a line to ``port``'s log; a repeated key returns the first entry. Refused, naming
    the field, for empty text, a time more than a day off, or a flight or case of another
    port."""
    require_port_perm(user, port, OPERATE)
    check_key(idempotency_key)
    author = signed_in(user)
    text = text.strip()
    if not text:
        raise Refusal("Write what happened or what the next shift must know.", field="text")
    if len(text) > MAX_TEXT:
        raise Refusal(f"Keep an entry under {MAX_TEXT} characters; add a second one.", field="text")
    now = timezone.now()
    at = at or now
    if abs(at - now) > SLACK:
        raise Refusal(
            "The time is more than a day from now; log what happened on this shift.", field="at"
        )
    if flight is not None and flight.port_id != port.pk:
        raise Refusal(f"{flight.code} is not a flight of {port.iata}.", field="flight")
    if case is not None and case.port_id != port.pk:
        raise Refusal(f"Case {case.case_number} is not a case of {port.iata}.", field="case")
    entry = ShiftLogEntry(
        port=port,
        at=at,
        text=text,
        flight=flight,
        case=case,
        for_supervisor=for_supervisor,
        author=author,
        written_at=now,
        idempotency_key=idempotency_key,
    )

    def then(made: ShiftLogEntry) -> None:
        log_action(
            user,
            "poe.shift_log.written",
            made,
            port=port,
            data={
                "for_supervisor": for_supervisor,
                "flight": flight.code if flight else None,
                "case": case.case_number if case else None,
            },
        )
        if for_supervisor:
            _tell_supervisor(made)

    with transaction.atomic():
        return once(entry, then, matches=lambda first: first.port_id == port.pk)


def _tell_supervisor(entry: ShiftLogEntry) -> None:
    port = entry.port
    local = entry.at.astimezone(port.zone)
    details = [
        ["When", f"{local:%a %d %b %H:%M} ({port.iata} time)"],
        ["By", display_name(entry.author)],
    ]
    if entry.flight is not None:
        details.append(["Flight", entry.flight.code])
    if entry.case is not None:
        details.append(["Case", entry.case.case_number])
    details.append(["Entry", entry.text])
    first_line = entry.text.splitlines()[0][:80]
    for supervisor in approvers_now(port):
        if supervisor.pk == entry.author_id:
            continue
        notify(
            NotificationKind.SHIFT_LOG,
            port,
            entry,
            f"{port.iata} shift log, for the supervisor: {first_line}",
            {
                "summary": f"{display_name(entry.author)} wrote in the {port.iata} shift log "
                "for the supervisor.",
                "details": details,
                "path": f"{reverse('arrivals:shift_log', args=[port.iata])}?date={local:%Y-%m-%d}",
            },
            recipient=supervisor,
        )
