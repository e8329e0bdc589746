"""Acting officer: an officer (or the port's Operations HQ) hands the officer's approvals to a
named senior associate for some port-local days; it can be ended early. While it runs, the
scoping helper grants the delegate ``approve_port`` at that port and every decision they make
records whom they acted for (``poe_ops.services.review.decide``). Audited; the delegate is told,
and the port hears who acts as officer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from poe_ops.keys import Saved, check_key, once
from poe_ops.localtime import local_day_bounds
from poe_ops.models import Delegation, NotificationKind, Port
from poe_ops.queries.delegations import officers_of, seniors_of
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE, hq_offices
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import log_action
from poe_ops.services.notifications import notify
from poe_ops.text import display_name

MAX_DAYS = 31


def _speaks_for_port(actor: Any, port: Port) -> bool:
    """Operations HQ of the port's office (or a superuser) may delegate for any of its
    officers; an officer only for themselves."""
    return bool(actor.is_superuser) or any(o.pk == port.office_id for o in hq_offices(actor))


def delegate_approvals(
    actor: User,
    port: Port,
    *,
    officer: Any,
    delegate: Any,
    first_day: dt.date,
    last_day: dt.date,
    idempotency_key: str,
    note: str = "",
) -> Saved[Delegation]:
    """``delegate`` acts as officer for ``officer`` at ``port`` from the start of ``first_day``
    to the end of ``last_day`` (port-local). Refused, naming the field, when the officer is not
    one of the port's, the delegate not one of its senior associates, the days are past, back
    to front or more than a month, or the officer's approvals are already delegated then."""
    require_port_perm(actor, port, MANAGE)
    check_key(idempotency_key)
    me = signed_in(actor)
    if officer is None:
        raise Refusal("Choose whose approvals are delegated.", field="officer")
    if officer.pk != me.pk and not _speaks_for_port(me, port):
        raise Refusal("You can delegate only your own approvals.", field="officer")
    if officer.pk not in {o.pk for o in officers_of(port)}:
        raise Refusal(f"{display_name(officer)} is not an officer of {port.iata}.", field="officer")
    if delegate is None:
        raise Refusal("Choose the senior associate who acts as officer.", field="delegate")
    if delegate.pk == officer.pk:
        raise Refusal("An officer cannot delegate to themselves.", field="delegate")
    if delegate.pk not in {s.pk for s in seniors_of(port)}:
        raise Refusal(
            f"{display_name(delegate)} is not a senior associate of {port.iata}; only they can "
            "act as officer.",
            field="delegate",
        )
    today = port.local_today()
    if first_day < today:
        raise Refusal(
            f"The first day is past; the earliest is today ({today:%d %b}).", field="first_day"
        )
    if last_day < first_day:
        raise Refusal("The last day is before the first.", field="last_day")
    if (last_day - first_day).days + 1 > MAX_DAYS:
        raise Refusal(
            f"A delegation lasts at most {MAX_DAYS} days; make another after.", field="last_day"
        )
    starts_at, _ = local_day_bounds(port, first_day)
    _, ends_at = local_day_bounds(port, last_day)
    delegation = Delegation(
        port=port,
        officer=officer,
        delegate=delegate,
        starts_at=starts_at,
        ends_at=ends_at,
        note=note.strip()[:200],
        idempotency_key=idempotency_key,
        created_by=me,
    )

    def then(made: Delegation) -> None:
        clash = (
            Delegation.objects.filter(
                port=port, officer=officer, starts_at__lt=ends_at, ends_at__gt=starts_at
            )
            .exclude(pk=made.pk)
            .select_related("delegate", "port")
            .first()
        )
        if clash is not None:
            raise Refusal(
                f"{display_name(officer)}'s approvals are already delegated to "
                f"{display_name(clash.delegate)} from {clash.first_day:%d %b} to "
                f"{clash.last_day:%d %b}; end that delegation first.",
                field="first_day",
            )
        log_action(
            me,
            "poe.delegation.created",
            made,
            port=port,
            data={
                "officer": {"id": officer.pk, "name": display_name(officer)},
                "delegate": {"id": delegate.pk, "name": display_name(delegate)},
                "first_day": first_day,
                "last_day": last_day,
                "note": made.note,
            },
        )
        _tell(made, me, started=True)

    with transaction.atomic():
        # One delegation change per officer at a time, so two overlapping ones cannot pass.
        Port.objects.select_for_update().filter(pk=port.pk).first()
        return once(delegation, then, matches=lambda first: first.port_id == port.pk)


def end_delegation(actor: User, delegation: Delegation) -> Delegation:
    """End a delegation now (or cancel one not started yet). Its officer, the delegate, the
    port's other officers and its Operations HQ may; nothing changes if it has ended already."""
    port = delegation.port
    me = signed_in(actor)
    if me.pk not in {delegation.delegate_id, delegation.officer_id}:
        require_port_perm(actor, port, MANAGE)
    with transaction.atomic():
        locked = Delegation.objects.select_for_update().select_related("port").get(pk=delegation.pk)
        now = timezone.now()
        if locked.ends_at <= now:
            return locked
        before = locked.ends_at
        locked.ends_at = max(now, locked.starts_at + dt.timedelta(microseconds=1))
        locked.ended_by = me
        locked.save(update_fields=["ends_at", "ended_by"])
        log_action(
            me,
            "poe.delegation.ended",
            locked,
            port=port,
            changes={"ends_at": [before, locked.ends_at]},
        )
        _tell(locked, me, started=False)
    return locked


def _tell(delegation: Delegation, actor: Any, *, started: bool) -> None:
    port = delegation.port
    officer, delegate = display_name(delegation.officer), display_name(delegation.delegate)
    days = f"{delegation.first_day:%a %d %b} to {delegation.last_day:%a %d %b %Y}"
    path = reverse("delegations", args=[port.iata])
    details = [
        ["Acting officer", delegate],
        ["For", officer],
        ["Days", days],
        ["By", display_name(actor)],
    ]
    if delegation.note:
        details.append(["Note", delegation.note])
    if started:
        subject = f"{port.iata}: {delegate} acts as officer for {officer}"
        summary = (
            f"{delegate} decides {officer}'s approvals at {port.iata} from {days} "
            f"({port.iata} local days); it ends by itself."
        )
    else:
        subject = f"{port.iata}: {delegate} no longer acts as officer for {officer}"
        summary = f"{display_name(actor)} ended {delegate}'s delegation as officer at {port.iata}."
    context = {"summary": summary, "details": details, "path": path}
    notify(NotificationKind.DELEGATION, port, delegation, subject, context)
    if delegation.delegate_id != actor.pk:
        notify(
            NotificationKind.DELEGATION,
            port,
            delegation,
            subject,
            context,
            recipient=delegation.delegate,
        )
