"""The arrival board in real Chromium: it refreshes itself without reloading the page, under the
strict CSP, and reads well on a tablet and on a big screen."""

from __future__ import annotations

import pytest

from arrivals.demo import seed_demo_day
from arrivals.models import Flight
from poe_ops.models import Port
from tests.browser.tablet import ARTIFACTS, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_board_refreshes_itself_in_place(
    watched_page, live_server, settings, dc_ops, atl_associate
):
    settings.POE_BOARD_REFRESH_SECONDS = 2
    atl = Port.objects.get(iata="ATL")
    day = atl.local_today()
    seed_demo_day(atl, day, actor=atl_associate)
    page = watched_page
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "dc.ops")
    page.wait_for_url(f"{live_server.url}/board/")
    page.goto(f"{live_server.url}/board/?port=ATL")
    page.evaluate("window.__sameDocument = true")
    flight = Flight.objects.filter(port=atl, destination="ATL").order_by("scheduled_arrival").last()
    assert flight is not None
    flight.status = Flight.Status.CANCELLED
    flight.save()
    page.wait_for_selector(f"#board-flight-{flight.pk}.stands-out >> text=Cancelled", timeout=8000)
    assert page.evaluate("window.__sameDocument") is True, "the page must not reload"
    assert page.console_errors == []


@pytest.mark.parametrize(("width", "height"), [(1024, 768), (768, 1024), (1920, 1080)])
def test_the_board_fits_the_screen(page, live_server, dc_ops, atl_associate, width, height):
    for iata in ("ATL", "IAD"):
        port = Port.objects.get(iata=iata)
        seed_demo_day(port, port.local_today(), actor=atl_associate)
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "dc.ops")
    page.wait_for_url(f"{live_server.url}/board/")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"board-demo-{width}x{height}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    # Nor does any table inside it: each reads whole without a sideways swipe (the at-risk
    # list and the flights become blocks on a tablet held upright).
    cut = page.eval_on_selector_all(
        ".table-wrap",
        "els => els.filter(el => el.scrollWidth > el.clientWidth + 1)"
        "          .map(el => el.querySelector('thead')?.innerText.slice(0, 40))",
    )
    assert cut == [], cut
