"""The steps that carry details open a small form on the tablet instead of guessing: over htmx
in the person's row (or the case's block), without JavaScript as a page of its own; a refused
form says what and where and records nothing. And the pages' queries stay flat with the new
steps, departures, two onward legs and the at-risk panel."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest

from arrivals.models import StepEvent
from poe_ops.keys import new_key
from tests.factories import FlightFactory, StepEventFactory
from tests.htmx import HTMX
from tests.scenarios import crowded_day, family_on_flight, onward, walk

pytestmark = pytest.mark.django_db

ATL_TZ = ZoneInfo("America/New_York")
DAY = dt.date(2026, 7, 1)


def at_atl(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(DAY.year, DAY.month, DAY.day, hour, minute, tzinfo=ATL_TZ)


@pytest.fixture
def admitted(atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    case, people = family_on_flight(atl, flight, size=2)
    walk(atl_associate, case, ["met", "cbp_cleared"])
    return flight, case, people


def test_the_bags_button_opens_a_form_in_the_row(client, atl, atl_associate, admitted):
    flight, _case, (person, _other) = admitted
    client.force_login(atl_associate)
    page = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    url = f"/ports/ATL/individuals/{person.pk}/step/bags_claimed/?flight={flight.pk}"
    assert f'hx-get="{url}" hx-target="#step-form-{person.pk}"' in page
    form = client.get(url, **HTMX).content.decode()
    assert form.strip().startswith('<form class="step-detail-form"')
    assert "<html" not in form
    assert 'name="bags"' in form and 'name="pir"' in form
    assert f'hx-target="#person-{person.pk}"' in form


def test_a_refused_form_stays_in_its_slot_with_the_reason_and_records_nothing(
    client, atl, atl_associate, admitted
):
    flight, _case, (person, _other) = admitted
    client.force_login(atl_associate)
    url = f"/ports/ATL/individuals/{person.pk}/step/bags_claimed/"
    data = {"key": new_key(), "flight": flight.pk, "bags": "3", "missing": "1", "pir": ""}
    response = client.post(url, data, **HTMX)
    assert response.status_code == 200  # the form in words is the answer, as a refused tap's
    assert response["HX-Retarget"] == f"#step-form-{person.pk}"
    assert response["HX-Reswap"] == "innerHTML"
    html = response.content.decode()
    assert "Nothing was recorded" in html
    assert re.search(r'id="id_pir_error".*property irregularity report number', html, re.S)
    assert not StepEvent.objects.filter(to_step="bags_claimed").exists()


def test_a_good_form_records_the_step_with_its_detail_and_returns_the_row(
    client, atl, atl_associate, admitted
):
    flight, _case, (person, _other) = admitted
    client.force_login(atl_associate)
    url = f"/ports/ATL/individuals/{person.pk}/step/bags_claimed/"
    data = {"key": new_key(), "flight": flight.pk, "bags": "3", "missing": "1", "pir": "ATLQR12345"}
    html = client.post(url, data, **HTMX).content.decode()
    assert html.strip().startswith(
        f'<li class="person-row step-bags_claimed" id="person-{person.pk}"'
    )
    assert "3 bags · 1 missing, report ATLQR12345" in html
    client.post(url, data, **HTMX)  # the same form again: recorded once
    event = StepEvent.objects.get(to_step="bags_claimed")
    assert event.detail == {"bags": 3, "missing": 1, "pir": "ATLQR12345"}


def test_without_javascript_the_form_is_a_page_and_a_submit_goes_back_to_the_flight(
    client, atl, atl_associate, admitted
):
    flight, case, _people = admitted
    client.force_login(atl_associate)
    url = f"/ports/ATL/cases/{case.pk}/step/bags_claimed/"
    page = client.get(f"{url}?flight={flight.pk}")
    assert page.status_code == 200 and "<html" in page.content.decode()
    refused = client.post(url, {"key": new_key(), "flight": flight.pk, "bags": ""})
    assert refused.status_code == 400
    assert "Say how many bags were claimed (0 for none)." in refused.content.decode()
    response = client.post(url, {"key": new_key(), "flight": flight.pk, "bags": "6"})
    assert response.status_code == 302
    assert response["Location"] == f"/ports/ATL/flights/{flight.pk}/#case-{case.pk}"
    assert StepEvent.objects.filter(to_step="bags_claimed", detail={"bags": 6}).count() == 2


def test_a_step_without_details_has_no_form(client, atl, atl_associate, admitted):
    _flight, _case, (person, _other) = admitted
    client.force_login(atl_associate)
    assert client.get(f"/ports/ATL/individuals/{person.pk}/step/met/").status_code == 404


def test_hq_cannot_open_the_form(client, atl, dc_ops, admitted):
    _flight, _case, (person, _other) = admitted
    client.force_login(dc_ops)
    url = f"/ports/ATL/individuals/{person.pk}/step/hospital/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"key": new_key(), "hospital": "Grady"}).status_code == 403


def test_hospital_names_are_escaped_on_the_row(client, atl, atl_associate, admitted):
    flight, _case, (person, _other) = admitted
    client.force_login(atl_associate)
    html = client.post(
        f"/ports/ATL/individuals/{person.pk}/step/hospital/",
        {"key": new_key(), "flight": flight.pk, "hospital": "<b>Grady</b>", "accompanied_by": ""},
        **HTMX,
    ).content.decode()
    assert "&lt;b&gt;Grady&lt;/b&gt;" in html and "<b>Grady</b>" not in html


# The pages' queries stay flat as rows grow


@pytest.mark.parametrize("people_count", [30, 300])
def test_the_port_day_with_departures_and_people_at_risk_takes_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries, people_count
):
    crowded_day(atl, DAY, people_count)  # everyone connects onward too soon: all at risk
    client.force_login(atl_associate)
    with django_assert_max_num_queries(16):
        response = client.get(f"/ports/ATL/today/?date={DAY:%Y-%m-%d}")
    html = response.content.decode()
    assert f'At risk of missing their connection <span class="count">({people_count})' in html
    assert html.count('class="flight-card departure-card') == 1


@pytest.mark.parametrize("families", [1, 20])
def test_the_flight_page_with_two_legs_each_takes_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries, families
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    for n in range(families):
        case, people = family_on_flight(atl, flight, size=3)
        onward(case, at_atl(15), number=str(1000 + n), destination="MSP")
        onward(case, at_atl(19), number=str(2000 + n), destination="FAR").__class__.objects.filter(
            number=str(2000 + n)
        ).update(origin="MSP")
        StepEventFactory.create(individual=people[0], actor=atl_associate)
    client.force_login(atl_associate)
    with django_assert_max_num_queries(24):
        response = client.get(f"/ports/ATL/flights/{flight.pk}/")
    html = response.content.decode()
    assert html.count('class="person-row') == families * 3
    assert html.count('class="onward-leg') == families * 3 * 2
    assert f'At risk of missing their connection <span class="count">({families * 3})' in html


def test_a_connection_tap_stays_a_small_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at_atl(14))
    case, people = family_on_flight(atl, flight, size=6)
    onward(case, at_atl(19))
    walk(atl_associate, case, ["met", "cbp_cleared", "bags_claimed", "customs_cleared"])
    client.force_login(atl_associate)
    tap = {"flight": flight.pk}
    first = {**tap, "step": "bags_rechecked", "key": new_key()}
    client.post(f"/ports/ATL/individuals/{people[1].pk}/step/", first, **HTMX)
    with django_assert_max_num_queries(8):  # the onward legs, for the rule and the row
        response = client.post(
            f"/ports/ATL/individuals/{people[0].pk}/step/",
            {**tap, "step": "bags_rechecked", "key": new_key()},
            **HTMX,
        )
    assert "Undo bags re-checked" in response.content.decode()
    assert "All 4 → Bags re-checked" in response.content.decode()
