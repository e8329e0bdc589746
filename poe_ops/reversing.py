"""``id_url(name, *args)``: ``reverse(name, args=args)`` for URLs drawn once per row, with the
integer arguments (records' ids) written into a URL reversed once per process with markers in
their place — for each name, text arguments (a port's code, a step), script prefix and URLconf.

``reverse`` builds and checks every candidate pattern against its arguments (35–50 µs a URL); a
flight's page draws five to seven such URLs per person and every tap's reply draws them again.
The shape comes from ``reverse`` itself, so the URLconf stays the only source of the URL, and an
id is written in as ``reverse`` writes an ``int`` (the ``int`` converter: ``str(value)``).
Anything else — a negative number, a bool, a shape the markers do not split cleanly — is left to
``reverse``; text arguments go through ``reverse`` in the shape (quoted and checked as always).
``tests/test_rows_html.py`` compares the two for every URL drawn this way."""

from __future__ import annotations

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# Digits no id reaches, so that splitting a reversed URL at them finds only the markers.
_MARKER = 987_654_321_987_654_321


@lru_cache(maxsize=1024)
def _shape(
    name: str, args: tuple[str | int, ...], prefix: str, urlconf: object
) -> tuple[str, ...] | None:
    url = reverse(name, args=args, urlconf=urlconf)  # type: ignore[arg-type]
    parts = tuple(url.split(str(_MARKER)))
    return parts if len(parts) == args.count(_MARKER) + 1 else None


def id_url(name: str, *args: str | int) -> str:
    if not all(isinstance(arg, str) or (type(arg) is int and arg >= 0) for arg in args):
        return reverse(name, args=args)
    shape = tuple(_MARKER if isinstance(arg, int) else arg for arg in args)
    parts = _shape(name, shape, get_script_prefix(), get_urlconf())
    if parts is None:
        return reverse(name, args=args)
    ids = iter([str(arg) for arg in args if isinstance(arg, int)])
    return parts[0] + "".join(next(ids) + part for part in parts[1:])
