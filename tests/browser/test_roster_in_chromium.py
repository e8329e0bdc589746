"""The roster week on a tablet in real Chromium: the officer sees the shortfall hour and the
unspoken language, opens the add-shift form in place (htmx, strict CSP), is refused for an
overlap in words, then adds a shift that clears the shortfall."""

from __future__ import annotations

import datetime as dt

import pytest

from staffing.forms import iso_week
from staffing.services import rosters
from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, sign_in, small_targets
from tests.scenarios import flight_with_people, local, next_monday, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_an_officer_fills_the_shortfall_hour_on_a_tablet(
    watched_page, live_server, atl, atl_officer, atl_associate, atl_senior, width, height
):
    staff(atl_associate, atl, languages=("ar",))
    staff(atl_senior, atl, languages=("ps",))
    staff(atl_officer, atl, languages=("prs",))
    monday = next_monday(atl)
    tuesday = monday + dt.timedelta(days=1)
    flight_with_people(atl, local(atl, tuesday, 14, 10), 25, interpreters=2, language="prs")
    for person in (atl_associate, atl_senior):
        rosters.add_shift(
            atl_officer, atl, staff=person,
            start=local(atl, tuesday, 10), end=local(atl, tuesday, 18),
        )  # fmt: skip
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "atl.officer")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.click("nav >> text=Staffing")
    page.wait_for_url(f"{live_server.url}/staffing/")
    page.goto(f"{live_server.url}/staffing/ATL/roster/?week={iso_week(monday)}")
    ARTIFACTS.mkdir(exist_ok=True)
    tuesday_row = page.locator(f"tr[data-day='{tuesday:%Y-%m-%d}']")
    assert "14:00 short 1 (need 3, rostered 2)" in tuesday_row.inner_text()
    assert "Dari (2, QR747)" in tuesday_row.inner_text()
    page.screenshot(
        path=str(ARTIFACTS / f"roster-week-{width}x{height}.png"), full_page=True, caret="initial"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    assert small_targets(page) == []

    # The officer's own row, Tuesday's "+": the form opens in place, without a reload.
    assert page.console_errors == [], "roster page"
    label = f"Add a shift for {atl_officer.get_full_name()} on {tuesday:%A} {tuesday.day}"
    page.click(f"a[aria-label^='{label}']")
    page.wait_for_selector("form.shift-form")
    assert page.url.endswith(f"?week={iso_week(monday)}")
    assert page.console_errors == [], "form loaded"
    page.fill("input[name=start_time]", "13:00")
    page.fill("input[name=end_time]", "17:00")
    page.screenshot(path=str(ARTIFACTS / f"roster-add-shift-{width}x{height}.png"), caret="initial")
    assert small_targets(page) == []

    # First an overlap with nothing saved, said in words...
    rosters.add_shift(
        atl_officer, atl, staff=atl_officer, position="transit_hotel",
        start=local(atl, tuesday, 16), end=local(atl, tuesday, 20),
    )  # fmt: skip
    page.click("form.shift-form button[type=submit]")
    page.wait_for_selector("form.shift-form .form-error")
    assert "which overlaps" in page.inner_text("form.shift-form .form-error")
    page.screenshot(path=str(ARTIFACTS / f"roster-refused-{width}x{height}.png"), caret="initial")
    assert page.console_errors == [], "refused"

    # ...then a shift that fits.
    page.fill("input[name=end_time]", "16:00")
    page.click("form.shift-form button[type=submit]")
    page.wait_for_selector(".message")
    assert "Shift added" in page.inner_text(".messages")
    tuesday_row = page.locator(f"tr[data-day='{tuesday:%Y-%m-%d}']")
    assert "short" not in tuesday_row.inner_text()
    assert "Dari" not in tuesday_row.inner_text()
    page.screenshot(
        path=str(ARTIFACTS / f"roster-filled-{width}x{height}.png"), full_page=True, caret="initial"
    )
    assert page.console_errors == []
