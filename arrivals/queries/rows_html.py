"""What every tap's reply draws, rendered in Python instead of template tags
(``arrivals/templatetags/rows.py``): a person's step buttons and undo (``{% person_moves %}``), a
case's "All N → …" buttons (``{% case_moves %}``) — the same on a flight's page, a case's page
and in search results — and a person's whole row on a flight's page
(``{% flight_person_row %}``, with their onward legs).

A tap's reply is the person's row and, out of band, the case's "All N" buttons
(static/js/taps.js compares their ``data-version``); a flight's page is a row per person. In the
template language a reply's render cost about 1.3 ms, most of it per-node work: ~125 nodes, ~135
variable look-ups, seven ``{% url %}``, a loop, two conditions and five look-ups per button.
Here each part is a few f-strings, as the board's rows are (``arrivals.queries.board_html``).
Every text value goes through ``_e`` (Django's ``conditional_escape``: ``html.escape``, quotes
included, unless the value is HTML already), numbers are formatted with ``:d``, times with
Django's own ``timezone`` and ``date`` filters, the CSRF field is ``{% csrf_token %}``'s output
and the higher apps' links ``{% page_links %}``'s, passed in. ``tests/test_rows_html.py``
checks that hostile values arrive escaped; ``tests/test_tap_reply_html.py`` that the replies are
the ones the templates wrote.

URLs with ids are ``reverse``'s own, reversed once per process for each URL name and text
arguments (the port's code, a step) with markers where the ids go (``poe_ops.reversing.id_url``);
URLs named by a case number (rebooking, an escort) go through ``reverse`` itself.

The forms post without JavaScript; with it, static/js/taps.js keeps each tap on the tablet until
the server has it (``data-tap``: what kind of tap, for the queue).
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.template.defaultfilters import date as date_filter
from django.templatetags.tz import do_timezone
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from poe_ops.reversing import id_url

if TYPE_CHECKING:
    from arrivals.queries.flight_rows import CaseBlock, PersonRow
    from arrivals.queries.onward import Leg
    from poe_ops.models import Port


def _e(value: Any) -> str:
    """Every value written into a row: Django's own escaping, as the templates apply it
    (quotes too; a value that is already HTML, such as the CSRF field, as it is). A plain
    ``str`` — most of a row's values — goes straight to ``html.escape``, which is what
    ``conditional_escape`` comes to for it, without its wrappers (a row writes sixty values)."""
    if type(value) is str:
        return html.escape(value)
    return conditional_escape(value)


def flight_pk(flight: object) -> object:
    """The flight's id as the templates name it (``flight.pk``): a Flight, or ``{"pk": …}`` in a
    tap's reply; None without a flight."""
    if not flight:
        return None
    return flight["pk"] if isinstance(flight, Mapping) else getattr(flight, "pk", None)


def _hidden_fields(csrf_input: str, key: str, view: str, flight: object) -> str:
    fields = (
        f"\n  {csrf_input}\n"
        f'  <input type="hidden" name="key" value="{_e(key)}">\n'
        f'  <input type="hidden" name="view" value="{_e(view)}">\n'
    )
    if flight is not None:
        fields += f'  <input type="hidden" name="flight" value="{_e(flight)}">\n'
    return fields


def _detail_query(view: str, flight: object) -> str:
    """Where a step's small form goes back to: the flight, or the view it was opened from."""
    return f"?flight={flight}" if flight is not None else f"?view={view}"


def person_moves(
    row: PersonRow, iata: str, view: str, flight: object, csrf_input: str
) -> SafeString:
    """A person's step buttons (the normal path's first, the normal next step filled; then
    the exceptions) and the undo of their latest step. ``flight``: the flight's id on a
    flight's page, else None; ``csrf_input``: the ``{% csrf_token %}`` field."""
    person_pk: int = row.individual.pk
    parts = []
    if row.big_moves or row.small_moves:
        step_url = id_url("arrivals:individual_step", iata, person_pk)
        query = _e(_detail_query(view, flight))
        buttons = []
        for moves, css in ((row.big_moves, "step-button"), (row.small_moves, "step-exception")):
            for step, label, form in moves:
                classes = f"button {css}"
                if css == "step-button" and step == row.primary:
                    classes += " button-primary"
                if form:
                    detail = _e(id_url("arrivals:individual_step_detail", iata, person_pk, step))
                    buttons.append(
                        f'<a class="{classes}" href="{detail}{query}" hx-get="{detail}{query}"'
                        f' hx-target="#step-form-{person_pk:d}" hx-swap="innerHTML">'
                        f"{_e(label)}…</a>"
                    )
                else:
                    buttons.append(
                        f'<button type="submit" class="{classes}" name="step"'
                        f' value="{_e(step)}">{_e(label)}</button>'
                    )
        parts.append(
            f'<form class="person-moves" method="post" action="{_e(step_url)}"'
            f' data-tap="person">{_hidden_fields(csrf_input, row.key, view, flight)}  '
            + "\n  ".join(buttons)
            + "\n</form>"
        )
    if row.undo_event is not None:
        undo_url = id_url("arrivals:undo_step", iata, row.undo_event.pk)
        parts.append(
            f'<form class="person-undo" method="post" action="{_e(undo_url)}" data-tap="undo"'
            f' data-undo-to="{_e(row.undo_event.from_step)}">'
            f"{_hidden_fields(csrf_input, row.undo_key, view, flight)}"
            f'  <button type="submit" class="button button-undo">{_e(row.undo_label)}</button>\n'
            "</form>"
        )
    # Reviewed (bandit B308/B703): every value is escaped by _e or formatted as an integer, the
    # CSRF field is Django's own (tests/test_rows_html.py checks hostile values arrive escaped).
    return mark_safe("\n".join(parts))  # noqa: S308  # nosec B308 B703


def case_moves(
    block: CaseBlock,
    iata: str,
    view: str,
    flight: object,
    csrf_input: str,
    *,
    may_operate: bool,
    oob: bool = False,
) -> SafeString:
    """A case's "All N → …" buttons (``CaseBlock.case_moves``) in their wrapper, whose
    ``data-version`` says which counts they show. On a flight's page (``flight``: its id) only
    the case's people on that flight move. ``oob``: redrawn out of band after one person's tap,
    since the counts depend on everyone's step."""
    case_pk: int = block.case.pk
    swap = ' hx-swap-oob="true"' if oob else ""
    opening = (
        f'<div class="case-moves-wrap" id="case-moves-{case_pk:d}"'
        f' data-version="{_e(block.moves_version)}"{swap}>'
    )
    if not (may_operate and block.case_moves):
        return mark_safe(f"{opening}\n</div>")  # noqa: S308  # nosec B308 B703
    query = _e(_detail_query(view, flight))
    buttons = []
    for step, label, count, form in block.case_moves:
        if form:
            # A step that asks for details (the family's bags) opens its small form first.
            detail = _e(id_url("arrivals:case_step_detail", iata, case_pk, step))
            buttons.append(
                f'<a class="button case-button" href="{detail}{query}" hx-get="{detail}{query}"'
                f' hx-target="#case-form-{case_pk:d}" hx-swap="innerHTML">'
                f"All {count:d} → {_e(label)}…</a>"
            )
        else:
            buttons.append(
                f'<button type="submit" class="button case-button" name="step"'
                f' value="{_e(step)}" data-count="{count:d}">All {count:d} → {_e(label)}</button>'
            )
    action = _e(id_url("arrivals:case_step", iata, case_pk))
    # Reviewed (bandit B308/B703): every value is escaped by _e or formatted as an integer, the
    # CSRF field is Django's own (tests/test_rows_html.py checks hostile values arrive escaped).
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'{opening}\n<form class="case-moves" method="post" action="{action}" data-tap="case">'
        f"{_hidden_fields(csrf_input, block.key, view, flight)}  "
        + "\n  ".join(buttons)
        + "\n</form>\n</div>"
    )


def _onward(legs: list[Leg]) -> str:
    """A person's onward legs, in the order they leave; each time in its own airport's time."""
    if not legs:
        return ""
    spans = []
    for leg in legs:
        state = ""
        if leg.cancelled:
            state = " is-cancelled"
        elif leg.delayed:
            state = " is-delayed"
        elif leg.departed:
            state = " is-departed"
        text = f"<b>{_e(leg.code)}</b> {_e(leg.origin)}→{_e(leg.destination)}"
        if leg.departure:
            text += f" {_e(date_filter(do_timezone(leg.departure, leg.origin_tz), 'D H:i'))}"
        if leg.gate:
            text += f" · gate {_e(leg.gate)}"
        if leg.cancelled or leg.delayed or leg.departed:
            text += f" · {_e(str(leg.status_label).lower())}"
        spans.append(f'\n<span class="onward-leg{state}" data-leg="{_e(leg.code)}">{text}</span>')
    return f'<p class="person-onward"><span class="onward-label">Onward</span>{"".join(spans)}</p>'


def age_in_words(age: int) -> str:
    """A person's age as a row shows it: "under 1" for a baby, "1 yr", "9 yrs"."""
    if age < 1:
        return "under 1"
    return "1 yr" if age == 1 else f"{age:d} yrs"


def flight_person_row(
    row: PersonRow,
    port: Port,
    flight: object,
    csrf_input: str,
    *,
    may_operate: bool,
    links: str,
) -> SafeString:
    """A person's row on a flight's page (``{% flight_person_row %}``; a tap's reply there):
    who they are, their needs and onward legs, their step, the tap's message, and for those who
    may operate the port their buttons and links (``links``: what higher apps offer here,
    ``{% page_links "person" %}``). ``flight``: the flight's id, or None in a reply for a
    case that is not on it."""
    person = row.individual
    pk: int = person.pk
    step = person.current_step
    step_url = id_url("arrivals:individual_step", port.iata, pk) if may_operate else ""
    shown_flight = "" if flight is None else _e(flight)
    parts = [
        f'<li class="person-row step-{_e(step)}" id="person-{pk:d}" data-person="{pk:d}"'
        f' data-case="{person.case_id:d}" data-step="{_e(step)}" data-name="{_e(person)}"'
        f' data-version="{_e(row.version)}" data-view="flight" data-flight="{shown_flight}"'
        f' data-step-url="{_e(step_url)}">',
        f'  <div class="person-info">\n    <p class="person-name">{_e(person)}</p>',
    ]
    meta = f"{age_in_words(row.age)} · " if row.age is not None else ""
    meta += _e(person.get_relationship_display())
    language = person.language_name
    if language:
        meta += f" · {_e(language)}"
    parts.append(f'    <p class="person-meta">{meta}</p>')
    parts.append(f"    {_onward(row.legs)}")
    flags = person.flags
    escort_missing = bool(getattr(person, "escort_missing", False))
    if flags:
        items = "".join(
            f'<li class="flag{" flag-urm" if flag in ("URM", "Separated minor") else ""}">'
            f"{_e(flag)}</li>"
            for flag in flags
        )
        if escort_missing:
            items += '<li class="flag flag-warning" data-warning="no-escort">No escort</li>'
        parts.append(f'    <ul class="person-flags">{items}</ul>')
    parts.append("  </div>")
    line = f'<span class="step-badge step-{_e(step)}">{_e(row.step_label)}</span>'
    if person.current_step_at:
        since = "since " if step == "cbp_secondary" else ""
        at = person.current_step_at.astimezone(port.zone).strftime("%H:%M")  # "H:i"
        line += f' <span class="step-time">{since}{_e(at)}</span>'
    if row.step_detail:
        line += f'<span class="step-detail">{_e(row.step_detail)}</span>'
    parts.append(f'  <p class="person-step">{line}</p>')
    if row.message:
        refusal = ' is-refusal" role="alert' if row.is_refusal else '" role="status'
        parts.append(f'  <p class="step-message{refusal}">{_e(row.message)}</p>')
    if may_operate:
        case_number = person.case.case_number
        primary = " button-primary" if step == "needs_rebooking" else ""
        rebook = reverse("arrivals:rebook", args=[case_number])
        parts += [
            '  <div class="person-actions">',
            person_moves(row, port.iata, "flight", flight, csrf_input),
            '    <div class="person-links">',
            f'      <a class="button button-small{primary}"'
            f' href="{_e(rebook)}?person={pk:d}">Rebook / hotel</a>',
        ]
        if escort_missing:
            escort = reverse("cases:assign_escort", args=[case_number])
            parts.append(
                f'      <a class="button button-small" href="{_e(escort)}">Assign escort</a>'
            )
        if row.may_hand_over:
            hand_over = id_url("arrivals:hand_over", port.iata, pk)
            parts.append(
                f'      <a class="button button-small button-handover" href="{_e(hand_over)}">'
                "Hand over…</a>"
            )
        parts += [
            f"      {_e(links)}",
            "    </div>",
            "  </div>",
            f'  <div class="step-form-slot" id="step-form-{pk:d}"></div>',
        ]
    parts.append("</li>")
    # Reviewed (bandit B308/B703): every value is escaped by _e or formatted as an integer; the
    # CSRF field and the links are Django's own HTML (tests/test_rows_html.py checks hostile
    # values arrive escaped).
    return mark_safe("\n".join(parts))  # noqa: S308  # nosec B308 B703
