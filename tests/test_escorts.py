"""Escorts: required for unaccompanied minors and MEDA/STCR travellers. The port's day, the
flight page, the case page and the board warn when such a person has none — without per-row
queries."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cases.models.bookings import EscortAssignment
from poe_ops.keys import new_key
from tests.factories import EscortAssignmentFactory, FlightFactory
from tests.htmx import HTMX
from tests.scenarios import crowded_day, family_on_flight

pytestmark = pytest.mark.django_db

ATL_TZ = ZoneInfo("America/New_York")
DAY = dt.date(2026, 7, 1)


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 7, 1, hour, minute, tzinfo=ATL_TZ)


def test_the_port_day_warns_of_minors_and_meda_cases_without_escort(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(14))
    case, (minor,) = family_on_flight(atl, flight, size=1, programme_status="urm")
    family_on_flight(atl, flight, size=1, ssr_codes=["MEDA"])
    family_on_flight(atl, flight, size=1, ssr_codes=["WCHR"])  # needs no escort
    client.force_login(atl_associate)
    html = client.get(f"/ports/ATL/today/?date={DAY}").content.decode()
    assert 'data-warning="no-escort"><b>2</b> people need an escort and have none' in html
    EscortAssignmentFactory.create(case=case, individuals=[minor], assigned_by=atl_associate)
    html = client.get(f"/ports/ATL/today/?date={DAY}").content.decode()
    assert 'data-warning="no-escort"><b>1</b> person needs an escort and has none' in html


def test_a_person_handed_over_no_longer_counts(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(14))
    family_on_flight(atl, flight, size=1, ssr_codes=["STCR"], current_step="departed")
    client.force_login(atl_associate)
    html = client.get(f"/ports/ATL/today/?date={DAY}").content.decode()
    assert 'data-warning="no-escort"' not in html


def test_the_flight_page_flags_the_person_without_escort(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(14))
    _case, (_minor,) = family_on_flight(atl, flight, size=1, programme_status="urm")
    client.force_login(atl_associate)
    html = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    assert html.count('data-warning="no-escort">No escort') == 1


def test_the_board_warns_per_flight(client, atl, dc_ops):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(14))
    family_on_flight(atl, flight, size=2, programme_status="urm")
    client.force_login(dc_ops)
    html = client.get(f"/board/?date={DAY}").content.decode()
    assert 'data-alert="no-escort">2 without escort' in html


def test_the_case_page_names_who_needs_an_escort(client, atl, atl_associate):
    case, (_minor,) = family_on_flight(atl, size=1, programme_status="urm", given_names="Aline")
    client.force_login(atl_associate)
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "Needs an escort and has none: <strong>Aline" in html


@pytest.mark.parametrize("people", [30, 3000])
def test_the_board_with_escort_warnings_keeps_a_fixed_number_of_queries(
    client, atl, dc_ops, people, django_assert_max_num_queries
):
    crowded_day(atl, DAY, people, needing_escort=True)
    client.force_login(dc_ops)
    # The board's 20, plus one for who among those needing an escort has one.
    with django_assert_max_num_queries(21):
        response = client.get(f"/board/?date={DAY}")
    html = response.content.decode()
    # Ten cases a flight, each with a minor and a MEDA traveller: 20 a flight.
    assert html.count('data-alert="no-escort">20 without escort') == max(1, people // 30)


@pytest.mark.parametrize("people", [30, 300])
def test_the_port_day_with_escort_warnings_keeps_a_fixed_number_of_queries(
    client, atl, atl_associate, people, django_assert_max_num_queries
):
    crowded_day(atl, DAY, people, needing_escort=True)
    client.force_login(atl_associate)
    with django_assert_max_num_queries(17):
        response = client.get(f"/ports/ATL/today/?date={DAY}")
    assert response.content.decode().count('data-warning="no-escort"') == max(1, people // 30)


def test_an_escort_is_assigned_from_the_case_page(client, atl, atl_associate):
    case, (minor, _adult) = family_on_flight(atl, size=2)
    minor.programme_status = "urm"
    minor.save()
    client.force_login(atl_associate)
    url = f"/cases/{case.case_number}/escorts/"
    html = client.get(url).content.decode()
    assert f'value="{minor.pk}"' in html
    data = {
        "key": new_key(),
        "kind": "agency",
        "name": "Sam Rivera",
        "organisation": "",
        "purpose": "handover",
        "individuals": [minor.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "which agency does the representative work for" in response.content.decode()
    data["organisation"] = "IRC Atlanta"
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # double submit
    escort = EscortAssignment.objects.get()
    assert list(escort.individuals.all()) == [minor]
    page = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "Sam Rivera" in page and "Needs an escort and has none" not in page


def test_an_escort_assignment_is_404_for_another_port_and_403_for_hq(
    client, atl, jfk_associate, dc_ops
):
    case, (person,) = family_on_flight(atl, size=1)
    data = {
        "key": new_key(),
        "kind": "iom_staff",
        "name": "X",
        "purpose": "leg",
        "individuals": [person.pk],
    }
    client.force_login(jfk_associate)
    assert client.post(f"/cases/{case.case_number}/escorts/", data).status_code == 404
    client.force_login(dc_ops)
    assert client.post(f"/cases/{case.case_number}/escorts/", data).status_code == 403
    assert not EscortAssignment.objects.exists()


@pytest.mark.parametrize("families", [1, 20])
def test_the_flight_page_with_minors_keeps_a_fixed_number_of_queries(
    client, atl, atl_associate, families, django_assert_max_num_queries
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(14))
    for _ in range(families):
        family_on_flight(atl, flight, size=2, programme_status="urm")
    client.force_login(atl_associate)
    with django_assert_max_num_queries(24):  # the flight page's pin, escorts included
        html = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    assert html.count('data-warning="no-escort">No escort') == 2 * families


def test_a_tap_on_a_minor_refreshes_the_escort_flag_on_the_row(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(14))
    _case, (minor,) = family_on_flight(atl, flight, size=1, programme_status="urm")
    client.force_login(atl_associate)
    response = client.post(
        f"/ports/ATL/individuals/{minor.pk}/step/",
        {"step": "met", "key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    assert 'data-warning="no-escort">No escort' in response.content.decode()
