"""The board's repeated rows, rendered in Python instead of template tags.

A surge day has about a hundred flight rows and up to 175 at-risk rows on one page that every
HQ screen asks for every 30 seconds. In the template language each row cost about 0.4 ms
(thousands of variable look-ups, localised numbers, a time-zone filter per time), and even
``format_html`` spent most of its time in lazy-string checks; here each row is one f-string in
which every text value goes through ``_e`` (``html.escape``, quotes included) and numbers are
formatted as integers (``:d`` refuses anything else). The page around the rows stays in
``arrivals/board.html``; ``tests/test_board.py`` checks that names and codes arrive escaped.
"""

from __future__ import annotations

import datetime as dt
import html
import zoneinfo
from collections.abc import Iterable
from typing import Protocol
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from arrivals.models import Flight
from arrivals.queries.at_risk import AtRisk


def _e(value: object) -> str:
    """Escape for HTML text and attribute values, as Django's ``escape`` does (quotes too)."""
    return html.escape(str(value), quote=True)


def _hhmm(value: dt.datetime | None, zone: zoneinfo.ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%H:%M") if value else ""


def _arrival_cell(flight: Flight, zone: zoneinfo.ZoneInfo) -> str:
    if flight.actual_arrival:
        shown = f"<strong>{_hhmm(flight.actual_arrival, zone)}</strong> landed"
    elif flight.estimated_arrival:
        shown = f"<strong>{_hhmm(flight.estimated_arrival, zone)}</strong> est."
    elif flight.scheduled_arrival:
        shown = f"<strong>{_hhmm(flight.scheduled_arrival, zone)}</strong>"
    else:
        shown = "—"
    latest = flight.actual_arrival or flight.estimated_arrival or flight.scheduled_arrival
    if flight.scheduled_arrival and latest != flight.scheduled_arrival:
        shown += f'<br><span class="muted">sched. {_hhmm(flight.scheduled_arrival, zone)}</span>'
    return shown


def _attention_cell(row: BoardFlightLike) -> str:
    flight = row.flight
    parts = [
        f'<span class="status-badge status-{_e(flight.status)}">'
        f"{_e(flight.get_status_display())}</span>"
    ]
    if row.waiting_after_landing:
        parts.append(
            f'<span class="alert-text">{row.waiting_after_landing:d} not met since landing</span>'
        )
    parts.extend(
        f'<span class="alert-text">{_e(label)} {count:d}</span>' for label, count in row.exceptions
    )
    if row.at_risk:
        parts.append(f'<span class="alert-text">{row.at_risk:d} may miss connection</span>')
    if row.no_escort:
        parts.append(
            '<span class="alert-text" data-alert="no-escort">'
            f"{row.no_escort:d} without escort</span>"
        )
    return "\n".join(parts)


def _steps_cell(row: BoardFlightLike) -> str:
    bar = "".join(
        f'<span class="bar-seg step-{_e(step)} share-{share:d}" title="{_e(label)}: {count:d}">'
        "</span>"
        for step, label, count, share in row.bar
    )
    counts = "".join(
        f'<span class="step-count step-{_e(step)}">{_e(label)} {count:d}</span>'
        for step, label, count in row.by_step
    )
    return (
        f'<div class="step-bar" aria-hidden="true">{bar}</div>'
        f'<span class="step-counts">{counts}</span>'
    )


def _needs_cell(row: BoardFlightLike) -> str:
    parts = []
    if row.urm:
        parts.append(f'<span class="flag flag-urm">URM {row.urm:d}</span>')
    if row.separated:
        parts.append(f'<span class="flag flag-urm">Separated {row.separated:d}</span>')
    if row.wheelchair:
        parts.append(f'<span class="flag">Wheelchair {row.wheelchair:d}</span>')
    if row.medical:
        parts.append(f'<span class="flag">Medical {row.medical:d}</span>')
    if row.languages:
        parts.append(f'<span class="languages">{_e(", ".join(row.languages))}</span>')
    return f'<span class="needs">{"".join(parts)}</span>'


def _prefix(url_name: str, args: list[object]) -> str:
    """The URL for ``args`` whose last part is 0, without that "0/": one reverse() per page
    instead of one per row (the rows append their own id)."""
    url = reverse(url_name, args=args)
    assert url.endswith("/0/")
    return url[: -len("0/")]


def flight_rows(rows: Iterable[BoardFlightLike], iata: str, zone: zoneinfo.ZoneInfo) -> SafeString:
    """The ``<tr>`` of each flight of one port's table."""
    base = _prefix("arrivals:flight", [iata, 0])
    html = []
    for row in rows:
        flight = row.flight
        html.append(
            f'<tr class="{"stands-out" if row.stands_out else ""}" id="board-flight-{flight.pk:d}">'
            f'<td><a href="{_e(base)}{flight.pk:d}/"><strong>{_e(flight.code)}</strong></a><br>'
            f'<span class="muted">from {_e(flight.origin)}</span></td>'
            f'<td class="times">{_arrival_cell(flight, zone)}</td>'
            f'<td class="attention">{_attention_cell(row)}</td>'
            f'<td class="num"><strong>{row.cases:d}</strong> · <strong>{row.people:d}</strong> '
            '<span class="narrow-label">cases · people</span></td>'
            f"<td>{_steps_cell(row)}</td><td>{_needs_cell(row)}</td></tr>"
        )
    # Reviewed (bandit B308/B703): every value is escaped by _e or formatted as an integer
    # (tests/test_board.py checks hostile names and codes arrive escaped).
    return mark_safe("\n".join(html))  # noqa: S308  # nosec B308 B703


def at_risk_rows(
    rows: Iterable[AtRisk], zone: zoneinfo.ZoneInfo, min_connection: int
) -> SafeString:
    """The ``<tr>`` of each person on one port's at-risk list."""
    case_url = reverse("arrivals:case", args=["0"])[: -len("0/")]
    html = []
    for r in rows:
        inbound = r.inbound
        if inbound is None:
            arrives = "—"
        elif inbound.status in (Flight.Status.CANCELLED, Flight.Status.DIVERTED):
            arrives = f"{inbound.code} ({inbound.get_status_display().lower()})"
        else:
            latest = inbound.actual_arrival or inbound.estimated_arrival
            arrives = f"{inbound.code} {_hhmm(latest or inbound.scheduled_arrival, zone)}"
        onward = ""
        if r.leg is not None:
            onward = f"<strong>{_e(r.leg.code)}</strong>"
            if r.leg.cancelled or r.leg.delayed:
                onward += f' <span class="alert-text">{_e(r.leg.status_label.lower())}</span>'
        departs = _hhmm(r.onward_departure, zone)
        leg = r.leg
        if leg is not None and leg.scheduled_departure and leg.departure != leg.scheduled_departure:
            departs += (
                f'<br><span class="muted">sched. {_hhmm(leg.scheduled_departure, zone)}</span>'
            )

        opening = '<tr class="is-urgent">' if r.urgent else "<tr>"
        html.append(
            f"{opening}<td>{_e(r.name)}</td>"
            f'<td><a href="{_e(case_url + quote(r.case_number))}/">{_e(r.case_number)}</a></td>'
            f"<td>{_e(arrives)}</td><td>{onward}</td>"
            f"<td>{departs}</td><td>{_e(r.words(min_connection))}</td></tr>"
        )
    # Reviewed (bandit B308/B703): every value is escaped by _e or is a time _hhmm formatted
    # (tests/test_board.py checks hostile names and codes arrive escaped).
    return mark_safe("\n".join(html))  # noqa: S308  # nosec B308 B703


def _departure_cell(flight: Flight, zone: zoneinfo.ZoneInfo) -> str:
    if flight.actual_departure:
        shown = f"<strong>{_hhmm(flight.actual_departure, zone)}</strong> departed"
    elif flight.estimated_departure:
        shown = f"<strong>{_hhmm(flight.estimated_departure, zone)}</strong> est."
    elif flight.scheduled_departure:
        shown = f"<strong>{_hhmm(flight.scheduled_departure, zone)}</strong>"
    else:
        shown = "—"
    if flight.scheduled_departure and flight.latest_departure != flight.scheduled_departure:
        shown += f'<br><span class="muted">sched. {_hhmm(flight.scheduled_departure, zone)}</span>'
    return shown


def departure_rows(
    rows: Iterable[BoardDepartureLike], iata: str, zone: zoneinfo.ZoneInfo
) -> SafeString:
    """The ``<tr>`` of each domestic flight leaving one port on the day."""
    base = _prefix("arrivals:flight", [iata, 0])
    html = []
    for row in rows:
        flight = row.flight
        risk = f'<span class="alert-text">{row.at_risk:d} at risk</span>' if row.at_risk else ""
        counts = "".join(
            f'<span class="step-count step-{_e(step)}">{_e(label)} {count:d}</span>'
            for step, label, count in row.by_step
        )
        gate = f"gate {_e(flight.gate)}" if flight.gate else ""
        html.append(
            f'<tr class="{"stands-out" if row.stands_out else ""}" '
            f'id="board-departure-{flight.pk:d}">'
            f'<td><a href="{_e(base)}{flight.pk:d}/"><strong>{_e(flight.code)}</strong></a><br>'
            f'<span class="muted">to {_e(flight.destination)}</span></td>'
            f'<td class="times">{_departure_cell(flight, zone)}</td>'
            f'<td class="attention"><span class="status-badge status-{_e(flight.status)}">'
            f"{_e(flight.get_status_display())}</span>{risk}</td>"
            f"<td>{gate}</td>"
            f'<td class="num"><strong>{row.people:d}</strong> '
            '<span class="narrow-label">people</span></td>'
            f'<td><span class="step-counts">{counts}</span></td></tr>'
        )
    # Reviewed (bandit B308/B703): every value is escaped by _e or formatted as an integer
    # (tests/test_board.py checks hostile names and codes arrive escaped).
    return mark_safe("\n".join(html))  # noqa: S308  # nosec B308 B703


# Structural types, so this module needs nothing from board.py (which imports it).
class BoardFlightLike(Protocol):
    flight: Flight
    cases: int
    people: int
    by_step: list[tuple[str, str, int]]
    urm: int
    separated: int
    wheelchair: int
    medical: int
    languages: list[str]
    waiting_after_landing: int
    exceptions: list[tuple[str, int]]
    at_risk: int
    no_escort: int

    @property
    def stands_out(self) -> bool: ...

    @property
    def bar(self) -> list[tuple[str, str, int, int]]: ...


class BoardDepartureLike(Protocol):
    flight: Flight
    people: int
    by_step: list[tuple[str, str, int]]
    at_risk: int

    @property
    def stands_out(self) -> bool: ...
