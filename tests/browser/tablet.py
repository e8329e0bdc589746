"""Driving a page as a tablet: signing in, the tablet sizes, touch targets, screenshots kept in
``test-artifacts/`` for people to look at, and axe-core's serious findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.factories import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TABLET_SIZES = [(1024, 768), (768, 1024)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def small_targets(page: Any) -> list[str]:
    """The visible controls smaller than 44×44 pixels, too small for a tired thumb."""
    return page.evaluate(
        """() => [...document.querySelectorAll('a, button, input, select, textarea')]
            .filter(el => el.offsetParent !== null && !el.classList.contains('skip-link'))
            .map(el => [el, el.getBoundingClientRect()])
            .filter(([el, r]) => r.height < 44 || (r.width < 44 && el.type !== 'hidden'))
            .map(([el, r]) => `${el.tagName} "${(el.textContent || el.name || '').trim()}" `
                              + `${Math.round(r.width)}x${Math.round(r.height)}`)"""
    )


def shoot(page: Any, name: str, sizes: list[tuple[int, int]] = TABLET_SIZES) -> None:
    """A full-page screenshot at each size, each checked for horizontal scrolling and small
    touch targets; the page is left at the size it had."""
    before = page.viewport_size
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in sizes:
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}x{height}.png"), full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
        small = small_targets(page)
        assert small == [], small
    page.set_viewport_size(before)


def serious_findings(page: Any) -> list[str]:
    """axe-core's serious and critical findings on the page, with the elements they name."""
    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def draw_signature(page: Any, box_id: str, wiggle: int = 16) -> None:
    """Sign in the signature box whose hidden input is ``box_id`` with a pointer, as a finger
    would: one stroke across it; the box then says it is signed."""
    canvas = page.locator(f"#{box_id}_pad")
    canvas.scroll_into_view_if_needed()
    area = canvas.bounding_box()
    assert area is not None
    x, y = area["x"] + 30, area["y"] + area["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 16):
        page.mouse.move(x + step * (area["width"] - 60) / 15, y + (-1) ** step * wiggle)
    page.mouse.up()
    expect(canvas.locator("xpath=..")).to_have_class("signature-box is-signed")
