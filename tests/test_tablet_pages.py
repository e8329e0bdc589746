"""The tablet's pages beyond the tap itself: how far a flight is ("4 of 9 met") and its "still
to do" view, the pages refreshing themselves (only their live part, no new access logged,
queries flat), step buttons on the case page and in search with the flight page's rules,
idempotency and undo, and "Undo CBP cleared" written as it should be."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrivals.models import StepEvent
from cases.models import Individual
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from poe_ops.services.audit import PERSONAL_DATA_VIEWED
from tests.factories import CarriedDocumentFactory, FlightFactory, StepEventFactory
from tests.htmx import HTMX
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db


@pytest.fixture
def nine(atl):
    """A flight of nine: three families of three, at different steps."""
    flight = FlightFactory.create(port=atl, scheduled_arrival=dt.datetime.now(dt.UTC))
    families = [family_on_flight(atl, flight, size=3) for _ in range(3)]
    steps = ["met", "met", "cbp_cleared", "handed_over", "departed", "no_show", "expected"]
    people = [p for _case, members in families for p in members]
    for person, step in zip(people, steps, strict=False):
        person.current_step = step
        person.save()
    return flight, families


def flight_page(client, flight, query="", **headers):
    return client.get(f"/ports/ATL/flights/{flight.pk}/{query}", **headers)


def words(html: str, tag: str = "p", css_class: str = "progress-counts") -> str:
    """The words of the first ``tag`` with ``css_class`` as a reader sees them: its hidden
    parts and the tags left out."""
    found = re.search(rf'<{tag} class="{css_class}[^"]*"[^>]*>(.*?)</{tag}>', html, re.S)
    assert found, css_class
    shown = re.sub(r"<(\w+)[^>]*\bhidden\b[^>]*>.*?</\1>", "", found.group(1), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", "", shown).split())


def tap(client, person, step, key=None, view="flight", flight=None):
    data = {"step": step, "key": key or new_key(), "view": view}
    if flight is not None:
        data["flight"] = flight.pk
    return client.post(f"/ports/ATL/individuals/{person.pk}/step/", data, **HTMX)


# --- how far the flight is, and who is still to do ------------------------------------------


def test_the_flight_page_says_how_many_are_met_cleared_and_done(client, atl_associate, nine):
    flight, _ = nine
    client.force_login(atl_associate)
    html = flight_page(client, flight).content.decode()
    # met: everyone but the no-show and the three still expected; cleared: CBP cleared and the
    # two outcomes; done: the outcomes; still to do: all but the outcomes and the no-show.
    assert words(html) == "5 of 9 met · 3 cleared · 2 done"
    assert "at the hotel" not in words(html)
    assert words(html, "nav", "progress-filter") == "Everyone (9) Still to do (6)"


def test_people_at_the_hotel_overnight_are_counted_on_their_own_not_as_done(
    client, atl_associate, nine
):
    flight, families = nine
    at_hotel = families[2][1][1:]  # the two still expected: at the hotel since last night
    for person in at_hotel:
        person.current_step = "hotel"
        person.save()
    client.force_login(atl_associate)
    html = flight_page(client, flight).content.decode()
    # Cleared (they went through CBP), not done (tomorrow's connection), still to do.
    assert words(html) == "7 of 9 met · 5 cleared · 2 done · 2 at the hotel overnight"
    assert words(html, "nav", "progress-filter") == "Everyone (9) Still to do (6)"
    # What the page's script counts again from when a tap redraws a row (static/js/live.js).
    progress = re.search(r'<div class="flight-progress" id="flight-progress"([^>]*)>', html)
    assert progress
    data = dict(re.findall(r'data-(people|figures)="([^"]*)"', progress[1]))
    people = json.loads(unescape(data["people"]))
    figures = json.loads(unescape(data["figures"]))
    assert {people[str(p.pk)][0] for p in at_hotel} == {"hotel"}
    assert len(people) == 9
    assert figures["hotel"] == ["met", "cleared", "hotel", "still_to_do"]
    assert figures["departed"] == ["met", "cleared", "done"]
    assert figures["no_show"] == []


def test_someone_who_missed_their_connection_counts_as_met_and_cleared(client, atl_associate, nine):
    flight, families = nine
    missed = families[2][1][1]  # still expected in ``nine``: met, admitted, then missed it
    missed.current_step = "needs_rebooking"
    missed.save()
    client.force_login(atl_associate)
    html = flight_page(client, flight).content.decode()
    assert words(html) == "6 of 9 met · 4 cleared · 2 done"
    assert words(html, "nav", "progress-filter") == "Everyone (9) Still to do (6)"


def test_still_to_do_leaves_out_the_people_who_are_finished(client, atl_associate, nine):
    flight, families = nine
    client.force_login(atl_associate)
    html = flight_page(client, flight, "?show=todo").content.decode()
    shown = set(map(int, re.findall(r'class="person-row[^"]*" id="person-(\d+)"', html)))
    finished = {
        p.pk
        for _c, members in families
        for p in members
        if p.current_step in {"handed_over", "departed", "no_show"}
    }
    assert len(shown) == 6
    assert not shown & finished
    assert words(html, "a", "button is-current") == "Still to do (6)"
    # The second family (handed over, departed, no-show) has nobody left: its block goes.
    assert f'id="case-{families[1][0].pk}"' not in html


# --- the pages keep themselves current -------------------------------------------------------


def test_a_refresh_of_the_flight_page_sends_only_its_live_part_and_logs_no_new_access(
    client, atl_associate, nine
):
    flight, _ = nine
    client.force_login(atl_associate)
    flight_page(client, flight)
    accesses = AuditEvent.objects.filter(action=PERSONAL_DATA_VIEWED).count()
    response = flight_page(client, flight, **HTMX, HTTP_HX_TRIGGER="flight-live")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="flight-live"')
    assert "<html" not in html and "topbar" not in html
    assert html.count('class="person-row') == 9
    assert 'data-version="met.' in html
    assert AuditEvent.objects.filter(action=PERSONAL_DATA_VIEWED).count() == accesses
    # A page opened (not refreshed) is an access, as before.
    flight_page(client, flight)
    assert AuditEvent.objects.filter(action=PERSONAL_DATA_VIEWED).count() == accesses + 1


def test_a_refresh_keeps_the_filter_it_was_opened_with(client, atl_associate, nine):
    flight, _ = nine
    client.force_login(atl_associate)
    html = flight_page(client, flight, "?show=todo", **HTMX).content.decode()
    assert f'hx-get="/ports/ATL/flights/{flight.pk}/?show=todo"' in html
    assert html.count('class="person-row') == 6


def test_a_row_says_when_it_changed_so_a_refresh_replaces_only_that_row(
    client, atl_associate, nine
):
    flight, families = nine
    client.force_login(atl_associate)
    person = families[2][1][2]  # still expected
    before = flight_page(client, flight, **HTMX).content.decode()
    tap(client, person, "met", flight=flight)
    after = flight_page(client, flight, **HTMX).content.decode()

    def versions(html):
        return dict(re.findall(r'id="person-(\d+)"[^>]*data-version="([^"]+)"', html))

    changed = {pk for pk, v in versions(after).items() if versions(before)[pk] != v}
    assert changed == {str(person.pk)}


@pytest.mark.parametrize("families", [1, 15])
def test_the_flight_pages_refresh_takes_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries, families
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=dt.datetime.now(dt.UTC))
    for _ in range(families):
        _, people = family_on_flight(atl, flight, size=3)
        StepEventFactory.create(individual=people[0], actor=atl_associate)
    client.force_login(atl_associate)
    flight_page(client, flight, **HTMX)
    with django_assert_max_num_queries(12):
        response = flight_page(client, flight, **HTMX)
    assert response.content.decode().count('class="person-row') == families * 3


@pytest.mark.local_clock("America/New_York", "11:00")  # the flights land in the next minutes: today
@pytest.mark.parametrize("flights", [1, 10])
def test_the_port_days_refresh_takes_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries, flights
):
    for hour in range(flights):
        flight = FlightFactory.create(
            port=atl, scheduled_arrival=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=hour)
        )
        family_on_flight(atl, flight, size=3)
    client.force_login(atl_associate)
    client.get("/ports/ATL/today/", **HTMX)
    with django_assert_max_num_queries(8):
        response = client.get("/ports/ATL/today/", **HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="day-live"')
    assert html.count('class="flight-card') == flights


# --- step buttons on the case page ------------------------------------------------------------


def test_the_case_page_has_each_persons_step_buttons_and_the_whole_case_buttons(
    client, atl_associate, nine
):
    _flight, families = nine
    case, members = families[2]  # all three still expected
    client.force_login(atl_associate)
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    for person in members:
        assert f'action="/ports/ATL/individuals/{person.pk}/step/"' in html
    assert 'name="view" value="case"' in html
    assert f'action="/ports/ATL/cases/{case.pk}/step/"' in html
    assert re.search(r"All \d → ", html)
    assert 'id="step-moves"' in html


def test_a_tap_on_the_case_page_answers_with_the_case_pages_card(client, atl_associate, nine):
    _flight, families = nine
    case, members = families[2]
    person = members[2]
    client.force_login(atl_associate)
    response = tap(client, person, "met", view="case")
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="person step-met" id="person-{person.pk}"')
    assert 'name="view" value="case"' in html
    assert "Undo met" in html
    assert f'id="case-moves-{case.pk}"' in html and 'hx-swap-oob="true"' in html
    assert json.loads(response["X-POE-Tap"]) == {
        "outcome": "recorded",
        "message": f"{person}: met.",
    }


def test_the_whole_case_moves_from_the_case_page_without_a_flight(client, atl, atl_associate):
    # A case of four on two flights: from its page, "All" means everyone of it.
    first, second = FlightFactory.create(port=atl), FlightFactory.create(port=atl)
    case, people = family_on_flight(atl, first, size=4)
    segment = case.segments.get()
    segment.individuals.set(people[:2])
    case.segments.create(flight=second, direction="inbound").individuals.set(people[2:])
    client.force_login(atl_associate)
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "All 4 → Met" in html
    key = new_key()
    response = client.post(
        f"/ports/ATL/cases/{case.pk}/step/", {"step": "met", "key": key, "view": "case"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<section class="panel case-people" id="case-{case.pk}"')
    assert html.count('class="person step-met"') == 4
    assert set(Individual.objects.filter(case=case).values_list("current_step", flat=True)) == {
        "met"
    }
    # The same tap again (a replayed queue) moves nobody a second time.
    again = client.post(
        f"/ports/ATL/cases/{case.pk}/step/", {"step": "met", "key": key, "view": "case"}, **HTMX
    )
    assert again.status_code == 200
    assert StepEvent.objects.filter(individual__case=case).count() == 4


def test_a_view_only_user_sees_the_case_page_without_buttons(client, dc_ops, nine):
    _flight, families = nine
    case, _members = families[0]
    client.force_login(dc_ops)
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "/step/" not in html
    assert 'id="step-moves"' not in html


def test_the_case_pages_buttons_cost_no_query_that_grows_with_the_case(client, atl, atl_associate):
    client.force_login(atl_associate)

    def queries(size):
        case, people = family_on_flight(atl, size=size)
        for person in people:
            StepEventFactory.create(individual=person, actor=atl_associate)
        client.get(f"/cases/{case.case_number}/")
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/cases/{case.case_number}/").status_code == 200
        return len(captured)

    assert queries(1) == queries(8)


# --- step buttons in search results --------------------------------------------------------------


def search(client, q):
    return client.post("/ports/ATL/search/", {"q": q}, **HTMX)


def test_search_results_carry_the_step_buttons_of_each_person(client, atl_associate, nine):
    _flight, families = nine
    case, members = families[2]
    client.force_login(atl_associate)
    html = search(client, case.case_number).content.decode()
    for person in members:
        assert f'id="person-{person.pk}"' in html
        assert f'action="/ports/ATL/individuals/{person.pk}/step/"' in html
    assert 'name="view" value="search"' in html
    assert f'action="/ports/ATL/cases/{case.pk}/step/"' in html


def test_a_tap_in_search_results_answers_with_the_result_line(client, atl_associate, nine):
    _flight, families = nine
    _case, members = families[2]
    person = members[2]
    client.force_login(atl_associate)
    html = tap(client, person, "met", view="search").content.decode()
    assert html.lstrip().startswith(f'<li class="result-person step-met" id="person-{person.pk}"')
    assert "Undo met" in html


def test_a_whole_case_tap_in_search_answers_with_the_result(client, atl_associate, nine):
    _flight, families = nine
    case, _members = families[2]
    client.force_login(atl_associate)
    response = client.post(
        f"/ports/ATL/cases/{case.pk}/step/",
        {"step": "met", "key": new_key(), "view": "search"},
        **HTMX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<li class="result" id="case-{case.pk}"')
    assert json.loads(response["X-POE-Tap"])["outcome"] == "recorded"


def test_search_results_at_a_port_one_only_views_have_no_buttons(client, dc_ops, nine):
    _flight, families = nine
    case, _members = families[0]
    client.force_login(dc_ops)
    html = search(client, case.case_number).content.decode()
    assert case.case_number in html
    assert "/step/" not in html


def test_search_with_buttons_takes_a_fixed_number_of_queries(client, atl, atl_associate):
    client.force_login(atl_associate)
    search(client, "okonkwo")  # the first request reads the user's permissions; later ones not

    def queries(cases):
        for _ in range(cases):
            family_on_flight(atl, size=3, surname="Okonkwo")
        with CaptureQueriesContext(connection) as captured:
            html = search(client, "okonkwo").content.decode()
        return len(captured), html.count('class="result-person ')

    few, shown_few = queries(1)
    many, shown_many = queries(9)
    assert (shown_few, shown_many) == (3, 30)
    assert few == many


# --- labels -----------------------------------------------------------------------------------


def test_the_undo_of_cbp_cleared_keeps_its_capitals(client, atl_associate, nine):
    _flight, families = nine
    person = families[0][1][0]  # met
    client.force_login(atl_associate)
    html = tap(client, person, "cbp_cleared").content.decode()
    # Issue 14 named the step "Admitted by CBP": in a sentence, the acronym keeps its capitals.
    assert "Undo admitted by CBP" in html
    assert f"{person}: admitted by CBP." in html
    assert "by cbp" not in html


def test_a_refused_tap_says_so_in_its_header_for_the_queue(client, atl_associate, nine):
    flight, families = nine
    person = families[1][1][0]  # handed over: final
    client.force_login(atl_associate)
    response = tap(client, person, "met", flight=flight)
    assert response.status_code == 200
    outcome = json.loads(response["X-POE-Tap"])
    assert outcome["outcome"] == "refused"
    assert "final" in outcome["message"]


# --- people the ABN no longer lists, cancelled cases, the travel packet (issue 16) ---------------


def test_a_person_no_longer_on_the_abn_keeps_their_card_but_is_never_moved(
    client, atl, atl_associate
):
    case, people = family_on_flight(atl, size=3)
    gone = people[2]
    gone.removed_in_version = 2
    gone.save()
    client.force_login(atl_associate)
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "Not on ABN version 2" in html
    assert f'action="/ports/ATL/individuals/{gone.pk}/step/"' not in html
    assert f'action="/ports/ATL/individuals/{people[0].pk}/step/"' in html
    assert "All 2 → Met" in html and "All 3" not in html
    response = client.post(
        f"/ports/ATL/cases/{case.pk}/step/",
        {"step": "met", "key": new_key(), "view": "case"},
        **HTMX,
    )
    assert response.status_code == 200
    assert [p.current_step for p in Individual.objects.filter(case=case).order_by("pk")] == [
        "met",
        "met",
        "expected",
    ]
    assert not StepEvent.objects.filter(individual=gone).exists()
    html = search(client, case.case_number).content.decode()
    assert "Not on ABN version 2" in html
    assert f'action="/ports/ATL/individuals/{gone.pk}/step/"' not in html


def test_a_cancelled_case_is_found_but_offers_no_step_buttons(client, atl, atl_associate):
    case, _people = family_on_flight(atl, size=2)
    case.status = "cancelled"
    case.save()
    client.force_login(atl_associate)
    for html in (
        client.get(f"/cases/{case.case_number}/").content.decode(),
        search(client, case.case_number).content.decode(),
    ):
        assert case.case_number in html
        assert 'action="/ports/ATL/individuals/' not in html
        assert f'action="/ports/ATL/cases/{case.pk}/step/"' not in html
    response = client.post(
        f"/ports/ATL/cases/{case.pk}/step/",
        {"step": "met", "key": new_key(), "view": "case"},
        **HTMX,
    )
    assert json.loads(response["X-POE-Tap"])["outcome"] == "refused"
    assert set(Individual.objects.filter(case=case).values_list("current_step", flat=True)) == {
        "expected"
    }


def test_a_tap_on_the_case_page_redraws_the_persons_travel_packet(client, atl, atl_associate):
    case, people = family_on_flight(atl, size=2)
    document = CarriedDocumentFactory.create(individual=people[0])
    client.force_login(atl_associate)
    response = tap(client, people[0], "met", view="case")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="carried-{document.pk}"' in html
    # The paper's buttons post to this case's packet (the answer knows which case it is).
    assert f'action="/cases/{case.case_number}/packet/{document.pk}/status/"' in html
    response = client.post(
        f"/ports/ATL/cases/{case.pk}/step/",
        {"step": "met", "key": new_key(), "view": "case"},
        **HTMX,
    )
    assert response.status_code == 200
    assert f'id="carried-{document.pk}"' in response.content.decode()
