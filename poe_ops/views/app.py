"""The tablet as an installed app: its service worker (static/js/sw.js, served from the root so
it may control every page) and its web app manifest."""

from __future__ import annotations

from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.templatetags.static import static
from django.views.decorators.http import require_GET

SERVICE_WORKER = "js/sw.js"


def _service_worker_source() -> bytes:
    found = finders.find(SERVICE_WORKER)
    if isinstance(found, str):
        with open(found, "rb") as source:
            return source.read()
    with staticfiles_storage.open(SERVICE_WORKER) as collected:  # after collectstatic only
        return bytes(collected.read())


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """A service worker controls the pages under the path it is served from: this one, served
    at /sw.js, controls the whole site (and says so with ``Service-Worker-Allowed``). It is
    public — it holds no data, only how pages are kept — and never cached by the browser, so a
    new version reaches tablets on their next page load."""
    response = HttpResponse(_service_worker_source(), content_type="application/javascript")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """What a tablet needs to put POE Ops on its home screen and open it full-screen."""
    icons = [
        {"src": static("icons/poe-192.png"), "sizes": "192x192", "type": "image/png"},
        {"src": static("icons/poe-512.png"), "sizes": "512x512", "type": "image/png"},
        {
            "src": static("icons/poe-maskable-512.png"),
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
        {"src": static("icons/poe.svg"), "sizes": "any", "type": "image/svg+xml"},
    ]
    response = JsonResponse(
        {
            "id": "/",
            "name": "POE Ops — arrivals",
            "short_name": "POE Ops",
            "description": "Arrival operations at the Ports of Entry.",
            "start_url": "/",
            "scope": "/",
            "display": "fullscreen",
            "display_override": ["fullscreen", "standalone"],
            "orientation": "any",
            "background_color": "#f2f4f7",
            "theme_color": "#0b3d6e",
            "icons": icons,
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "no-cache"
    return response
