"""Leave: a staff member asks, an officer of the port approves or returns it with a comment."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Person
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse

from poe_ops.models import Port, ReviewStatus
from poe_ops.refusals import Conflict
from poe_ops.roles import COORDINATE, OPERATE
from poe_ops.scoping import has_port_perm, require_port_perm
from poe_ops.services import review
from poe_ops.services.audit import changed_fields, log_action, snapshot
from staffing.models import LeaveRequest
from staffing.services import rosters

User = AbstractBaseUser | AnonymousUser

LEAVE_FIELDS = ("kind", "first_day", "last_day", "reason")
MAX_LEAVE_DAYS = 90


def _validate(
    author: Person, port: Port, first: dt.date, last: dt.date, ignore: int | None
) -> None:
    if last < first:
        raise ValidationError({"last_day": "The last day of leave is before the first."})
    if (last - first).days + 1 > MAX_LEAVE_DAYS:
        raise ValidationError(
            {"last_day": f"One request covers at most {MAX_LEAVE_DAYS} days; split it."}
        )
    clash = (
        LeaveRequest.objects.filter(author=author, first_day__lte=last, last_day__gte=first)
        .exclude(status=ReviewStatus.RETURNED)
        .exclude(pk=ignore or 0)
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {"first_day": f"You already asked for leave {clash} ({clash.get_status_display()})."}
        )


def request_leave(
    actor: User,
    port: Port,
    *,
    kind: str,
    first_day: dt.date,
    last_day: dt.date,
    reason: str = "",
) -> LeaveRequest:
    """``actor`` asks for leave at ``port``; it goes straight to the port's officers."""
    require_port_perm(actor, port, OPERATE)
    assert isinstance(actor, Person)
    _validate(actor, port, first_day, last_day, None)
    with transaction.atomic():
        leave = LeaveRequest.objects.create(
            port=port,
            author=actor,
            kind=kind,
            first_day=first_day,
            last_day=last_day,
            reason=reason.strip(),
        )
        log_action(
            actor,
            "poe.leave.created",
            leave,
            port=port,
            changes=changed_fields({}, snapshot(leave, LEAVE_FIELDS)),
        )
        review.submit(actor, leave)
    return leave


def resubmit_leave(
    actor: User,
    leave: LeaveRequest,
    *,
    kind: str,
    first_day: dt.date,
    last_day: dt.date,
    reason: str = "",
) -> LeaveRequest:
    """The author changes a returned request and sends it again."""
    if actor.pk != leave.author_id:
        raise PermissionDenied("Only the person who asked for this leave can change it.")
    if leave.status != ReviewStatus.RETURNED:
        raise Conflict(
            f"This leave request is {leave.get_status_display().lower()}; it cannot be changed."
        )
    assert isinstance(actor, Person)
    _validate(actor, leave.port, first_day, last_day, leave.pk)
    with transaction.atomic():
        before = snapshot(leave, LEAVE_FIELDS)
        leave.kind, leave.first_day, leave.last_day = kind, first_day, last_day
        leave.reason = reason.strip()
        leave.save(update_fields=list(LEAVE_FIELDS))
        changes = changed_fields(before, snapshot(leave, LEAVE_FIELDS))
        if changes:
            log_action(actor, "poe.leave.updated", leave, port=leave.port, changes=changes)
        review.submit(actor, leave)
    return leave


def decide_leave(
    actor: User,
    leave: LeaveRequest,
    approve: bool,
    comment: str = "",
    *,
    release_shifts: bool = False,
) -> LeaveRequest:
    """Approve or return (with a comment); the author is told. One decision wins.

    With ``release_shifts``, an approval also takes the author off the shifts rostered in the
    leave (``rosters.release_shift``, each audited), in the same transaction: both or neither.
    The released shifts are on ``leave.released_shifts`` (as words) for the page to say."""
    with transaction.atomic():
        review.decide(actor, leave, approve=approve, comment=comment)
        released: list[str] = []
        if approve and release_shifts:
            for shift in rosters.shifts_during_leave(leave, lock=True):
                # A shift at a port whose roster the decider does not keep stays for its own
                # officers, who see the approved leave on their roster.
                if has_port_perm(actor, shift.port, COORDINATE):
                    rosters.release_shift(
                        actor, shift, reason=f"approved leave {leave}", leave=leave
                    )
                    released.append(str(shift))
        leave.released_shifts = released  # type: ignore[attr-defined]
        details = [["Shifts released", "; ".join(released)]] if released else None
        review.tell_author(
            leave,
            actor,
            what=f"{leave.get_kind_display().lower()} ({leave})",
            path=reverse("staffing:leave_detail", args=[leave.pk]),
            details=details,
        )
    return leave
