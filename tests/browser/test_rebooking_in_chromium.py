"""Rebooking a missed connection on a tablet in real Chromium: from the person's row on the
flight page to the one form (new flight, hotel with meals, transport) and back to the case page
with its bookings and costs. Screenshots at 1024x768 and 768x1024. axe-core finds nothing
serious on the two forms with a table of fields (meals per person), before and after a refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from arrivals.models import Rebooking, Segment
from cases.models.bookings import GroundTransportBooking, HotelBooking
from tests.browser.tablet import serious_findings, shoot, sign_in
from tests.factories import FlightFactory, VendorFactory
from tests.scenarios import family_on_flight

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The family landed three hours ago, today at ATL: a day told in hours, not at midnight.
    pytest.mark.local_clock("America/New_York", "11:00"),
]


@pytest.fixture
def missed(atl):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    inbound = FlightFactory.create(
        port=atl, scheduled_arrival=now - dt.timedelta(hours=3), carrier="QR", number="747"
    )
    case, people = family_on_flight(atl, inbound, size=3, surname="Haidari")
    for person in people:
        person.current_step = "customs_cleared"
        person.save()
    family_on_flight(atl, inbound, size=1, programme_status="urm")
    onward = FlightFactory.create(
        port=atl,
        carrier="DL",
        number="1234",
        origin="ATL",
        destination="BOI",
        scheduled_date=atl.local_today(),
        scheduled_departure=now - dt.timedelta(minutes=20),
    )
    Segment.objects.create(case=case, flight=onward, direction="onward")
    VendorFactory.create(port=atl, kind="hotel", name="Airport Gateway Inn")
    VendorFactory.create(port=atl, kind="ground_transport", name="Peach State Shuttles")
    return inbound, case, people


def test_an_associate_rebooks_a_family_with_hotel_and_transport_on_a_tablet(
    watched_page, live_server, atl, atl_associate, missed
):
    inbound, case, people = missed
    page = watched_page
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    expect(page.locator(f"#flight-{inbound.pk} [data-warning=no-escort]")).to_be_visible()
    page.goto(f"{live_server.url}/ports/ATL/flights/{inbound.pk}/")
    shoot(page, "rebook-flight-page")
    page.locator(f"#person-{people[0].pk}").get_by_role("link", name="Rebook / hotel").click()
    page.wait_for_url(f"**/cases/{case.case_number}/rebook/?person={people[0].pk}")
    expect(page.get_by_label("Flight number")).to_be_visible()
    page.get_by_label("Flight number").fill("1234")
    page.get_by_label("Departs (local time)").fill("08:30")
    page.get_by_label("Book a hotel for the night").check()
    page.get_by_label("Hotel", exact=True).select_option(
        label="Airport Gateway Inn (no contracted rate today)"
    )
    page.get_by_label("Crib").check()
    page.fill("input[name=hotel-cost]", "129.00")
    page.select_option(f"select[name=hotel-meal_{people[0].pk}]", "halal")
    page.fill(f"input[name=hotel-allergies_{people[2].pk}]", "Peanuts")
    page.get_by_label("Book ground transport").check()
    page.get_by_label("Company").select_option(
        label="Peach State Shuttles (no contracted rate today)"
    )
    page.get_by_label("Pickup time").fill("22:30")
    page.fill("input[name=ride-cost]", "85.00")
    shoot(page, "rebook-form")
    page.get_by_role("button", name="Save the rebooking").click()
    page.wait_for_url(f"{live_server.url}/cases/{case.case_number}/")
    expect(page.locator(".messages")).to_contain_text("rebooked on DL1234")
    expect(page.locator("[data-cost=total]")).to_have_text("$214.00")
    shoot(page, "rebook-case-page")
    assert Rebooking.objects.count() == 1
    assert HotelBooking.objects.get().meals.count() == 3
    assert GroundTransportBooking.objects.count() == 1
    assert page.console_errors == []


@pytest.mark.parametrize("form", ["hotel", "rebook"])
def test_the_forms_with_a_meal_table_have_no_serious_accessibility_findings(
    page, live_server, atl, atl_associate, missed, form
):
    _, case, people = missed
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.goto(f"{live_server.url}/cases/{case.case_number}/{form}/")
    meal = page.get_by_label(f"Meal for {people[0]}", exact=True)
    expect(meal).to_be_visible()
    assert serious_findings(page) == []

    page.get_by_label(f"Number of meals for {people[1]}", exact=True).fill("99")
    if form == "rebook":
        page.get_by_label("Book a hotel for the night").check()
    page.locator("button.button-primary[type=submit]").click()
    expect(page.locator(".form-error[role=alert]")).to_be_visible()
    count = page.get_by_label(f"Number of meals for {people[1]}", exact=True)
    expect(count).to_have_attribute("aria-invalid", "true")
    error = page.locator(f"#{count.get_attribute('aria-describedby')}")
    expect(error).to_have_text("Ensure this value is less than or equal to 60.")
    assert serious_findings(page) == []
