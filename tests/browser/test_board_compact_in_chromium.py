"""The board's compact mode in real Chromium: four ports, each a tile with its figures and its
next arrivals on a timeline, fit one 1440×900 screen without scrolling, and it refreshes in
place like the full board."""

from __future__ import annotations

import pytest

from arrivals.demo import seed_demo_day
from poe_ops.models import Port
from tests.browser.tablet import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# The demo day's fullest tiles (people spread over the most steps) come in the early evening
# on the East Coast: measured over every hour of the day, the board is tallest then.
@pytest.mark.local_clock("America/New_York", "18:50")
def test_four_ports_fit_one_screen(watched_page, live_server, dc_ops, atl_associate):
    for iata in ("ATL", "EWR", "IAD", "IAH"):
        port = Port.objects.get(iata=iata)
        seed_demo_day(port, port.local_today(), actor=atl_associate)
    page = watched_page
    page.set_viewport_size({"width": 1440, "height": 900})
    sign_in(page, live_server, "dc.ops")
    page.wait_for_url(f"{live_server.url}/board/")
    page.goto(f"{live_server.url}/board/?view=compact")
    tiles = page.locator(".tile")
    assert tiles.count() == 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "board-compact-1440x900.png"), full_page=True)
    for n in range(4):
        box = tiles.nth(n).bounding_box()
        assert box is not None and box["y"] + box["height"] <= 900, (
            f"tile {n + 1} is below the fold"
        )
    assert page.locator(".tile svg.chart[role=img]").count() == 4
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440
    page.set_viewport_size({"width": 1024, "height": 768})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024, "horizontal scroll"
    page.screenshot(path=str(ARTIFACTS / "board-compact-1024x768.png"), full_page=True)
    assert page.console_errors == []
