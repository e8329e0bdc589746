"""The tablet can put POE Ops on its home screen and open it full-screen: a web app manifest
with icons that exist at the sizes it names, and a service worker served from the root so it
controls every page (and says so)."""

from __future__ import annotations

import json
from io import BytesIO

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

pytestmark = pytest.mark.django_db


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    assert response["Service-Worker-Allowed"] == "/"
    assert response["Cache-Control"] == "no-cache"
    source = response.content.decode()
    assert 'addEventListener("fetch"' in source
    # It keeps the port's day and flight pages, nothing else that carries personal data.
    assert r"today|flights\/\d+" in source


def test_the_manifest_opens_full_screen_with_icons_of_the_sizes_it_names(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["display"] == "fullscreen"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert manifest["short_name"] == "POE Ops"
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, f"{icon['src']} is not a static file"
        if icon["type"] == "image/png":
            with open(path, "rb") as f:
                image = Image.open(BytesIO(f.read()))
            assert f"{image.width}x{image.height}" == icon["sizes"]
            sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_every_page_links_the_manifest(client, atl_associate):
    html = client.get("/accounts/login/").content.decode()
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert '<meta name="theme-color"' in html
