"""Search and the case page in real Chromium at tablet sizes: htmx search under the strict CSP,
a case page that fits the screen, with big enough touch targets."""

from __future__ import annotations

import datetime as dt

import pytest

from arrivals.demo import seed_demo_day
from cases.models import Case, Individual
from tests.browser.tablet import ARTIFACTS, TABLET_SIZES, sign_in, small_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_case(atl, atl_associate):
    day = atl.local_today()
    evening = dt.datetime.combine(day, dt.time(19, 0), tzinfo=atl.zone)
    seed_demo_day(atl, day, actor=atl_associate, now=evening)
    person = Individual.objects.filter(case__port=atl, current_step="handed_over").first()
    person = person or Individual.objects.filter(case__port=atl).first()
    assert person is not None
    case = Case.objects.get(pk=person.case_id)
    Individual.objects.create(
        case=case, person_number="P99", given_names="Béatrice", surname="Nyiramana", sex="F"
    )
    return case


@pytest.mark.parametrize(("width", "height"), TABLET_SIZES)
def test_an_associate_searches_and_opens_a_case_on_a_tablet(
    watched_page, live_server, demo_case, width, height
):
    page = watched_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.goto(f"{live_server.url}/ports/ATL/search/")
    page.fill("input[name=q]", "beatrice nyiramana")
    page.click("button:has-text('Search')")
    page.wait_for_selector(".result-link")
    assert page.url == f"{live_server.url}/ports/ATL/search/"  # htmx: no reload, no query in URL
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"search-{width}x{height}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    assert small_targets(page) == []

    page.click(f"text={demo_case.case_number}")
    page.wait_for_url(f"{live_server.url}/cases/{demo_case.case_number}/")
    assert "Béatrice Nyiramana" in page.content()
    page.screenshot(path=str(ARTIFACTS / f"case-page-{width}x{height}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "horizontal scroll"
    assert small_targets(page) == []
    assert page.console_errors == []
