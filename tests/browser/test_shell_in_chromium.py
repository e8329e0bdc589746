"""The web shell in real Chromium at tablet sizes: sign in, land home, nothing off-screen,
touch targets big enough for a tired thumb, htmx loaded under the strict CSP."""

from __future__ import annotations

import pytest

from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, sign_in, small_targets

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_an_associate_signs_in_on_a_tablet_and_lands_on_their_port(
    watched_page, live_server, atl_associate, width, height
):
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url
    assert small_targets(page) == []
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    assert page.locator("h1").inner_text().startswith("ATL")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"port-today-{width}x{height}.png"), full_page=True)

    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    assert small_targets(page) == []
    assert page.evaluate("typeof window.htmx") == "object", "htmx did not load"
    assert page.console_errors == []


def test_hq_lands_on_the_board_and_signs_out(watched_page, live_server, dc_ops):
    page = watched_page
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "dc.ops")
    page.wait_for_url(f"{live_server.url}/board/")
    assert page.locator("#port-ATL").is_visible()
    assert page.locator("#port-JFK").count() == 0
    page.screenshot(path=str(ARTIFACTS / "board-1024x768.png"), full_page=True)
    page.click("text=Sign out")
    page.wait_for_url(f"{live_server.url}/accounts/login/")
    page.goto(f"{live_server.url}/board/")
    assert "/accounts/login/" in page.url
    assert page.console_errors == []
