"""The onward journey on a tablet held upright (768×1024), in real Chromium: a family lands, is
met, clears CBP with one person sent to secondary and cleared later, claims five bags, re-checks
them and reaches the gate; the domestic flight is delayed (the at-risk panel appears on the
port's page and on HQ's board), then cancelled (the family needs rebooking), is rebooked with a
hotel in one form, and departs the next day. HQ's feed shows each notice once, with the facts."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from arrivals.models import Flight
from cases.models import Individual
from poe_ops.models import Notification
from tests.browser.tablet import shoot, sign_in
from tests.factories import FlightFactory, VendorFactory, VendorRateFactory
from tests.scenarios import family_on_flight, onward

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UPRIGHT = [(768, 1024)]


@pytest.fixture
def journey(atl):
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    inbound = FlightFactory.create(
        port=atl,
        carrier="QR",
        number="747",
        origin="DOH",
        scheduled_arrival=now - dt.timedelta(minutes=40),
        actual_arrival=now - dt.timedelta(minutes=30),
        status="landed",
    )
    case, people = family_on_flight(atl, inbound, size=3, surname="Haidari")
    for person, name in zip(people, ("Zahra", "Ahmad", "Maryam"), strict=True):
        person.given_names = name
        person.save()
    leg = onward(case, now + dt.timedelta(hours=3), number="1234", destination="BOI")
    gateway = VendorFactory.create(port=atl, kind="hotel", name="Airport Gateway Inn")
    VendorRateFactory.create(vendor=gateway)  # the group's rooms cost the contracted rate
    return inbound, case, people, leg


def steps(people) -> list[str]:
    return [Individual.objects.get(pk=p.pk).current_step for p in people]


def tap_all(page, case, label: str, count: int, step: str) -> None:
    page.locator(f"#case-{case.pk}").get_by_role("button", name=f"All {count} → {label}").click()
    expect(page.locator(f"#case-{case.pk} .person-row.step-{step}")).to_have_count(count)


def new_tablet(browser, live_server, username: str):
    context = browser.new_context(viewport={"width": 768, "height": 1024})
    page = context.new_page()
    sign_in(page, live_server, username)
    page.wait_for_load_state()
    return page


def set_departure(page, live_server, flight: Flight, status: str, estimated: str = "") -> None:
    page.goto(f"{live_server.url}/ports/ATL/flights/{flight.pk}/status/")
    page.get_by_label("Status").select_option(status)
    if estimated:
        page.get_by_label("Estimated departure (ATL local time)").fill(estimated)
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"{live_server.url}/ports/ATL/flights/{flight.pk}/")


def test_a_family_from_the_jet_bridge_through_a_cancelled_connection_to_its_departure(
    watched_page, browser, live_server, atl, atl_associate, atl_senior, dc_ops, journey
):
    inbound, case, people, leg = journey
    zahra, ahmad, maryam = people
    page = watched_page
    page.set_viewport_size({"width": 768, "height": 1024})
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    expect(page.locator(f"#departure-{leg.pk}")).to_contain_text("DL1234")
    page.goto(f"{live_server.url}/ports/ATL/flights/{inbound.pk}/")
    expect(page.locator(f"#person-{zahra.pk} .person-onward")).to_contain_text("DL1234 ATL→BOI")

    # Met; CBP admits two, sends Ahmad to secondary and admits him later.
    tap_all(page, case, "Met", 3, "met")
    page.locator(f"#person-{ahmad.pk}").get_by_role("button", name="CBP secondary").click()
    expect(page.locator(f"#person-{ahmad.pk} .step-time")).to_contain_text("since")
    for person in (zahra, maryam):
        page.locator(f"#person-{person.pk}").get_by_role("button", name="Admitted by CBP").click()
        page.wait_for_selector(f"#person-{person.pk}.step-cbp_cleared")
    assert steps(people) == ["cbp_cleared", "cbp_secondary", "cbp_cleared"]
    shoot(page, "journey-secondary", UPRIGHT)
    page.locator(f"#person-{ahmad.pk}").get_by_role("button", name="Admitted by CBP").click()
    page.wait_for_selector(f"#person-{ahmad.pk}.step-cbp_cleared")

    # Five bags for the family, with their tags, in the small form the tap opens.
    page.locator(f"#case-{case.pk}").get_by_text("All 3 → Bags claimed…").click()
    form = page.locator(f"#case-form-{case.pk} form")
    form.get_by_label("Bags claimed").fill("5")
    form.get_by_label("Claim tags").fill("0006123451 0006123452 0006123453 0006123454 0006123455")
    shoot(page, "journey-bags-form", UPRIGHT)
    form.get_by_role("button", name="Record bags claimed").click()
    expect(page.locator(f"#case-{case.pk} .person-row.step-bags_claimed")).to_have_count(3)
    expect(page.locator(f"#person-{zahra.pk} .step-detail")).to_contain_text("5 bags")
    tap_all(page, case, "Through customs", 3, "customs_cleared")
    tap_all(page, case, "Bags re-checked", 3, "bags_rechecked")
    tap_all(page, case, "Boarding pass", 3, "boarding_pass")
    tap_all(page, case, "Through security", 3, "through_security")
    tap_all(page, case, "At gate", 3, "at_gate")
    shoot(page, "journey-at-gate", UPRIGHT)

    # The domestic flight is delayed: the port's page and HQ's board show who is at risk.
    senior = new_tablet(browser, live_server, "atl.senior")
    later = (leg.scheduled_departure + dt.timedelta(minutes=95)).astimezone(atl.zone)
    set_departure(senior, live_server, leg, "delayed", f"{later:%Y-%m-%dT%H:%M}")
    page.goto(f"{live_server.url}/ports/ATL/today/")
    panel = page.locator("#at-risk")
    expect(panel).to_contain_text("At risk of missing their connection (3)")
    expect(panel).to_contain_text("DL1234 delayed 95 min")
    shoot(page, "journey-port-at-risk", UPRIGHT)
    hq = new_tablet(browser, live_server, "dc.ops")
    hq.goto(f"{live_server.url}/board/")
    atl_on_board = hq.locator("section.board-port", has=hq.locator("#port-ATL"))
    expect(atl_on_board.locator(".at-risk")).to_contain_text(
        "At risk of missing their connection (3)"
    )
    expect(atl_on_board.locator(".at-risk")).to_contain_text("DL1234 delayed 95 min")
    shoot(hq, "journey-board-at-risk", UPRIGHT)

    # Cancelled: the family needs rebooking.
    set_departure(senior, live_server, leg, "cancelled")
    page.goto(f"{live_server.url}/ports/ATL/flights/{inbound.pk}/")
    expect(page.locator(f"#case-{case.pk} .person-row.step-needs_rebooking")).to_have_count(3)
    expect(page.locator("#at-risk")).to_contain_text("DL1234 is cancelled")
    shoot(page, "journey-needs-rebooking", UPRIGHT)

    # Rebooked with a hotel, in one form.
    page.locator("#at-risk").get_by_role("link", name="Rebook everyone on DL1234").click()
    tomorrow = atl.local_today() + dt.timedelta(days=1)
    page.get_by_label("Flight number").fill("1240")
    page.get_by_label("Date", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("Departs (local time)").fill("07:15")
    page.get_by_label("Book a hotel for the night (each case)").check()
    page.get_by_label("Hotel", exact=True).select_option(label="Airport Gateway Inn")
    shoot(page, "journey-rebook-group", UPRIGHT)
    page.get_by_role("button", name="Rebook all 1 case").click()
    page.wait_for_url(f"{live_server.url}/ports/ATL/flights/{leg.pk}/")
    expect(page.locator(".messages")).to_contain_text("rebooked from DL1234 to DL1240")
    assert steps(people) == ["hotel"] * 3

    # The next morning: back to the airport, through to the gate; departed once it has left.
    new = Flight.objects.get(number="1240")
    page.goto(f"{live_server.url}/ports/ATL/flights/{new.pk}/")
    expect(page.locator("h1")).to_contain_text("DL1240")
    tap_all(page, case, "Bags re-checked", 3, "bags_rechecked")
    tap_all(page, case, "Boarding pass", 3, "boarding_pass")
    tap_all(page, case, "Through security", 3, "through_security")
    tap_all(page, case, "At gate", 3, "at_gate")
    page.locator(f"#case-{case.pk}").get_by_role("button", name="All 3 → Departed").click()
    expect(page.locator(f"#case-{case.pk} .step-message.is-refusal")).to_contain_text(
        "DL1240 has not departed yet"
    )
    assert steps(people) == ["at_gate"] * 3
    set_departure(senior, live_server, new, "departed")
    page.reload()
    tap_all(page, case, "Departed", 3, "departed")
    shoot(page, "journey-departed", UPRIGHT)

    # HQ's feed: each notice once, with the facts.
    hq.goto(f"{live_server.url}/notifications/")
    subjects = [s.strip() for s in hq.locator(".notice-subject").all_inner_texts()]
    on = f"{leg.scheduled_date:%d %b}"
    expected = [
        f"ATL · Arrival: case {case.case_number} departed on DL1240",
        f"ATL · Rebooking: 1 case from DL1234 to DL1240 {tomorrow:%d %b}, "
        "hotel Airport Gateway Inn",
        f"ATL · Transit: case {case.case_number} to hotel overnight",
        f"ATL · Flight change: DL1234 {on} cancelled, 3 need rebooking",
        f"ATL · Flight change: DL1234 {on} delayed, now departs {later:%H:%M}, 3 at risk",
    ]
    assert subjects == expected
    summaries = hq.locator(".notice-summary").all_inner_texts()
    assert "departing" in summaries[1] and "07:15" in summaries[1]
    assert "hotel: Airport Gateway Inn" in summaries[1]
    assert "3 people need rebooking" in summaries[3]
    assert Notification.objects.count() == len(expected)
    assert not Notification.objects.filter(kind="emergency").exists(), "secondary is routine"
    shoot(hq, "journey-hq-feed", UPRIGHT)
    assert page.console_errors == []
