"""An unaccompanied minor on a tablet in real Chromium: the escort warning, the refused
"Handed over" tap, the hand-over form naming the receiver; and the officer's vendor page.
Screenshots at 1024x768 and 768x1024."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cases.models import Individual
from cases.models.bookings import CustodyHandover, EscortAssignment
from tests.browser.tablet import shoot, sign_in
from tests.factories import FlightFactory, GroundTransportBookingFactory, VendorFactory
from tests.scenarios import family_on_flight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_minor_is_handed_over_only_to_a_named_receiver(page, live_server, atl, atl_associate):
    flight = FlightFactory.create(
        port=atl, scheduled_arrival=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    case, (minor,) = family_on_flight(
        atl, flight, size=1, unaccompanied_minor=True, given_names="Aline", surname="Uwase"
    )
    minor.current_step = "customs_cleared"
    minor.save()
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.goto(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")
    row = page.locator(f"#person-{minor.pk}")
    expect(row.locator("[data-warning=no-escort]")).to_be_visible()
    row.locator("button[value=handed_over]").click()
    expect(page.locator(f"#person-{minor.pk} .is-refusal")).to_contain_text(
        "receiving person is named"
    )
    shoot(page, "custody-refused-on-tablet")
    assert Individual.objects.get(pk=minor.pk).current_step == "customs_cleared"

    page.locator(f"#person-{minor.pk}").get_by_role("link", name="Assign escort").click()
    page.get_by_label("Escort", exact=True).select_option("agency")
    page.get_by_label("Name", exact=True).fill("Sam Rivera")
    page.get_by_label("Organisation").fill("IRC Atlanta")
    shoot(page, "escort-form")
    page.get_by_role("button", name="Assign").click()
    page.wait_for_url(f"**/cases/{case.case_number}/#case-escorts")
    assert EscortAssignment.objects.get().name == "Sam Rivera"

    page.goto(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")
    expect(page.locator(f"#person-{minor.pk} [data-warning=no-escort]")).to_have_count(0)
    page.locator(f"#person-{minor.pk}").get_by_role("link", name="Hand over…").click()
    page.get_by_label("Name of the receiving person").fill("Sam <Rivera>")
    page.get_by_label("Their organisation").fill("IRC Atlanta")
    shoot(page, "hand-over-form")
    page.get_by_role("button", name="Hand over").click()
    page.wait_for_url(f"**/cases/{case.case_number}/#case-custody")
    expect(page.locator(".custody-chain")).to_contain_text("Sam <Rivera>")
    shoot(page, "custody-case-page")
    assert Individual.objects.get(pk=minor.pk).current_step == "handed_over"
    assert CustodyHandover.objects.get().to_organisation == "IRC Atlanta"


def test_an_officer_sees_vendor_ratings_and_open_problems(page, live_server, atl, atl_officer):
    ride = GroundTransportBookingFactory.create(
        case__port=atl,
        vendor=VendorFactory.create(port=atl, kind="ground_transport", name="Peach State Shuttles"),
    )
    VendorFactory.create(port=atl, kind="hotel", name="Airport Gateway Inn")
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "atl.officer")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.goto(f"{live_server.url}/bookings/transport/{ride.pk}/feedback/")
    page.get_by_label("Rating").select_option("2")
    page.get_by_label("Problem").select_option("late_pickup")
    page.get_by_label("What happened").fill("Driver 40 minutes late")
    shoot(page, "vendor-feedback-form")
    page.get_by_role("button", name="Record").click()
    page.goto(f"{live_server.url}/ports/ATL/")
    page.goto(f"{live_server.url}/ports/ATL/today/")
    page.get_by_role("link", name="Vendors").click()
    expect(page.locator(f"tr[data-vendor='{ride.vendor_id}']")).to_contain_text("2.0")
    shoot(page, "vendors")
    page.get_by_role("link", name="Peach State Shuttles").click()
    expect(page.locator("#open-problems")).to_have_text("Open problems (1)")
    shoot(page, "vendor-detail")
