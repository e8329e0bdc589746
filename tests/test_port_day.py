"""The port's day and a flight's people on the tablet: counts, flags, local times, the step
buttons over htmx and without JavaScript, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from arrivals.models import Segment, StepEvent
from cases.models import Case, Individual
from poe_ops.keys import new_key
from tests.factories import FlightFactory, IndividualFactory, StepEventFactory
from tests.htmx import HTMX
from tests.scenarios import family_on_flight, onward

pytestmark = pytest.mark.django_db

ATL_TZ = ZoneInfo("America/New_York")
DAY = dt.date(2026, 7, 1)


def at_atl(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=ATL_TZ)


def day_page(client, user, day: dt.date = DAY) -> str:
    client.force_login(user)
    response = client.get(f"/ports/ATL/today/?date={day:%Y-%m-%d}")
    assert response.status_code == 200
    return response.content.decode()


def card(html: str, flight) -> str:
    match = re.search(
        rf'id="flight-{flight.pk}".*?</li>\s*(?=<li class="flight-card|</ul>\s*</div>)',
        html,
        re.S,
    )
    assert match, f"no card for {flight}"
    return match.group(0)


def test_it_lists_the_local_days_flights_in_arrival_order_with_local_times(
    client, atl, atl_associate
):
    late = FlightFactory.create(
        port=atl, scheduled_arrival=at_atl(23, 30), carrier="EK", number="201"
    )
    early = FlightFactory.create(
        port=atl, scheduled_arrival=at_atl(0, 15), carrier="QR", number="747"
    )
    delayed = FlightFactory.create(
        port=atl,
        scheduled_arrival=at_atl(9, 0),
        carrier="TK",
        number="31",
        estimated_arrival=at_atl(10, 40),
        status="delayed",
    )
    FlightFactory.create(
        port=atl,
        scheduled_arrival=at_atl(0, 5, DAY + dt.timedelta(days=1)),
        carrier="LH",
        number="444",
    )
    FlightFactory.create(
        port=atl,
        scheduled_arrival=at_atl(23, 55, DAY - dt.timedelta(days=1)),
        carrier="AF",
        number="688",
    )
    html = day_page(client, atl_associate)
    codes = re.findall(r'class="flight-code">(\w+)<', html)
    assert codes == ["QR747", "TK31", "EK201"]
    assert "ETA 00:15" in card(html, early)
    assert "ETA 23:30" in card(html, late)
    assert "ETA 10:40" in card(html, delayed)
    assert "sched. 09:00" in card(html, delayed)
    assert "Delayed" in card(html, delayed)


def test_each_flight_counts_its_people_by_step_and_flags_their_needs(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    _, family = family_on_flight(atl, flight, size=3)
    _, (minor,) = family_on_flight(atl, flight, size=1, programme_status="urm")
    _, (_wheelchair,) = family_on_flight(
        atl, flight, size=1, ssr_codes=["WCHR"], interpreter_needed=True, primary_language="ps"
    )
    _, (_medical,) = family_on_flight(atl, flight, size=1, ssr_codes=["MEDA"])
    family[0].current_step = "met"
    family[0].save()
    minor.current_step = "met"
    minor.save()
    html = card(day_page(client, atl_associate), flight)
    assert '<b class="people-count">6</b>' in html
    steps = dict(re.findall(r'data-step="(\w+)">[^<]*<b>(\d+)</b>', html))
    assert steps == {"expected": "4", "met": "2"}
    flags = dict(re.findall(r'data-flag="(\w+)">([^<]*(?:<b>\d+</b>)?)', html))
    assert flags["urm"].endswith("<b>1</b>")
    assert flags["wheelchair"].endswith("<b>1</b>")
    assert flags["medical"].endswith("<b>1</b>")
    assert flags["interpreter"] == "Interpreter: Pushto"


def test_only_active_inbound_segments_and_their_named_people_count(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    other = FlightFactory.create(port=atl, scheduled_arrival=at_atl(16))
    case, people = family_on_flight(atl, flight, size=3)
    Segment.objects.filter(case=case).update(flight=other)  # the case moved to the later flight
    split = Segment.objects.create(case=case, flight=flight, direction="inbound")
    split.individuals.set([people[0]])
    replaced = Segment.objects.create(case=case, flight=flight, direction="inbound")
    replaced.replaced_by = split
    replaced.save()
    html = day_page(client, atl_associate)
    assert '<b class="people-count">1</b>' in card(html, flight)
    assert '<b class="people-count">3</b>' in card(html, other)


@pytest.mark.parametrize("people_count", [30, 300])
def test_the_day_takes_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries, people_count
):
    for hour in range(people_count // 30):
        flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(hour + 1))
        for _ in range(10):
            family_on_flight(atl, flight, size=3, ssr_codes=["WCHR"], interpreter_needed=True)
    client.force_login(atl_associate)
    # 4 for the day's flights and people; the rest is session, user and the navigation's
    # permission look-ups, all fixed. What matters is that 300 people cost what 30 do.
    with django_assert_max_num_queries(16):
        response = client.get(f"/ports/ATL/today/?date={DAY:%Y-%m-%d}")
    assert response.content.decode().count('class="flight-card') == people_count // 30


def test_a_jfk_user_gets_404_on_an_atl_flight(client, atl, jfk_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    client.force_login(jfk_associate)
    assert client.get(f"/ports/ATL/flights/{flight.pk}/").status_code == 404
    assert client.get(f"/ports/JFK/flights/{flight.pk}/").status_code == 404


# The flight page


def flight_page(client, user, flight) -> str:
    client.force_login(user)
    response = client.get(f"/ports/ATL/flights/{flight.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_flight_page_lists_each_case_and_person_with_their_next_moves(
    client, atl, atl_associate
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    case, people = family_on_flight(atl, flight, size=2, ssr_codes=["WCHS"])
    html = flight_page(client, atl_associate, flight)
    assert f'href="/cases/{case.case_number}/"' in html
    for person in people:
        assert f'id="person-{person.pk}"' in html
        assert str(person) in html
    assert "WCHS" in html
    assert re.search(r'class="button step-button button-primary" name="step" value="met"', html)
    assert re.search(r'class="button step-exception" name="step" value="no_show"', html)
    assert "All 2 → Met" in html


def test_viewing_a_flights_people_is_audited(client, atl, atl_associate):
    from poe_ops.models import AuditEvent

    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    flight_page(client, atl_associate, flight)
    assert AuditEvent.objects.filter(action="poe.personal_data.viewed", port=atl).count() == 1


def test_each_render_carries_a_fresh_idempotency_key(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    family_on_flight(atl, flight, size=1)
    keys = [
        re.findall(r'name="key" value="([\w-]+)"', flight_page(client, atl_associate, flight))
        for _ in range(2)
    ]
    assert keys[0] and not set(keys[0]) & set(keys[1])


def test_seniors_get_an_update_status_link_and_associates_do_not(
    client, atl, atl_associate, atl_senior
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    link = f'href="/ports/ATL/flights/{flight.pk}/status/"'
    assert link not in flight_page(client, atl_associate, flight)
    assert link in flight_page(client, atl_senior, flight)


def test_the_day_page_offers_the_search_box(client, atl, atl_associate):
    html = day_page(client, atl_associate)
    assert 'action="/ports/ATL/search/"' in html
    assert 'method="post"' in html


def test_hq_sees_the_flight_but_no_step_buttons(client, atl, dc_ops):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    family_on_flight(atl, flight, size=1)
    html = flight_page(client, dc_ops, flight)
    assert 'name="step"' not in html
    assert "not record arrival steps" in html


def step(client, person, to_step, tap, flight, htmx=True):
    headers = HTMX if htmx else {}
    return client.post(
        f"/ports/ATL/individuals/{person.pk}/step/",
        {"step": to_step, "key": tap, "flight": flight.pk},
        **headers,
    )


def test_an_htmx_tap_returns_only_the_changed_row_with_a_new_key(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    _, (person,) = family_on_flight(atl, flight, size=1)
    client.force_login(atl_associate)
    tap = new_key()
    response = step(client, person, "met", tap, flight)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<li class="person-row step-met" id="person-{person.pk}"')
    assert html.count('class="person-row') == 1
    assert "<html" not in html
    assert 'value="cbp_cleared"' in html
    assert tap not in html, "the re-rendered row carries a new key"
    assert "Undo met" in html


def test_a_persons_tap_refreshes_the_cases_all_buttons_out_of_band(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    case, (first, second) = family_on_flight(atl, flight, size=2)
    client.force_login(atl_associate)
    html = step(client, first, "met", new_key(), flight).content.decode()
    oob = re.search(
        rf'<div class="case-moves-wrap" id="case-moves-{case.pk}"[^>]* hx-swap-oob="true">'
        r"(.*?)</div>",
        html,
        re.S,
    )
    assert oob, "the row response carries the case's buttons out of band"
    assert "All 1 → Met" in oob.group(1)  # only the second person is still expected
    html = step(client, second, "met", new_key(), flight).content.decode()
    assert "All 2 → Admitted by CBP" in html
    assert "→ Met" not in html


def test_the_cases_all_buttons_after_a_tap_offer_a_connection_only_to_those_who_have_one(
    client, atl, atl_associate
):
    """Through customs, a family with no onward flight from ATL (a hotel night, a missed
    connection) is offered no "Bags re-checked" on its rows: nor on the "All 2 → …" that the
    answer to a tap redraws. A family booked onward is."""
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    staying, (first, second) = family_on_flight(atl, flight, size=2)
    leaving, (third, fourth) = family_on_flight(atl, flight, size=2)
    onward(leaving, at_atl(20))
    Individual.objects.filter(case__in=[staying, leaving]).update(current_step="bags_claimed")
    client.force_login(atl_associate)
    step(client, first, "customs_cleared", new_key(), flight)
    html = step(client, second, "customs_cleared", new_key(), flight).content.decode()
    assert "All 2 → " in html
    assert 'value="bags_rechecked"' not in html, "neither the row nor the family's buttons"
    step(client, third, "customs_cleared", new_key(), flight)
    html = step(client, fourth, "customs_cleared", new_key(), flight).content.decode()
    assert "All 2 → Bags re-checked" in html


def test_a_resent_tap_records_one_event_and_shows_the_same_result(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    _, (person,) = family_on_flight(atl, flight, size=1)
    client.force_login(atl_associate)
    tap = new_key()
    first = step(client, person, "met", tap, flight).content.decode()
    again = step(client, person, "met", tap, flight).content.decode()
    assert StepEvent.objects.count() == 1
    message = re.compile(r'<p class="step-message"[^>]*>([^<]*)</p>')
    assert message.findall(first) == message.findall(again) == [f"{person}: met."]


def test_a_refused_tap_shows_the_reason_in_the_row_as_an_alert(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    _, (person,) = family_on_flight(atl, flight, size=1)
    client.force_login(atl_associate)
    html = step(client, person, "handed_over", new_key(), flight).content.decode()
    assert re.search(r'class="step-message is-refusal" role="alert">[^<]*met comes first', html)


def test_without_javascript_a_tap_redirects_back_to_the_flight(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    _, (person,) = family_on_flight(atl, flight, size=1)
    client.force_login(atl_associate)
    response = step(client, person, "met", new_key(), flight, htmx=False)
    assert response.status_code == 302
    assert response["Location"] == f"/ports/ATL/flights/{flight.pk}/#person-{person.pk}"
    page = client.get(response["Location"]).content.decode()
    assert f"{person}: met." in page


def test_a_case_tap_swaps_the_case_block(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    case, _people = family_on_flight(atl, flight, size=3)
    client.force_login(atl_associate)
    response = client.post(
        f"/ports/ATL/cases/{case.pk}/step/",
        {"step": "met", "key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    html = response.content.decode()
    assert html.strip().startswith(f'<section class="panel case-block" id="case-{case.pk}"')
    assert html.count('class="person-row step-met"') == 3


def test_an_undo_tap_puts_the_person_back(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    _, (person,) = family_on_flight(atl, flight, size=1)
    client.force_login(atl_associate)
    step(client, person, "met", new_key(), flight)
    event = StepEvent.objects.get()
    response = client.post(
        f"/ports/ATL/steps/{event.pk}/undo/",
        {"key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    assert 'class="person-row step-expected"' in response.content.decode()
    person.refresh_from_db()
    assert person.current_step == "expected"


def test_a_jfk_associate_gets_404_on_an_atl_step(client, atl, jfk_associate):
    person = IndividualFactory.create(case__port=atl)
    client.force_login(jfk_associate)
    response = client.post(
        f"/ports/ATL/individuals/{person.pk}/step/", {"step": "met", "key": new_key()}
    )
    assert response.status_code == 404
    response = client.post(
        f"/ports/JFK/individuals/{person.pk}/step/", {"step": "met", "key": new_key()}
    )
    assert response.status_code == 404
    assert not StepEvent.objects.exists()


def test_hq_gets_403_on_a_step(client, atl, dc_ops):
    person = IndividualFactory.create(case__port=atl)
    client.force_login(dc_ops)
    response = client.post(
        f"/ports/ATL/individuals/{person.pk}/step/", {"step": "met", "key": new_key()}
    )
    assert response.status_code == 403
    assert not StepEvent.objects.exists()


@pytest.mark.parametrize("families", [1, 20])
def test_the_flight_page_takes_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries, families
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    for _ in range(families):
        _, people = family_on_flight(atl, flight, size=3)
        StepEventFactory.create(individual=people[0], actor=atl_associate)
    client.force_login(atl_associate)
    with django_assert_max_num_queries(24):
        response = client.get(f"/ports/ATL/flights/{flight.pk}/")
    assert response.content.decode().count('class="person-row') == families * 3


def test_the_first_of_a_family_met_costs_no_more_statements(
    client, atl, atl_associate, django_assert_max_num_queries
):
    """The tap that moves the case to "in progress" writes the case's status and its audit
    event in the tap's own write statement: 6 statements, as any tap (was 9)."""
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    case, people = family_on_flight(atl, flight, size=3)
    _other_case, others = family_on_flight(atl, flight, size=2)
    client.force_login(atl_associate)
    step(client, others[0], "met", new_key(), flight)  # the session's first request is dearer
    with django_assert_max_num_queries(6):
        response = step(client, people[0], "met", new_key(), flight)
    assert "Undo met" in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS


def test_a_tap_takes_a_fixed_small_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries
):
    """A tap is the hot path of a busy night: its reply is built from what the move already
    loaded (the whole family is locked with its steps), and the case's buttons are refreshed
    from what the lock read: 6 statements — the session, the user, BEGIN, the case and its
    family locked by one (with the case's journey for the reply), the step event with the
    person and the audit event written by one, COMMIT."""
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    _case, people = family_on_flight(atl, flight, size=6)
    client.force_login(atl_associate)
    step(client, people[1], "met", new_key(), flight)  # the session's first request is dearer
    with django_assert_max_num_queries(6):
        response = step(client, people[0], "met", new_key(), flight)
    assert "Undo met" in response.content.decode()
    assert "All 4 → Met" in response.content.decode()
