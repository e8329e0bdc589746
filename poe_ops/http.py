"""What every view reads off a request, in one place: the htmx details (django-htmx's
middleware sets ``request.htmx``) and the device a tap came from."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """The request type of views that read ``request.htmx``."""

    htmx: HtmxDetails


def device_of(request: HttpRequest) -> str:
    """The device a step was recorded from, as the step history shows it."""
    return request.META.get("HTTP_USER_AGENT", "")[:300]
