"""Who is on call: now at each port (the board, the port's day), and a port's rota."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from poe_ops.models import OnCall, Port, night_of


def on_call_now(ports: Iterable[Port], moment: dt.datetime | None = None) -> dict[int, OnCall]:
    """``{port id: tonight's on-call}`` for ``ports`` (the night running at ``moment``, each in
    its own time zone): one query, whatever the number of ports."""
    nights = {port.pk: night_of(port, moment) for port in ports}
    if not nights:
        return {}
    found = OnCall.objects.filter(port_id__in=list(nights), night__in=set(nights.values()))
    return {
        row.port_id: row
        for row in found.select_related("person")
        if nights.get(row.port_id) == row.night
    }


def rota(port: Port, first: dt.date, days: int) -> dict[dt.date, OnCall]:
    """``{night: on-call}`` for the ``days`` nights from ``first`` (one query)."""
    last = first + dt.timedelta(days=days - 1)
    rows = OnCall.objects.filter(port=port, night__gte=first, night__lte=last)
    return {row.night: row for row in rows.select_related("person", "set_by")}
