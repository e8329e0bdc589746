"""A URM on a tablet in real Chromium: the escort warning, "Hand over…" in place of a handed-over
button, and a hand-over refused in words while no expected receiver is on record; and the
officer's vendor page. Screenshots at 1024x768 and 768x1024."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from cases.models import CustodyHandover, EscortAssignment, Individual
from tests.browser.tablet import draw_signature, shoot, sign_in
from tests.factories import FlightFactory, GroundTransportBookingFactory, VendorFactory
from tests.scenarios import family_on_flight

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # The family landed an hour ago, today at ATL: a day told in hours, not at midnight.
    pytest.mark.local_clock("America/New_York", "11:00"),
]


def test_a_urm_without_an_expected_receiver_is_handed_to_nobody(
    page, live_server, atl, atl_associate
):
    flight = FlightFactory.create(
        port=atl, scheduled_arrival=dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    )
    case, (minor,) = family_on_flight(
        atl, flight, size=1, programme_status="urm", given_names="Aline", surname="Uwase"
    )
    minor.current_step = "customs_cleared"
    minor.save()
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.goto(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")
    row = page.locator(f"#person-{minor.pk}")
    expect(row.locator("[data-warning=no-escort]")).to_be_visible()
    expect(row.locator("button[value=handed_over]")).to_have_count(0)
    expect(row.get_by_role("link", name="Hand over…")).to_be_visible()
    shoot(page, "custody-minor-on-tablet")

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
    expect(page.locator(".handover-facts")).to_contain_text(
        "No expected receiver is on record for this case."
    )
    page.get_by_label("Someone else", exact=True).check()
    page.get_by_label("Someone else: name").fill("Sam <Rivera>")
    page.get_by_label("Someone else: organisation or relationship").fill("IRC Atlanta")
    page.get_by_label("Their identity document").select_option("badge")
    page.get_by_label("Last 4 characters of its number").fill("7731")
    page.get_by_label("Their phone").fill("+1 404 555 0142")
    draw_signature(page, "id_from_signature")
    draw_signature(page, "id_to_signature")
    page.get_by_role("button", name="Hand over").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Aline Uwase, a URM (unaccompanied refugee minor), has no expected receiver on record"
    )
    shoot(page, "hand-over-without-expected-receiver")
    assert Individual.objects.get(pk=minor.pk).current_step == "customs_cleared"
    assert not CustodyHandover.objects.exists()


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
