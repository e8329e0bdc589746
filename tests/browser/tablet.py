"""Driving a page as a tablet: signing in, the tablet sizes, touch targets, and screenshots
kept in ``test-artifacts/`` for people to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

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
