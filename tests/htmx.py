"""What an htmx request sends: ``client.post(url, data, **HTMX)`` asks for the partial that the
page's htmx would swap in, not the whole page."""

from __future__ import annotations

HTMX = {"HTTP_HX_REQUEST": "true"}
