"""What the port's shift log shows: a day's entries, and — at the top of the port's day — the
last entries, who is on call tonight and who acts as officer, for the next shift to read first.
A fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from arrivals.models import InterpreterBooking, ShiftLogEntry
from poe_ops.localtime import local_day_bounds
from poe_ops.models import Delegation, OnCall, Port
from poe_ops.queries.oncall import on_call_now

# The port's day shows the entries of the last day: the shift before yours, and the one before.
RECENT = dt.timedelta(hours=24)
RECENT_MAX = 5


def entries_of_day(port: Port, day: dt.date) -> list[ShiftLogEntry]:
    """The entries of the port-local ``day``, latest first (one query)."""
    start, end = local_day_bounds(port, day)
    return list(
        ShiftLogEntry.objects.filter(port=port, at__gte=start, at__lt=end)
        .select_related("author", "flight", "case", "port")
        .order_by("-at", "-pk")
    )


@dataclass
class PortOperations:
    """The head of the port's day: who to ring tonight, who acts as officer, the log."""

    on_call: OnCall | None
    acting: list[Delegation]
    recent: list[ShiftLogEntry] = field(default_factory=list)
    more: int = 0
    for_supervisor: int = 0


def port_operations(port: Port) -> PortOperations:
    """Four queries: tonight's on-call, running delegations, the last entries and their
    count."""
    now = timezone.now()
    recent = ShiftLogEntry.objects.filter(port=port, at__gte=now - RECENT)
    shown = list(
        recent.select_related("author", "flight", "case", "port").order_by("-at", "-pk")[
            :RECENT_MAX
        ]
    )
    total = recent.count() if len(shown) == RECENT_MAX else len(shown)
    return PortOperations(
        on_call=on_call_now([port]).get(port.pk),
        acting=list(
            Delegation.objects.filter(port=port, starts_at__lte=now, ends_at__gt=now)
            .select_related("officer", "delegate", "port")
            .order_by("ends_at")
        ),
        recent=shown,
        more=total - len(shown),
        for_supervisor=sum(1 for e in shown if e.for_supervisor),
    )


def interpreters_for_flight(flight_id: int) -> list[InterpreterBooking]:
    return list(
        InterpreterBooking.objects.filter(flight_id=flight_id)
        .select_related("vendor", "case", "port")
        .order_by("starts_at", "pk")
    )


def interpreters_of_day(port: Port, day: dt.date) -> list[InterpreterBooking]:
    start, end = local_day_bounds(port, day)
    return list(
        InterpreterBooking.objects.filter(port=port, starts_at__gte=start, starts_at__lt=end)
        .select_related("vendor", "case", "flight", "port", "created_by")
        .order_by("starts_at", "pk")
    )
