"""The flight page keeps up with the taps made on it, in real Chromium at 768x1024: a family's
message ("All 3 → Met") goes once someone in the family has moved since, on this tablet or
another; the "N of M met · cleared · done" count moves with a tap's answer, not at the page's
next refresh, and stays right beside a second tablet's taps and in the "still to do" view; and a
family taken to the hotel for the night is counted as such, not as done."""

from __future__ import annotations

import time
from typing import Any

import pytest
from playwright.sync_api import expect

from arrivals.services import checkin
from poe_ops.keys import new_key
from tests.browser.tablet import shoot_screen, sign_in
from tests.factories import FlightFactory
from tests.scenarios import BAGS, THROUGH_CUSTOMS, family_on_flight, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_context_args(browser_context_args):
    # Without the service worker every request of the page is seen by ``page.route``.
    return {**browser_context_args, "service_workers": "block"}


@pytest.fixture(autouse=True)
def quiet_before_the_database_is_emptied(context):
    """The page keeps talking to the server by itself: close it and let the live server finish
    what it was answering before the tables are emptied."""
    yield
    for page in context.pages:
        page.close()
    time.sleep(1)


@pytest.fixture
def flight(atl, atl_senior):
    """A flight with a family of three and one of two still expected, and a family of one
    already through customs."""
    import datetime as dt

    landed = FlightFactory.create(
        port=atl, scheduled_arrival=dt.datetime.now(dt.UTC), carrier="QR", number="755"
    )
    three = family_on_flight(atl, landed, size=3)
    two = family_on_flight(atl, landed, size=2)
    one = family_on_flight(atl, landed, size=1)
    walk(atl_senior, one[0], THROUGH_CUSTOMS)
    return landed, three, two, one


def hold_refreshes(page: Any) -> dict[str, bool]:
    """Hold the page's own refresh back (as a slow airport network would): while
    ``held["on"]``, what changes on the page comes from the taps' answers alone."""
    held = {"on": True}

    def handle(route: Any) -> None:
        if held["on"] and route.request.headers.get("x-poe-live"):
            route.abort()
        else:
            route.continue_()

    page.route("**/ports/ATL/flights/**", handle)
    return held


def shoot_top(page: Any, name: str) -> None:
    """What the tablet shows at the top of the page, at both tablet sizes."""
    page.evaluate("window.scrollTo(0, 0)")
    shoot_screen(page, name)


def open_flight(page: Any, live_server: Any, flight: Any, query: str = "") -> str:
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    url = f"{live_server.url}/ports/ATL/flights/{flight.pk}/{query}"
    page.goto(url)
    return url


def test_a_familys_message_goes_once_someone_in_it_has_moved_since(
    page, live_server, settings, atl, atl_associate, atl_senior, flight
):
    settings.POE_TABLET_REFRESH_SECONDS = 2
    landed, (case, people), _two, _one = flight
    held = hold_refreshes(page)
    open_flight(page, live_server, landed)
    block = page.locator(f"#case-{case.pk}")

    block.get_by_role("button", name="All 3 → Met").click()
    for person in people:
        expect(page.locator(f"#person-{person.pk}")).to_have_class("person-row step-met")
    message = block.locator(".case-message")
    expect(message).to_be_visible()
    said = message.inner_text()

    # One of the family is admitted: the row says so, and the family's "Met" message, no longer
    # true of all three, goes (the row's message is the latest word about the family).
    first = page.locator(f"#person-{people[0].pk}")
    first.locator("button[value=cbp_cleared]").click()
    expect(first).to_have_class("person-row step-cbp_cleared")
    expect(first.locator(".step-message")).to_be_visible()
    shoot_top(page, "flight-family-message-after-a-person-tap")
    expect(block.locator(".case-message")).to_have_count(0)
    expect(block).not_to_contain_text(said)

    # Again, and this time another tablet moves one of them: the message goes at the refresh.
    block.get_by_role("button", name="All 2 → Admitted by CBP").click()
    expect(page.locator(f"#person-{people[1].pk}")).to_have_class("person-row step-cbp_cleared")
    expect(block.locator(".case-message")).to_be_visible()
    held["on"] = False
    page.wait_for_timeout(3000)  # a refresh with nobody moved keeps the message
    expect(block.locator(".case-message")).to_be_visible()
    checkin.move_individual(
        atl_senior, people[2].pk, "bags_claimed", idempotency_key=new_key(), detail=BAGS
    )
    expect(page.locator(f"#person-{people[2].pk}")).to_have_class(
        "person-row step-bags_claimed", timeout=10000
    )
    expect(block.locator(".case-message")).to_have_count(0)


def test_the_count_moves_with_the_tap_and_says_who_is_at_the_hotel(
    page, live_server, settings, atl, atl_associate, atl_senior, flight
):
    settings.POE_TABLET_REFRESH_SECONDS = 2
    landed, (_three, people), (two, _pair), (_one, (single,)) = flight
    held = hold_refreshes(page)
    url = open_flight(page, live_server, landed)
    counts = page.locator("#flight-progress .progress-counts")
    todo = page.locator("#flight-progress").get_by_role("link", name="Still to do")
    expect(counts).to_have_text("1 of 6 met · 1 cleared · 0 done", use_inner_text=True)
    expect(todo).to_have_text("Still to do (6)")

    first = page.locator(f"#person-{people[0].pk}")
    first.locator("button[value=met]").click()
    expect(first).to_have_class("person-row step-met")
    shoot_top(page, "flight-count-after-a-tap")
    expect(counts).to_have_text("2 of 6 met · 1 cleared · 0 done", use_inner_text=True)

    page.locator(f"#case-{two.pk}").get_by_role("button", name="All 2 → Met").click()
    expect(counts).to_have_text("4 of 6 met · 1 cleared · 0 done", use_inner_text=True)

    # The family through customs goes to the hotel for the night: cleared, not done.
    page.locator(f"#person-{single.pk} button[value=hotel]").click()
    expect(page.locator(f"#person-{single.pk}")).to_have_class("person-row step-hotel")
    expect(counts).to_have_text(
        "4 of 6 met · 1 cleared · 0 done · 1 at the hotel overnight", use_inner_text=True
    )
    expect(todo).to_have_text("Still to do (6)")
    shoot_top(page, "flight-count-hotel")

    # A second tablet meets someone: this one's count takes it in at its refresh, and its own
    # next tap (an undo) counts from there.
    checkin.move_individual(atl_senior, people[1].pk, "met", idempotency_key=new_key())
    held["on"] = False
    expect(counts).to_have_text(
        "5 of 6 met · 1 cleared · 0 done · 1 at the hotel overnight",
        timeout=10000,
        use_inner_text=True,
    )
    held["on"] = True
    first.get_by_role("button", name="Undo met").click()
    expect(first).to_have_class("person-row step-expected")
    expect(counts).to_have_text(
        "4 of 6 met · 1 cleared · 0 done · 1 at the hotel overnight", use_inner_text=True
    )

    # "Still to do" leaves finished people off the page; the count still counts them.
    page.goto(f"{url}?show=todo")
    expect(todo).to_have_text("Still to do (6)")
    third = page.locator(f"#person-{people[2].pk}")
    third.locator("button[value=no_show]").click()
    expect(third).to_have_class("person-row step-no_show")
    expect(todo).to_have_text("Still to do (5)")
    expect(counts).to_have_text(
        "4 of 6 met · 1 cleared · 0 done · 1 at the hotel overnight", use_inner_text=True
    )
