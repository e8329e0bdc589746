"""``{% person_moves %}``, ``{% case_moves %}`` and ``{% flight_person_row %}``: a person's
step buttons and undo, a case's "All N → …" buttons (both the same on a flight's page, a case's
page and in search results), and a person's row on a flight's page
(``arrivals.queries.rows_html``, where they are written and why in Python).

They read what they need from the context — ``row`` or ``block``, ``port``, ``view``
(``"flight"``, ``"case"`` or ``"search"``: which container a tap's answer redraws), on a
flight's page ``flight``, ``may_operate``, and for the case's buttons ``oob`` (redrawn out of
band) — and the moves take any of them as an argument instead:
``{% person_moves view="search" port=row.individual.case.port %}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString

from arrivals.queries import rows_html
from poe_ops.templatetags.poe import page_links

register = template.Library()

_CSRF = CsrfTokenNode()


def _value(context: template.Context, given: dict[str, Any], name: str) -> Any:
    return given[name] if name in given else context.get(name)


@register.simple_tag(takes_context=True)
def person_moves(context: template.Context, **given: Any) -> SafeString:
    row = _value(context, given, "row")
    return rows_html.person_moves(
        row,
        _value(context, given, "port").iata,
        _value(context, given, "view"),
        rows_html.flight_pk(_value(context, given, "flight")),
        _CSRF.render(context),
    )


@register.simple_tag(takes_context=True)
def case_moves(context: template.Context, **given: Any) -> SafeString:
    return rows_html.case_moves(
        _value(context, given, "block"),
        _value(context, given, "port").iata,
        _value(context, given, "view"),
        rows_html.flight_pk(_value(context, given, "flight")),
        _CSRF.render(context),
        may_operate=bool(_value(context, given, "may_operate")),
        oob=bool(_value(context, given, "oob")),
    )


@register.simple_tag(takes_context=True)
def flight_person_row(context: template.Context) -> SafeString:
    """A person's row on a flight's page, from ``row``, ``port``, ``flight`` and
    ``may_operate``."""
    row, port, flight = context["row"], context["port"], context.get("flight")
    may_operate = bool(context.get("may_operate"))
    links = ""
    if may_operate:
        links = page_links(context, "person", port=port, flight=flight, person=row.individual)
    return rows_html.flight_person_row(
        row,
        port,
        rows_html.flight_pk(flight),
        _CSRF.render(context) if may_operate else "",
        may_operate=may_operate,
        links=links,
    )
