"""The one review workflow shared by incident reports, timesheets and leave requests.

    draft ──submit──▶ submitted ──approve──▶ approved
                         │  ▲
                  return │  │ resubmit
                         ▼  │
                       returned

A model takes part by inheriting ``Reviewable`` (which gives it ``status``, ``author`` and the
decision fields) and by having a ``port``. Apps wrap these functions in their own services
(``approve_incident``, ``approve_timesheet``) to add their checks and notifications; the
transitions, the one-decision-wins rule, the no-self-approval rule and the audit events live
here, once.

Two officers deciding at once: the decision is a conditional UPDATE (``WHERE status =
'submitted'``), so exactly one wins; the other gets ``Conflict`` saying who decided what
and when — the healthchecks ``sendalerts`` habit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from poe_ops.models import AuditEvent, NotificationKind
from poe_ops.models.review import Reviewable, ReviewStatus
from poe_ops.refusals import Conflict
from poe_ops.scoping import ensure_may_approve
from poe_ops.services.audit import log_action
from poe_ops.services.notifications import notify
from poe_ops.text import display_name

User = AbstractBaseUser | AnonymousUser


def _describe(record: Reviewable) -> str:
    return f"{record._meta.verbose_name} {record}".strip()


def _already(record: Reviewable) -> Conflict:
    """The message for someone whose action lost to another's."""
    record.refresh_from_db()
    what = _describe(record).capitalize()
    if record.status in (ReviewStatus.APPROVED, ReviewStatus.RETURNED) and record.decided_by:
        who = decider_words(record)
        at = timezone.localtime(record.decided_at, record.port.zone) if record.decided_at else None
        when = f" at {at:%H:%M}" if at else ""
        verb = "approved" if record.status == ReviewStatus.APPROVED else "returned"
        return Conflict(
            f"{what} was already {verb} by {who}{when}. Nothing was changed.",
            code="already_decided",
        )
    status = ReviewStatus(record.status).label.lower()
    return Conflict(f"{what} is {status}. Nothing was changed.", code="already_decided")


def submit(actor: User, record: Reviewable, *, data: dict[str, Any] | None = None) -> Reviewable:
    """The author sends a draft (or a returned record) to the port's officers."""
    if not actor.is_authenticated or actor.pk != record.author_id:  # type: ignore[attr-defined,unused-ignore]
        raise PermissionDenied("Only the author can submit this.")
    with transaction.atomic():
        before = record.status
        now = timezone.now()
        won = (
            type(record)
            ._default_manager.filter(
                pk=record.pk, status__in=(ReviewStatus.DRAFT, ReviewStatus.RETURNED)
            )
            .update(status=ReviewStatus.SUBMITTED, submitted_at=now)
        )
        if not won:
            raise _already(record)
        record.status, record.submitted_at = ReviewStatus.SUBMITTED, now
        action = "resubmitted" if before == ReviewStatus.RETURNED else "submitted"
        log_action(
            actor,
            f"poe.{record.audit_name}.{action}",
            record,
            port=record.port,
            changes={"status": [before, ReviewStatus.SUBMITTED]},
            data=data,
        )
    return record


def decide(
    actor: User,
    record: Reviewable,
    *,
    approve: bool,
    comment: str = "",
    check: Callable[[User, Any], None] | None = None,
) -> Reviewable:
    """An officer of the record's port approves it, or returns it with a comment; a senior
    associate acting as officer (a running delegation) may too, and the record keeps whom they
    acted for (``decided_acting_for``, and ``acting_for`` in the audit event).

    Refused (``PermissionDenied``) for anyone who may not approve at the port now or who wrote
    it (or, when the app routes the record to others, by its own ``check``: a protection report
    goes to the office's protection focal points, who act for no one); ``ValidationError`` when
    returning without a comment; ``Conflict`` when it is no longer awaiting a decision (another
    officer was first)."""
    acting_for: Any
    if check is not None:
        check(actor, record)
        acting_for = None
    else:
        acting_for = ensure_may_approve(actor, record.port, record.author)
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": "Say what needs changing before returning it."})
    new = ReviewStatus.APPROVED if approve else ReviewStatus.RETURNED
    with transaction.atomic():
        now = timezone.now()
        won = (
            type(record)
            ._default_manager.filter(pk=record.pk, status=ReviewStatus.SUBMITTED)
            .update(
                status=new,
                decided_by=actor,
                decided_at=now,
                decision_comment=comment,
                decided_acting_for=acting_for,
            )
        )
        if not won:
            raise _already(record)
        record.status, record.decided_at, record.decision_comment = new, now, comment
        record.decided_by = actor  # type: ignore[assignment,unused-ignore]
        record.decided_acting_for = acting_for
        data: dict[str, Any] = {"comment": comment} if comment else {}
        if acting_for is not None:
            data["acting_for"] = {"id": acting_for.pk, "name": display_name(acting_for)}
        log_action(
            actor,
            f"poe.{record.audit_name}.{'approved' if approve else 'returned'}",
            record,
            port=record.port,
            changes={"status": [ReviewStatus.SUBMITTED, new]},
            data=data or None,
        )
    return record


def decider_words(record: Reviewable) -> str:
    """Who decided ``record``, as the pages say it: "Daniel Okafor (acting for Grace Mwangi)"."""
    if record.decided_by is None:
        return ""
    who = display_name(record.decided_by)
    if record.decided_acting_for is not None:
        return f"{who} (acting for {display_name(record.decided_acting_for)})"
    return who


def tell_author(
    record: Reviewable,
    actor: User,
    *,
    what: str,
    path: str,
    details: list[list[str]] | None = None,
    restricted: bool = False,
) -> None:
    """Tell the author, and only them, that ``record`` was approved or returned, with the
    officer's comment. Call inside the decision's transaction, after ``decide``. ``what`` names
    the record in the author's words ("timesheet for October 2026")."""
    verb = "approved" if record.status == ReviewStatus.APPROVED else "returned"
    who = display_name(actor)
    if record.decided_acting_for is not None:
        who = f"{who}, acting for {display_name(record.decided_acting_for)},"
    rows = list(details or [])
    if record.decision_comment:
        rows.append(["Comment", record.decision_comment])
    notify(
        NotificationKind.REVIEW,
        record.port,
        record,
        f"Your {what} was {verb}",
        {"summary": f"{who} {verb} your {what}.", "details": rows, "path": path},
        recipient=record.author,
        restricted=restricted,
    )


REVIEW_ACTIONS = ("created", "updated", "submitted", "resubmitted", "approved", "returned")


def history(record: Reviewable) -> list[AuditEvent]:
    """The record's audited life, oldest first: created, edited, submitted, returned (with the
    comment in ``data``), resubmitted, approved. For the page and the official PDF."""
    names = [f"poe.{record.audit_name}.{action}" for action in REVIEW_ACTIONS]
    events = AuditEvent.objects.for_object(record).filter(action__in=names)
    return list(events.select_related("actor").order_by("at", "pk"))
