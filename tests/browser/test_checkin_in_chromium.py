"""Check-in on a tablet in real Chromium: open the day, open a flight, move a family through
the steps, undo one, and a double tap that records one event."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from arrivals.models import StepEvent
from cases.models import Individual
from tests.browser.tablet import shoot, sign_in
from tests.factories import FlightFactory
from tests.scenarios import family_on_flight

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def family(atl):
    soon = dt.datetime.now(dt.UTC).replace(microsecond=0)
    flight = FlightFactory.create(port=atl, scheduled_arrival=soon, carrier="QR", number="747")
    case, people = family_on_flight(atl, flight, size=3)
    people[2].ssr_codes = ["WCHR"]
    people[2].interpreter_needed = True
    people[2].save()
    family_on_flight(atl, flight, size=1, programme_status="urm")
    return flight, case, people


def steps_of(people):
    return [Individual.objects.get(pk=p.pk).current_step for p in people]


def test_an_associate_moves_a_family_through_the_steps_and_undoes_one(
    watched_page, live_server, atl_associate, family
):
    flight, case, people = family
    page = watched_page
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    shoot(page, "port-day")
    page.click(f"#flight-{flight.pk} a.flight-link")
    page.wait_for_url(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")
    url = page.url
    shoot(page, "flight", [(1024, 768)])

    block = page.locator(f"#case-{case.pk}")
    block.locator("button", has_text="All 3 → Met").click()
    expect(block.locator(".person-row.step-met")).to_have_count(3)
    assert page.url == url, "htmx swapped the block; no page load"
    block = page.locator(f"#case-{case.pk}")
    block.locator("button", has_text="All 3 → Admitted by CBP").click()
    expect(block.locator(".person-row.step-cbp_cleared")).to_have_count(3)
    # Bags claimed carries the family's bag count: the tap opens a small form in the block.
    page.locator(f"#case-{case.pk}").get_by_text("All 3 → Bags claimed…").click()
    form = page.locator(f"#case-form-{case.pk} form")
    form.get_by_label("Bags claimed").fill("4")
    form.get_by_role("button", name="Record bags claimed").click()
    block = page.locator(f"#case-{case.pk}")
    expect(block.locator(".person-row.step-bags_claimed")).to_have_count(3)
    expect(block.locator(".step-detail").first).to_have_text("4 bags")
    block.locator("button", has_text="All 3 → Through customs").click()
    expect(block.locator(".person-row.step-customs_cleared")).to_have_count(3)
    for person in people:
        row = page.locator(f"#person-{person.pk}")
        row.locator("button[value=hotel]").click()
        page.wait_for_selector(f"#person-{person.pk}.step-hotel")
    assert steps_of(people) == ["hotel"] * 3
    shoot(page, "flight-after-steps")

    last = page.locator(f"#person-{people[2].pk}")
    last.locator("button", has_text="Undo to hotel").click()
    page.wait_for_selector(f"#person-{people[2].pk}.step-customs_cleared")
    assert steps_of(people) == ["hotel", "hotel", "customs_cleared"]
    undo = StepEvent.objects.get(undoes__isnull=False)
    assert undo.actor == atl_associate
    assert "Chrom" in undo.device

    # The smaller exception buttons work the same way; hospital asks which hospital first.
    page.locator(f"#person-{people[2].pk}").get_by_text("Hospital…").click()
    form = page.locator(f"#step-form-{people[2].pk} form")
    form.get_by_role("button", name="Record hospital").click()
    expect(form.locator(".field-error")).to_contain_text("Name the hospital they are taken to.")
    form.get_by_label("Hospital").fill("Grady Memorial Hospital")
    form.get_by_label("Who goes with them").fill("Farid (IOM)")
    form.get_by_role("button", name="Record hospital").click()
    page.wait_for_selector(f"#person-{people[2].pk}.step-hospital")
    row = page.locator(f"#person-{people[2].pk}")
    expect(row.locator(".step-detail")).to_have_text("Grady Memorial Hospital · with Farid (IOM)")
    assert page.console_errors == []


def test_a_double_tap_and_a_resent_form_record_one_event(page, live_server, atl_associate, family):
    flight, _, people = family
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    page.goto(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")
    row = page.locator(f"#person-{people[0].pk}")
    key = row.locator("input[name=key]").input_value()
    token = row.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    row.locator("button[value=met]").dblclick()
    page.wait_for_selector(f"#person-{people[0].pk}.step-met")
    # The Wi-Fi retry: the very same form, sent again after it already succeeded.
    response = page.request.post(
        f"{live_server.url}/ports/ATL/individuals/{people[0].pk}/step/",
        form={"csrfmiddlewaretoken": token, "step": "met", "key": key, "flight": str(flight.pk)},
        headers={"HX-Request": "true", "Referer": page.url},
    )
    assert response.ok
    assert f"{people[0]}: met." in response.text()
    assert StepEvent.objects.filter(individual_id=people[0].pk).count() == 1
    assert steps_of(people[:1]) == ["met"]
