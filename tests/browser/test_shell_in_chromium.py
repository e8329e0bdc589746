"""The web shell in real Chromium at tablet sizes: sign in, land home, nothing off-screen,
touch targets big enough for a tired thumb, htmx loaded under the strict CSP."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TABLET_SIZES = [(1024, 768), (768, 1024)]


@pytest.fixture
def watched_page(page):
    """A page that records console errors (a CSP violation is one)."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.console_errors = errors
    return page


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def small_targets(page) -> list[str]:
    return page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea')]
            .filter(el => el.offsetParent !== null && !el.classList.contains('skip-link'))
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.height < 44 || (r.width < 44 && el.type !== 'hidden'))
            .map(([el, r]) => `${el.tagName} "${(el.textContent || el.name || '').trim()}" `
                              + `${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )


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
