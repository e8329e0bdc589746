"""The second factor in real Chromium: atl.officer enrols an authenticator app on first sign-in
(the code computed from the secret the page shows, as the app on their phone would), keeps the
recovery codes, lands on the port, and signs in with a code the next time."""

from __future__ import annotations

import time

import pytest

from tests.browser.tablet import shoot, small_targets
from tests.factories import PASSWORD
from tests.second_factor import STEP, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password(page, live_server, username):
    page.goto(f"{live_server.url}/ports/ATL/today/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")


def test_an_officer_enrols_an_app_and_signs_in_with_its_code(
    watched_page, live_server, atl_officer
):
    page = watched_page
    page.set_viewport_size({"width": 768, "height": 1024})
    password(page, live_server, "atl.officer")
    page.wait_for_url("**/accounts/second-factor/setup/**")
    assert page.locator("h1").inner_text() == "Set up your second factor"
    assert page.locator(".qr-code svg").is_visible()
    assert page.locator("nav[aria-label=Main]").count() == 0
    shoot(page, "second-factor-setup")
    secret = page.locator(".secret-key code").inner_text()

    page.fill("input[name=code]", "000000")
    page.click("form[action$='/setup/'] button[type=submit]")
    assert "not the one your app shows now" in page.locator(".field-code").inner_text()
    assert page.locator("input[name=code]").get_attribute("aria-invalid") == "true"
    time.sleep(1.1)  # a wrong code makes the next try wait a second (throttling)

    page.fill("input[name=code]", totp_code(secret))
    page.click("form[action$='/setup/'] button[type=submit]")
    assert page.locator("h1").inner_text() == "Your second factor is set up"
    assert page.locator(".recovery-codes li").count() == 10
    shoot(page, "second-factor-recovery-codes")
    page.click("text=I have kept them — continue")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")

    page.click("text=Sign out")
    page.wait_for_url("**/accounts/login/")
    password(page, live_server, "atl.officer")
    page.wait_for_url("**/accounts/second-factor/?next=*")
    assert small_targets(page) == []
    shoot(page, "second-factor-code")
    # The code just used is spent: the app's next code (accepted one step early) signs in.
    page.fill("input[name=code]", totp_code(secret, at=time.time() + STEP))
    page.click("form[action$='/second-factor/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    assert page.locator("h1").inner_text().startswith("ATL")
    # Only the wrong code's answer (400, the form shown again with the error) was an error.
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
