"""Small presentation helpers used across templates."""

from __future__ import annotations

import datetime as dt

from django import template

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
