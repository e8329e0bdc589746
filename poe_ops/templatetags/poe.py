"""Small presentation helpers used across templates."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django import template
from django.utils.html import format_html, format_html_join

from poe_ops import registry
from poe_ops.http import device_label
from poe_ops.services.review import decider_words

register = template.Library()


@register.filter
def duration_words(value: dt.timedelta | None) -> str:
    """``timedelta(minutes=90)`` → ``"1 hour 30 minutes"``."""
    if not isinstance(value, dt.timedelta):
        return ""
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if minutes or not parts:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts)


@register.filter
def as_json(value: Any) -> str:
    """A value as JSON for a ``data-`` attribute (escaped there like any text): data for a
    page's script without a ``<script>`` element of its own."""
    return json.dumps(value, separators=(",", ":"))


@register.filter(name="device_label")
def device_label_filter(device: str) -> str:
    """The device a step came from as people read it: "ATL tablet 3", or "Chrome on Android"
    for a browser that was never named (and for events kept from before tablets had names)."""
    return device_label(device or "")


@register.simple_tag
def page_url(name: str, *args: Any) -> str:
    """``{% page_url "case" case.case_number %}``: a page of a higher app, named in the
    registry (``poe_ops.registry.register_page``)."""
    return registry.page_url(name, *args)


@register.simple_tag(takes_context=True)
def page_links(context: template.Context, place: str, css: str = "", **objects: Any) -> str:
    """``{% page_links "person" port=port flight=flight person=row.individual %}``: the links
    higher apps offer at this place on the page (``poe_ops.registry.PageLink``); ``css``
    replaces the links' own classes where the page needs another look."""
    request = context.get("request")
    return links_html(place, getattr(request, "user", None), css, **objects)


def links_html(place: str, user: Any, css: str = "", **objects: Any) -> str:
    """``page_links`` for a view that writes its answer without a template (a tap's reply)."""
    objects.setdefault("user", user)
    return format_html_join(
        " ",
        '<a class="{}" href="{}"{}>{}</a>',
        (
            (
                css or link.css,
                url,
                format_html(' aria-label="{}"', aria) if aria else "",
                link.label,
            )
            for link, url, aria in registry.links_for(place, objects)
        ),
    )


@register.filter
def decider(record: Any) -> str:
    """``{{ report|decider }}``: who decided a reviewed record, with "acting for" the officer
    when they decided by delegation."""
    return decider_words(record)
