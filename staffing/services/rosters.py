"""Rostering: adding, changing and removing shifts, with the conflicts that refuse one.

A shift is refused, with every reason in words, when it overlaps another shift of the same
person (at any port), falls in their approved leave, takes them past the port's maximum hours in
the week (Monday to Sunday, port-local), or puts someone without a valid airport badge on an
airside position. The badge refusal alone may be overridden by an officer with a reason; the
override is audited with the reason.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as Person
from django.db import transaction

from poe_ops.models import Port, ReviewStatus
from poe_ops.refusals import Refusal
from poe_ops.roles import COORDINATE, SUPERVISE
from poe_ops.scoping import has_port_perm, require_port_perm
from poe_ops.services.audit import changed_fields, log_action, snapshot
from poe_ops.text import display_name
from staffing.models import (
    AIRPORT_POSITIONS,
    Credential,
    LeaveRequest,
    Position,
    Shift,
    StaffProfile,
)

User = AbstractBaseUser | AnonymousUser

MAX_SHIFT = dt.timedelta(hours=16)
SHIFT_FIELDS = ("staff_id", "start", "end", "position", "notes", "badge_override_reason")


class ShiftRefused(Refusal):
    """The shift was not saved. ``problems`` are sentences for the person rostering;
    ``badge_only`` says an officer could still save it by giving a reason."""

    default_code = "shift"

    def __init__(self, problems: list[str] | None = None, badge_only: bool = False) -> None:
        self.problems = list(problems or [])
        self.badge_only = badge_only
        super().__init__(" ".join(self.problems))


def _span(shift_start: dt.datetime, shift_end: dt.datetime, port: Port) -> str:
    a, b = shift_start.astimezone(port.zone), shift_end.astimezone(port.zone)
    end = f"{b:%H:%M}" if a.date() == b.date() else f"{b:%a %d %b %H:%M}"
    return f"{a:%a %d %b %H:%M}–{end}"


def week_start(port: Port, moment: dt.datetime) -> dt.date:
    """The Monday (port-local) of the week ``moment`` falls in."""
    local = moment.astimezone(port.zone).date()
    return local - dt.timedelta(days=local.weekday())


def week_bounds(port: Port, monday: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(monday, dt.time.min, tzinfo=port.zone)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time.min, tzinfo=port.zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def airport_badge_problem(profile: StaffProfile | None, day: dt.date, name: str) -> str:
    """Why this person may not work airside on ``day``; empty when their badge is valid."""
    badges = (
        []
        if profile is None
        else [c for c in profile.credentials.all() if c.kind == Credential.Kind.AIRPORT_BADGE]
    )
    if any(c.is_valid_on(day) for c in badges):
        return ""
    if not badges:
        return f"{name} has no airport badge on record, so cannot work airside."
    last = max(c.expires for c in badges if c.expires is not None)
    return f"{name}'s airport badge expired on {last:%d %b %Y}, so they cannot work airside."


def _check(
    port: Port,
    staff: Person,
    profile: StaffProfile | None,
    start: dt.datetime,
    end: dt.datetime,
    position: str,
    *,
    ignore: int | None = None,
) -> tuple[list[str], str]:
    """(other problems, badge problem) for this shift; both empty when it may be saved."""
    name = display_name(staff)
    problems: list[str] = []
    if end <= start:
        return ["The shift must end after it starts."], ""
    if end - start > MAX_SHIFT:
        problems.append("A shift cannot be longer than 16 hours.")
    if profile is None or not profile.home_ports.filter(pk=port.pk).exists():
        problems.append(f"{name} is not on the staff of {port.iata}.")
    others = (
        Shift.objects.filter(staff=staff, start__lt=end, end__gt=start)
        .exclude(pk=ignore or 0)
        .select_related("port")
    )
    for other in others:
        problems.append(
            f"{name} already works {_span(other.start, other.end, other.port)} "
            f"({other.get_position_display()} at {other.port.iata}), which overlaps."
        )
    first_day = start.astimezone(port.zone).date()
    last_day = (end - dt.timedelta(seconds=1)).astimezone(port.zone).date()
    leave = LeaveRequest.objects.filter(
        author=staff,
        status=ReviewStatus.APPROVED,
        first_day__lte=last_day,
        last_day__gte=first_day,
    )
    for absence in leave:
        problems.append(f"{name} is on approved {absence.get_kind_display().lower()}: {absence}.")
    monday = week_start(port, start)
    w_start, w_end = week_bounds(port, monday)
    same_week = Shift.objects.filter(staff=staff, start__gte=w_start, start__lt=w_end)
    worked = sum(
        (s.hours for s in same_week.exclude(pk=ignore or 0)),
        Decimal(0),
    )
    total = worked + Decimal((end - start).total_seconds()) / 3600
    if total > port.max_weekly_hours:
        problems.append(
            f"This shift would give {name} {total:.1f} hours in the week of {monday:%d %b}; "
            f"{port.iata}'s maximum is {port.max_weekly_hours}."
        )
    badge = ""
    if position in AIRPORT_POSITIONS:
        badge = airport_badge_problem(profile, last_day, name)
    return problems, badge


def _profile(staff: Person) -> StaffProfile | None:
    """The person's profile, locked: two shifts for one person are checked one after the other."""
    return (
        StaffProfile.objects.select_for_update()
        .prefetch_related("credentials")
        .filter(user=staff)
        .first()
    )


def _decide_badge(actor: User, port: Port, badge: str, reason: str, problems: list[str]) -> str:
    """The override reason to record, or raise ``ShiftRefused``."""
    reason = reason.strip()
    if problems:
        raise ShiftRefused([*problems, *([badge] if badge else [])])
    if not badge:
        return ""
    if not reason:
        raise ShiftRefused(
            [badge + " An officer can override this by giving a reason."], badge_only=True
        )
    if not has_port_perm(actor, port, SUPERVISE):
        raise ShiftRefused([badge + " Only an officer can override this."], badge_only=True)
    return reason


def add_shift(
    actor: User,
    port: Port,
    *,
    staff: Person,
    start: dt.datetime,
    end: dt.datetime,
    position: str = Position.ARRIVALS_HALL,
    notes: str = "",
    override_reason: str = "",
) -> Shift:
    """Roster ``staff`` at ``port``. Refused with ``ShiftRefused``; nothing is saved then."""
    require_port_perm(actor, port, COORDINATE)
    with transaction.atomic():
        profile = _profile(staff)
        problems, badge = _check(port, staff, profile, start, end, position)
        reason = _decide_badge(actor, port, badge, override_reason, problems)
        shift = Shift.objects.create(
            port=port,
            staff=staff,  # type: ignore[misc]
            start=start,
            end=end,
            position=position,
            notes=notes.strip(),
            badge_override_reason=reason,
            created_by=actor,
        )
        log_action(
            actor,
            "poe.shift.created",
            shift,
            port=port,
            changes=changed_fields({}, snapshot(shift, SHIFT_FIELDS)),
        )
        if reason:
            _log_override(actor, shift, badge, reason)
    return shift


def _log_override(actor: User, shift: Shift, badge: str, reason: str) -> None:
    log_action(
        actor,
        "poe.shift.badge_overridden",
        shift,
        port=shift.port,
        data={"problem": badge, "reason": reason, "staff": display_name(shift.staff)},
    )


def change_shift(
    actor: User,
    shift: Shift,
    *,
    start: dt.datetime,
    end: dt.datetime,
    position: str,
    notes: str = "",
    override_reason: str = "",
) -> Shift:
    require_port_perm(actor, shift.port, COORDINATE)
    with transaction.atomic():
        profile = _profile(shift.staff)
        problems, badge = _check(
            shift.port, shift.staff, profile, start, end, position, ignore=shift.pk
        )
        reason = _decide_badge(actor, shift.port, badge, override_reason, problems)
        before = snapshot(shift, SHIFT_FIELDS)
        shift.start, shift.end, shift.position = start, end, position
        shift.notes, shift.badge_override_reason = notes.strip(), reason
        changes = changed_fields(before, snapshot(shift, SHIFT_FIELDS))
        if not changes:
            return shift
        shift.save()
        log_action(actor, "poe.shift.changed", shift, port=shift.port, changes=changes)
        if reason:
            _log_override(actor, shift, badge, reason)
    return shift


def delete_shift(actor: User, shift: Shift) -> None:
    require_port_perm(actor, shift.port, COORDINATE)
    with transaction.atomic():
        log_action(
            actor,
            "poe.shift.deleted",
            shift,
            port=shift.port,
            changes=changed_fields(snapshot(shift, SHIFT_FIELDS), {}),
        )
        shift.delete()


def _leave_span(leave: LeaveRequest) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(leave.first_day, dt.time.min, tzinfo=leave.port.zone)
    end = dt.datetime.combine(
        leave.last_day + dt.timedelta(days=1), dt.time.min, tzinfo=leave.port.zone
    )
    return start, end


def shifts_during_leave(leave: LeaveRequest, *, lock: bool = False) -> list[Shift]:
    """The author's shifts (at any port) on the days of ``leave``, port-local to the leave's
    port: what the roster must change if the leave is approved."""
    start, end = _leave_span(leave)
    shifts = Shift.objects.filter(staff_id=leave.author_id, start__lt=end, end__gt=start)
    if lock:
        shifts = shifts.select_for_update(of=("self",))
    return list(shifts.select_related("port", "staff").order_by("start"))


def shifts_during_leaves(leaves: list[LeaveRequest]) -> dict[int, list[Shift]]:
    """``shifts_during_leave`` for many requests in one query (the inbox's leave rows)."""
    spans = {leave.pk: (leave.author_id, *_leave_span(leave)) for leave in leaves}
    if not spans:
        return {}
    first = min(start for _a, start, _e in spans.values())
    last = max(end for _a, _s, end in spans.values())
    candidates = list(
        Shift.objects.filter(
            staff_id__in={author for author, _s, _e in spans.values()},
            start__lt=last,
            end__gt=first,
        )
        .select_related("port")
        .order_by("start")
    )
    return {
        pk: [s for s in candidates if s.staff_id == author and s.start < end and s.end > start]
        for pk, (author, start, end) in spans.items()
    }


def release_shift(
    actor: User, shift: Shift, *, reason: str, leave: LeaveRequest | None = None
) -> None:
    """Take a shift off the roster because its person will not work it (approved leave):
    recorded as ``poe.shift.released`` with the reason, the roster and coverage show the gap.
    Refused for someone who may not keep the shift's port's roster."""
    require_port_perm(actor, shift.port, COORDINATE)
    with transaction.atomic():
        log_action(
            actor,
            "poe.shift.released",
            shift,
            port=shift.port,
            changes=changed_fields(snapshot(shift, SHIFT_FIELDS), {}),
            data={"reason": reason, "leave": leave.pk if leave else None},
        )
        shift.delete()


def staff_of(port: Port) -> list[Person]:
    """Who may be rostered at ``port``: people whose profile lists it as a home port."""
    users = get_user_model().objects.filter(staff_profile__home_ports=port)
    return list(users.order_by("last_name", "first_name", "username"))
