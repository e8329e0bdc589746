"""Driving a page as a tablet: signing in, the tablet sizes, touch targets, screenshots kept in
``test-artifacts/`` for people to look at, and axe-core's serious findings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from poe_ops.services.second_factor import requires_second_factor
from tests.factories import PASSWORD
from tests.second_factor import app_of, fresh_code

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
TABLET_SIZES = [(1024, 768), (768, 1024)]


def sign_in(page: Any, live_server: Any, username: str) -> None:
    """Sign in with the password and, for the roles that need it, the code of the person's
    authenticator app (computed from its secret, as the app on their phone would)."""
    person = get_user_model().objects.get(username=username)
    device = app_of(person) if requires_second_factor(person) else None
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    if device is not None:
        page.wait_for_url("**/accounts/second-factor/**")
        page.fill("input[name=code]", fresh_code(device))
        page.click("form[action$='/second-factor/'] button[type=submit]")
        page.wait_for_load_state()


def sign_in_from_dialog(page: Any, device: Any = None, password: str = PASSWORD) -> None:
    """Sign in again from the dialog that opened over the page (static/js/signin.js): the
    password when it asks for it and then, for an account with an authenticator app
    (``device``), the code it asks for next; the dialog closes."""
    dialog = page.locator("#signin-dialog")
    expect(dialog).to_be_visible()
    if dialog.get_by_label("Password").is_visible():
        dialog.get_by_label("Password").fill(password)
        dialog.get_by_role("button", name="Sign in").click()
    if device is not None:
        code = dialog.get_by_label("Code", exact=True)
        expect(code).to_be_visible()
        expect(dialog.get_by_label("Password")).to_be_hidden()
        code.fill(fresh_code(device))
        dialog.get_by_role("button", name="Sign in").click()
    expect(dialog).to_be_hidden()


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


def shoot_screen(page: Any, name: str) -> None:
    """What the tablet's screen shows now (not the full page: a banner or a dialog sits where
    the screen is), at each tablet size, each checked for horizontal scrolling; the page is left
    at the size it had."""
    ARTIFACTS.mkdir(exist_ok=True)
    before = page.viewport_size
    for width, height in TABLET_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(150)
        page.screenshot(path=str(ARTIFACTS / f"{name}-{width}x{height}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
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


def go_offline(page: Any) -> None:
    """Cut the tablet's network and wait until the page itself is cut off. Chromium applies
    Playwright's offline emulation to the page and to its network asynchronously: a tap made
    the moment ``set_offline`` returns could still reach the server, with its answer lost —
    which the tablet survives (the key makes the resend a repeat), but which is not the minute
    without network a test means. So: ``navigator.onLine`` false, and a request from the page
    (the way a tap goes, past the service worker) failing."""
    page.context.set_offline(True)
    page.wait_for_function("navigator.onLine === false")
    probe = """() => fetch("/healthz?offline-probe=" + Date.now(), {cache: "no-store"})
        .then(() => "reached", () => "cut")"""
    for _ in range(50):
        if page.evaluate(probe) == "cut":
            return
        page.wait_for_timeout(100)
    raise AssertionError("the page still reached the server after set_offline(True)")


def errors_not_caused_on_purpose(page: Any) -> list[str]:
    """The page's console errors (``watched_page``) other than the reports of a request the test
    made fail on purpose — no network, a session it ended: the browser's "Failed to load
    resource" and htmx's "Response Status Error Code 401" (the page refreshing itself while
    signed out, which opens the sign-in dialog)."""
    return [
        e
        for e in page.console_errors
        if "Failed to load resource" not in e and "Response Status Error Code 401 " not in e
    ]
