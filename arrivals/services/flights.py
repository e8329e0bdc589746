"""Flight status updates: a senior associate, officer or Operations HQ sets an inbound flight's
status and its estimated or actual arrival (``update_flight``), or a departing domestic flight's
status, estimated or actual departure and gate (``update_departure``) — from the tablet, in the
port's local time. Cancelling a departure puts everyone booked on it into "needs rebooking" in
the same transaction and tells HQ once."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from arrivals.models import Flight
from arrivals.services import checkin, notices
from poe_ops.keys import new_key
from poe_ops.localtime import LocalTimeError, to_utc
from poe_ops.models import Port
from poe_ops.roles import COORDINATE
from poe_ops.scoping import require_port_perm
from poe_ops.services.audit import changed_fields, log_action, snapshot

User = AbstractBaseUser | AnonymousUser

UPDATED_FIELDS = ("status", "estimated_arrival", "actual_arrival")
DEPARTURE_FIELDS = ("status", "estimated_departure", "actual_departure", "gate")
ARRIVAL_STATUSES = (
    Flight.Status.SCHEDULED,
    Flight.Status.ON_TIME,
    Flight.Status.DELAYED,
    Flight.Status.LANDED,
    Flight.Status.CANCELLED,
    Flight.Status.DIVERTED,
)
DEPARTURE_STATUSES = (
    Flight.Status.SCHEDULED,
    Flight.Status.ON_TIME,
    Flight.Status.DELAYED,
    Flight.Status.DEPARTED,
    Flight.Status.CANCELLED,
)
_GATE = re.compile(r"^[A-Z0-9]{1,4}(-?[A-Z0-9]{1,3})?$")
# An actual arrival a few minutes ahead of the server's clock is a clock difference, not a typo.
CLOCK_SLACK = dt.timedelta(minutes=5)
# Further from the schedule than this is almost surely a wrong date, not a long delay.
MAX_DRIFT = dt.timedelta(hours=48)

_CLOCK = re.compile(r"^(\d{1,2})[:.h]?(\d{2})$")
_LOCAL = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{1,2}):(\d{2})(?::\d{2})?$")

FIELD_LABELS = {
    "estimated_arrival": "Estimated arrival",
    "actual_arrival": "Actual arrival",
    "estimated_departure": "Estimated departure",
    "actual_departure": "Actual departure",
}


def _anchor(flight: Flight, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    """The local moment a bare HH:MM is read near: the flight's scheduled time at the port (its
    departure for a flight leaving it, else its arrival)."""
    scheduled = (
        flight.scheduled_departure if flight.leaves(flight.port.iata) else flight.scheduled_arrival
    )
    if scheduled is not None:
        return scheduled.astimezone(zone)
    return dt.datetime.combine(flight.scheduled_date, dt.time(12), tzinfo=zone)


def _aware(naive: dt.datetime, zone: zoneinfo.ZoneInfo, label: str, port: Port) -> dt.datetime:
    """``naive`` read as wall-clock time in ``zone``; refused when the clocks skip it (spring
    forward) or show it twice (fall back)."""
    try:
        return to_utc(naive, port.time_zone).astimezone(zone)
    except LocalTimeError as error:
        shown = naive.strftime("%d %b %Y %H:%M")
        if error.kind == LocalTimeError.NONEXISTENT:
            raise ValidationError(
                f"{label}: {shown} does not exist at {port.iata} — the clocks jump forward that "
                "night. Enter the time as the airport's clocks showed it."
            ) from None
        raise ValidationError(
            f"{label}: {shown} happens twice at {port.iata} — the clocks go back that night. "
            "Ask the airline which one, and enter a time just before or after the change."
        ) from None


def parse_local_time(value: str, flight: Flight, label: str = "Time") -> dt.datetime | None:
    """A time typed at the port: ``HH:MM`` (the day nearest the scheduled arrival, so 00:20 for
    a 23:50 flight means just after midnight) or ``YYYY-MM-DDTHH:MM``. Blank → ``None``."""
    text = value.strip()
    if not text:
        return None
    port = flight.port
    zone = port.zone
    local = _LOCAL.match(text)
    clock = _CLOCK.match(text)
    try:
        if local:
            day = dt.date.fromisoformat(local.group(1))
            naive = dt.datetime.combine(day, dt.time(int(local.group(2)), int(local.group(3))))
            return _aware(naive, zone, label, port)
        if clock:
            at = dt.time(int(clock.group(1)), int(clock.group(2)))
            anchor = _anchor(flight, zone)
            candidates = [
                dt.datetime.combine(anchor.date() + dt.timedelta(days=shift), at)
                for shift in (-1, 0, 1)
            ]
            naive_anchor = anchor.replace(tzinfo=None)
            naive = min(candidates, key=lambda c: abs(c - naive_anchor))
            return _aware(naive, zone, label, port)
    except ValueError:
        pass
    raise ValidationError(
        f"{label}: “{text}” is not a time. Type it as HH:MM in {port.iata} local time, e.g. 23:45."
    )


def _as_time(
    value: dt.datetime | str | None, flight: Flight, field: str, errors: dict[str, str]
) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        if value is not None and timezone.is_naive(value):
            raise ValueError("Pass aware datetimes, or local times as text.")
        return value
    try:
        return parse_local_time(value, flight, FIELD_LABELS[field])
    except ValidationError as error:
        errors[field] = error.messages[0]
        return None


def update_flight(
    user: User,
    flight: Flight,
    *,
    status: str,
    estimated_arrival: dt.datetime | str | None,
    actual_arrival: dt.datetime | str | None,
) -> dict[str, list[object]]:
    """Set ``flight``'s status and times; return the changed fields (empty: nothing changed).

    Times given as text are wall-clock times at the flight's port. "Landed" without an actual
    time records now. Raises ``ValidationError`` (keyed by field) and changes nothing when the
    input makes no sense; 404 for another port's flight, 403 for an associate."""
    require_port_perm(user, flight.port, COORDINATE)
    errors: dict[str, str] = {}
    if status not in ARRIVAL_STATUSES:
        errors["status"] = "Choose a status from the list."
    estimated = _as_time(estimated_arrival, flight, "estimated_arrival", errors)
    actual = _as_time(actual_arrival, flight, "actual_arrival", errors)
    now = timezone.now()
    if not errors:
        if status == Flight.Status.LANDED and actual is None:
            actual = now
        _time_errors(
            flight,
            "arrival",
            estimated,
            actual,
            status in {Flight.Status.LANDED, Flight.Status.DIVERTED},
            ("landed", "Landed", "in the air"),
            errors,
            now,
        )
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            Flight.objects.select_for_update(of=("self",)).select_related("port").get(pk=flight.pk)
        )
        before = snapshot(locked, UPDATED_FIELDS)
        locked.status = status
        locked.estimated_arrival = estimated
        locked.actual_arrival = actual
        changes = changed_fields(before, snapshot(locked, UPDATED_FIELDS))
        if not changes:
            return {}
        locked.save(update_fields=[*UPDATED_FIELDS, "updated_at"])
        log_action(user, "poe.flight.updated", locked, port=locked.port, changes=changes)
        notices.flight_changed(locked, before)
    for name in UPDATED_FIELDS:
        setattr(flight, name, getattr(locked, name))
    return changes


def _departure_errors(
    flight: Flight,
    status: str,
    estimated: dt.datetime | None,
    actual: dt.datetime | None,
    gate: str,
    errors: dict[str, str],
    now: dt.datetime,
) -> None:
    if status not in DEPARTURE_STATUSES:
        errors["status"] = "Choose a status from the list."
    if gate and not _GATE.match(gate):
        errors["gate"] = f"Gate: “{gate}” is not a gate; letters and digits, e.g. B12 or 34A."
    if errors:
        return
    _time_errors(
        flight,
        "departure",
        estimated,
        actual,
        status == Flight.Status.DEPARTED,
        ("left", "Departed", "at the gate"),
        errors,
        now,
    )


def _time_errors(
    flight: Flight,
    end: str,
    estimated: dt.datetime | None,
    actual: dt.datetime | None,
    status_allows_actual: bool,
    words: tuple[str, str, str],
    errors: dict[str, str],
    now: dt.datetime,
) -> None:
    """The checks an arrival's and a departure's times share (``end``: "arrival" or
    "departure"): an actual time only with the status that says so, never in the future, and
    neither time more than two days from the schedule. ``words``: what the flight has done, the
    status that says it, and where a flight is until then."""
    done, status_label, until = words
    actual_field, estimated_field = f"actual_{end}", f"estimated_{end}"
    if actual is not None and not status_allows_actual:
        errors[actual_field] = (
            f"An actual {end} time means the flight has {done}: set the status to "
            f"{status_label}, or clear the actual time."
        )
    elif actual is not None and actual > now + CLOCK_SLACK:
        local = timezone.localtime(actual, flight.port.zone)
        errors[actual_field] = (
            f"Actual {end} {local:%d %b %H:%M} is in the future. For a flight still {until}, "
            f"set the estimated {end} instead."
        )
    reference = getattr(flight, f"scheduled_{end}")
    for field, value in ((estimated_field, estimated), (actual_field, actual)):
        if reference and value and abs(value - reference) > MAX_DRIFT and field not in errors:
            errors[field] = (
                f"{FIELD_LABELS[field]} is more than two days from the scheduled {end}; "
                "check the date."
            )


def update_departure(
    user: User,
    flight: Flight,
    *,
    status: str,
    estimated_departure: dt.datetime | str | None,
    actual_departure: dt.datetime | str | None,
    gate: str = "",
    device: str = "",
) -> dict[str, list[object]]:
    """Set a departing flight's status, times and gate; return the changed fields (empty:
    nothing changed). "Departed" without an actual time records now. Cancelling it moves
    everyone booked on it to "needs rebooking" (those not yet through CBP, or in hospital, keep
    their step and are named) and tells HQ once, with the names. Raises ``ValidationError``
    (keyed by field) and changes nothing when the input makes no sense; 404 for another port's
    flight, 403 for an associate."""
    require_port_perm(user, flight.port, COORDINATE)
    if not flight.leaves(flight.port.iata):
        raise ValidationError(f"{flight.code} lands at {flight.port.iata}; it has no departure.")
    errors: dict[str, str] = {}
    estimated = _as_time(estimated_departure, flight, "estimated_departure", errors)
    actual = _as_time(actual_departure, flight, "actual_departure", errors)
    gate = "".join((gate or "").split()).upper()
    now = timezone.now()
    if not errors and status == Flight.Status.DEPARTED and actual is None:
        actual = now
    _departure_errors(flight, status, estimated, actual, gate, errors, now)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = (
            Flight.objects.select_for_update(of=("self",)).select_related("port").get(pk=flight.pk)
        )
        before = snapshot(locked, DEPARTURE_FIELDS)
        locked.status = status
        locked.estimated_departure = estimated
        locked.actual_departure = actual
        locked.gate = gate
        changes = changed_fields(before, snapshot(locked, DEPARTURE_FIELDS))
        if not changes:
            return {}
        locked.save(update_fields=[*DEPARTURE_FIELDS, "updated_at"])
        log_action(user, "poe.flight.updated", locked, port=locked.port, changes=changes)
        rebooking: list = []
        staying: list = []
        if status == Flight.Status.CANCELLED and before["status"] != status:
            rebooking, staying = checkin.needs_rebooking_on(
                user, locked, idempotency_key=new_key(), device=device
            )
        notices.departure_changed(locked, before, rebooking=rebooking, staying=staying)
    for name in DEPARTURE_FIELDS:
        setattr(flight, name, getattr(locked, name))
    return changes
