"""Each process remembers a user's port permissions across requests (``poe_ops.scoping``), under
a version that any change to permissions, group members, delegations or ports moves: a tap asks
the database one question less, and a revoked permission still stops the very next tap."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.steps import ArrivalStep
from poe_ops.keys import new_key
from poe_ops.models import OperationsOffice
from poe_ops.roles import Role, assign_port_role, office_group, remove_from_port
from tests.factories import FlightFactory
from tests.htmx import HTMX
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(atl):
    flight = FlightFactory.create(port=atl, scheduled_arrival=dt.datetime.now(dt.UTC))
    _case, people = family_on_flight(atl, flight, size=3)
    return flight, people


def tap(client, person, flight, step=ArrivalStep.MET):
    return client.post(
        f"/ports/ATL/individuals/{person.pk}/step/",
        {"step": step, "key": new_key(), "flight": flight.pk},
        **HTMX,
    )


def permission_queries(queries: CaptureQueriesContext) -> int:
    return sum(1 for q in queries.captured_queries if "guardian_userobjectpermission" in q["sql"])


def test_a_second_tap_does_not_ask_the_database_for_the_users_permissions(
    client, atl_associate, family
):
    flight, people = family
    client.force_login(atl_associate)
    with CaptureQueriesContext(connection) as first:
        assert tap(client, people[0], flight).status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert tap(client, people[1], flight).status_code == 200
    assert permission_queries(first) == 1
    assert permission_queries(second) == 0


def test_a_revoked_permission_stops_the_very_next_tap(client, atl, atl_associate, family):
    flight, people = family
    client.force_login(atl_associate)
    assert tap(client, people[0], flight).status_code == 200  # remembered from here on
    remove_from_port(atl_associate, atl)
    assert tap(client, people[1], flight).status_code == 404
    people[1].refresh_from_db()
    assert people[1].current_step == ArrivalStep.EXPECTED


def test_leaving_an_office_takes_its_ports_off_the_next_board(client, dc_ops, atl):
    client.force_login(dc_ops)
    assert 'id="port-ATL"' in client.get("/board/").content.decode()
    dc_ops.groups.remove(office_group(OperationsOffice.objects.get(code="DC")))
    assert 'id="port-ATL"' not in client.get("/board/").content.decode()


def test_a_new_port_role_counts_on_the_very_next_request(client, jfk, atl_associate):
    client.force_login(atl_associate)
    assert client.get("/ports/JFK/today/").status_code == 404
    assert client.get("/ports/JFK/today/").status_code == 404  # remembered
    assign_port_role(atl_associate, jfk, Role.ASSOCIATE)
    assert client.get("/ports/JFK/today/").status_code == 200
