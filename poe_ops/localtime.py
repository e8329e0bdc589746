"""Local wall-clock times to UTC instants, refusing the ones a daylight-saving change makes unsure.

``make_aware`` silently turns 02:30 on a spring-forward night (a time that never happened) into
some instant, and 01:30 on a fall-back night (a time that happened twice) into the first one.
A flight schedule must not be guessed, so both are refused unless the UTC offset is given.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from poe_ops.models import Port
from poe_ops.refusals import Refusal

User = AbstractBaseUser | AnonymousUser

OFFSET_RE = re.compile(r"^(?:UTC)?([+-])(\d{1,2}):?(\d{2})$")


class LocalTimeError(Refusal):
    """A local time that cannot be placed on the UTC timeline without more information.

    ``kind`` (also its ``code``) says why, so each screen can word it for its own reader."""

    NONEXISTENT = "nonexistent"  # skipped when the clocks jump forward
    REPEATED = "repeated"  # shown twice when the clocks go back
    WRONG_OFFSET = "wrong_offset"  # an offset the zone cannot have then

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message, code=kind)
        self.kind = kind


def parse_offset(text: str) -> dt.timedelta:
    """'-05:00', '+0530', 'UTC-04:00' → a timedelta; ValueError when malformed."""
    match = OFFSET_RE.match(text.strip().upper())
    if not match:
        raise ValueError(text)
    sign, hours, minutes = match.groups()
    delta = dt.timedelta(hours=int(hours), minutes=int(minutes))
    if delta > dt.timedelta(hours=14) or int(minutes) >= 60:
        raise ValueError(text)
    return -delta if sign == "-" else delta


def format_offset(delta: dt.timedelta | None) -> str:
    if delta is None:
        return ""
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def to_utc(naive: dt.datetime, zone_name: str, offset: dt.timedelta | None = None) -> dt.datetime:
    """The UTC instant of the wall-clock time ``naive`` in ``zone_name``.

    Without ``offset``, a time that does not exist or happens twice there raises
    ``LocalTimeError`` with a sentence saying which. With it, the offset must be one the zone
    could have at that wall-clock time (either side of the change), and decides."""
    zone = zoneinfo.ZoneInfo(zone_name)
    first = naive.replace(tzinfo=zone, fold=0)
    second = naive.replace(tzinfo=zone, fold=1)
    possible = {first.utcoffset(), second.utcoffset()}
    if offset is not None:
        if offset not in possible:
            allowed = " or ".join(sorted(format_offset(o) for o in possible))
            raise LocalTimeError(
                f"the offset {format_offset(offset)} does not apply in {zone_name} "
                f"at that time (it is {allowed}).",
                LocalTimeError.WRONG_OFFSET,
            )
        return (naive - offset).replace(tzinfo=dt.UTC)
    if len(possible) == 1:
        return first.astimezone(dt.UTC)
    before, after = first.utcoffset(), second.utcoffset()
    round_trip = first.astimezone(dt.UTC).astimezone(zone).replace(tzinfo=None)
    if round_trip != naive:
        raise LocalTimeError(
            f"{naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks jump forward "
            f"that night. Check the time, or give the UTC offset "
            f"({format_offset(before)} or {format_offset(after)}).",
            LocalTimeError.NONEXISTENT,
        )
    raise LocalTimeError(
        f"{naive:%Y-%m-%d %H:%M} happens twice in {zone_name}: the clocks go back that night. "
        f"Give the UTC offset ({format_offset(before)} for the first, "
        f"{format_offset(after)} for the second).",
        LocalTimeError.REPEATED,
    )


def today_everywhere(ports: Iterable[Port]) -> dt.date:
    """ "Today" on a page over several ports (the statistics' month, HQ's end of day): the
    earliest of their local dates — the day every one of them has reached, so a page opened at
    New York's 19:40 on the 30th (already the 1st in UTC) shows the 30th and its month, not a
    day that has begun nowhere the reader looks. The server's date when there is no port."""
    return min((port.local_today() for port in ports), default=timezone.localdate())


def local_day_bounds(port: Port, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The UTC instants where ``day`` begins and ends at ``port`` (23 or 25 hours on a
    daylight-saving change day)."""
    start = dt.datetime.combine(day, dt.time.min, tzinfo=port.zone)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=port.zone)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)
