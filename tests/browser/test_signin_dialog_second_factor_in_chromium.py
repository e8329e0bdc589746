"""The sign-in dialog and the second factor, in real Chromium: a senior associate (who has an
authenticator app) taps on a tablet whose second factor has lapsed, or whose session has ended;
the dialog opens over the page and asks for the code (after the password when the session ended),
never a code page swapped into a row; once signed in the kept tap is recorded, once, and the page
stayed where it was."""

from __future__ import annotations

import time

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django_otp import DEVICE_ID_SESSION_KEY
from playwright.sync_api import expect

from arrivals.models import StepEvent
from tests.browser.tablet import (
    errors_not_caused_on_purpose,
    shoot_screen,
    sign_in,
    sign_in_from_dialog,
)
from tests.factories import FlightFactory
from tests.scenarios import family_on_flight
from tests.second_factor import app_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def quiet_before_the_database_is_emptied(context):
    """The page keeps talking to the server by itself: close it and let the live server finish
    before the tables are emptied."""
    yield
    for page in context.pages:
        page.close()
    time.sleep(1)


def lapse_second_factor() -> None:
    """Every session keeps its password sign-in but loses its second factor."""
    for row in Session.objects.all():
        store = SessionStore(session_key=row.session_key)
        store.pop(DEVICE_ID_SESSION_KEY, None)
        store.save()


def test_a_tap_waits_for_the_code_in_the_dialog_and_is_then_recorded_once(
    watched_page, live_server, settings, atl, atl_senior
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code first; no waiting after it here
    device = app_of(atl_senior)
    flight = FlightFactory.create(port=atl, carrier="QR", number="747")
    _case, people = family_on_flight(atl, flight, size=3)
    page = watched_page
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, live_server, "atl.senior")
    url = f"{live_server.url}/ports/ATL/flights/{flight.pk}/"
    page.goto(url)
    page.evaluate("window.__samePage = true")
    dialog = page.locator("#signin-dialog")

    # The second factor lapses: the dialog asks for the code alone.
    lapse_second_factor()
    first = people[0]
    page.locator(f"#person-{first.pk} button[value=met]").click()
    expect(dialog).to_be_visible()
    expect(page.locator("#signin-why")).to_contain_text("code your authenticator app shows")
    expect(dialog.get_by_label("Code", exact=True)).to_be_visible()
    expect(dialog.get_by_label("Password")).to_be_hidden()
    expect(page.locator(f"#person-{first.pk} .tap-status")).to_have_text(
        "Met · waiting for you to sign in"
    )
    assert not StepEvent.objects.exists()
    shoot_screen(page, "tablet-sign-in-dialog-code")
    dialog.get_by_label("Code", exact=True).fill("000000")
    dialog.get_by_role("button", name="Sign in").click()
    expect(page.locator("#signin-errors")).to_contain_text("That code is not right")
    expect(dialog.get_by_label("Code", exact=True)).to_be_focused()
    assert not StepEvent.objects.exists()
    sign_in_from_dialog(page, device)
    expect(page.locator(f"#person-{first.pk}")).to_have_class("person-row step-met")
    event = StepEvent.objects.get()
    assert (event.individual_id, event.to_step, event.actor) == (first.pk, "met", atl_senior)

    # The session ends: the password, then the code, in the same dialog.
    Session.objects.all().delete()
    second = people[1]
    page.locator(f"#person-{second.pk} button[value=met]").click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_label("Password")).to_be_visible()
    expect(dialog.get_by_label("Code", exact=True)).to_be_hidden()
    expect(dialog.get_by_label("Username")).to_have_value("atl.senior")
    assert StepEvent.objects.count() == 1
    sign_in_from_dialog(page, device)
    expect(page.locator(f"#person-{second.pk}")).to_have_class("person-row step-met")
    assert StepEvent.objects.filter(individual=second, to_step="met").count() == 1
    assert StepEvent.objects.count() == 2
    assert page.url == url
    assert page.evaluate("window.__samePage") is True, "the page was not reloaded"
    # The answers the test caused on purpose (401s, the wrong code's 400) are the only errors.
    assert errors_not_caused_on_purpose(page) == []
