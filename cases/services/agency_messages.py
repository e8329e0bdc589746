"""What the POE tells an agency's local office about one of its cases, through the notification
outbox (written in the caller's transaction, so never lost; delivered once by the worker).

The office is the case's (``Case.agency_office``). Nothing is written when the case has none,
or the office (or its agency) is inactive, has no email address, or opted out. Each message is
about one case and carries only what the office needs to act: names of that case's people,
times in the port's local time, whom to call at the POE. Never another case, never protection
or medical details, never the receiver's identity document. HQ sees every message in its feed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import models

from cases.models import AgencyOffice, Case, CustodyHandover, Individual
from poe_ops.models import Notification, NotificationKind
from poe_ops.registry import page_url
from poe_ops.services.notifications import notify


def reachable_office(case: Case) -> AgencyOffice | None:
    """The case's office if the POE may email it now."""
    office = case.agency_office
    if office is None:
        return None
    if not (office.active and office.agency.active and office.notify and office.email):
        return None
    return office


def tell_agency(
    case: Case,
    subject: str,
    summary: str,
    details: Sequence[tuple[str, str]],
    *,
    dedupe_key: str,
    about: models.Model | None = None,
) -> Notification | None:
    """Write one message to the case's agency office (see the module's docstring for when
    none is written). ``subject`` is prefixed with the port and the case; ``dedupe_key`` makes
    an event that is reported twice (a retried tap, an undo and redo) one message."""
    office = reachable_office(case)
    if office is None:
        return None
    port = case.port
    context = {
        "summary": summary,
        "details": [
            ["Case", case.case_number],
            *[[label, value] for label, value in details],
            ["From", f"IOM Port of Entry team, {port.name or port.iata} ({port.iata})"],
        ],
        "path": page_url("case", case.case_number),
        "office": office.pk,
    }
    return notify(
        NotificationKind.AGENCY,
        port,
        about or case,
        f"IOM {port.iata} · case {case.case_number}: {subject}",
        context,
        dedupe_key=f"agency:{office.pk}:{dedupe_key}",
        recipient_email=office.email,
        recipient_name=office.name,
    )


def hotel_night(case: Case, night: dt.date) -> Notification | None:
    """The case stays the night in a hotel near the port: once per case and night, whether the
    booking or the "to hotel" step says so first."""
    return tell_agency(
        case,
        "staying overnight in a hotel",
        f"Case {case.case_number} stays the night of {night:%a %d %b} in a hotel near "
        f"{case.port.iata}; IOM continues the journey the next day.",
        [("Night of", f"{night:%a %d %b %Y}")],
        dedupe_key=f"hotel:{case.pk}:{night.isoformat()}",
    )


def handed_over(handover: CustodyHandover, people: Sequence[Individual]) -> Notification | None:
    """The hand-over confirmation: who was handed to whom, when and where."""
    case, port = handover.case, handover.case.port
    at = f"{handover.at.astimezone(port.zone):%a %d %b %Y %H:%M} {port.iata} time"
    names = ", ".join(str(p) for p in people)
    receiver = f"{handover.to_name} ({handover.get_to_kind_display()}, {handover.to_organisation})"
    return tell_agency(
        case,
        "handed over",
        f"{names} {'was' if len(people) == 1 else 'were'} handed over to {receiver} at "
        f"{port.iata} on {at}.",
        [
            ("Handed over", names),
            ("To", receiver),
            ("When", at),
            ("Where", handover.place),
            ("By", f"{handover.from_name} (IOM)"),
        ],
        dedupe_key=f"handover:{handover.pk}",
        about=handover,
    )
