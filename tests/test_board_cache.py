"""The HQ board's body is rendered once per port set, query and refresh interval and served from
the cache to every screen that polls it — until one of its ports changes: a tap, a flight's
status, a new incident is on the very next request. One user's body (their ports, their CSRF
token) never reaches another, and the board works without Redis and with Redis down."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from arrivals.models import Flight
from arrivals.services.flights import update_flight
from cases.steps import ArrivalStep
from poe_ops import versions
from poe_ops.keys import new_key
from poe_ops.models import OperationsOffice
from poe_ops.roles import add_to_office
from reports.services.incidents import create_draft
from tests.factories import FlightFactory, make_user
from tests.htmx import HTMX
from tests.scenarios import family_on_flight
from tests.second_factor import SignedInClient as Client

pytestmark = pytest.mark.django_db


def board_body(client: Client, query: str = "") -> str:
    response = client.get(f"/board/{query}", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def total(html: str, label: str) -> int:
    match = re.search(rf"<dt>{label}</dt><dd>(\d+)</dd>", html)
    return int(match.group(1)) if match else 0


@pytest.fixture
def landed(atl):
    flight = FlightFactory.create(port=atl, scheduled_arrival=dt.datetime.now(dt.UTC))
    _case, people = family_on_flight(atl, flight, size=3)
    return flight, people


def test_a_tap_is_on_the_very_next_board_request(client, atl_associate, dc_ops, landed):
    flight, people = landed
    hq = Client()
    hq.force_login(dc_ops)
    assert total(board_body(hq), "Expected") == 3 and total(board_body(hq), "Met") == 0
    client.force_login(atl_associate)
    answer = client.post(
        f"/ports/ATL/individuals/{people[0].pk}/step/",
        {"step": ArrivalStep.MET, "key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    assert answer.status_code == 200
    html = board_body(hq)
    assert total(html, "Met") == 1 and total(html, "Expected") == 2


def test_a_flight_status_change_is_on_the_very_next_board_request(
    atl_officer, dc_ops, landed, django_capture_on_commit_callbacks
):
    flight, _people = landed
    hq = Client()
    hq.force_login(dc_ops)
    assert "Delayed" not in board_body(hq)
    with django_capture_on_commit_callbacks(execute=True):
        update_flight(
            atl_officer,
            flight,
            status=Flight.Status.DELAYED,
            estimated_arrival=flight.scheduled_arrival + dt.timedelta(hours=3),
            actual_arrival=None,
        )
    assert "Delayed" in board_body(hq)


def test_a_new_incident_moves_its_ports_version_and_no_other(atl, jfk, atl_associate):
    # The board does not list incidents; what it must not do is serve a body from before one.
    before_atl, before_jfk = versions.port_versions([atl.pk]), versions.port_versions([jfk.pk])
    create_draft(atl_associate, atl, {"narrative": "Wheelchair not at the gate"})
    assert versions.port_versions([atl.pk]) != before_atl
    assert versions.port_versions([jfk.pk]) == before_jfk


def test_hq_users_with_other_ports_never_get_each_others_body(dc_ops, ny_ops, atl, jfk):
    FlightFactory.create(port=atl, scheduled_arrival=dt.datetime.now(dt.UTC), number="111")
    FlightFactory.create(port=jfk, scheduled_arrival=dt.datetime.now(dt.UTC), number="222")
    dc, ny = Client(), Client()
    dc.force_login(dc_ops)
    ny.force_login(ny_ops)
    for _ in range(2):  # the second round is served from the cache
        dc_html, ny_html = board_body(dc), board_body(ny)
        assert 'id="port-ATL"' in dc_html and 'id="port-JFK"' not in dc_html
        assert 'id="port-JFK"' in ny_html and 'id="port-ATL"' not in ny_html


def test_a_body_served_from_the_cache_carries_the_readers_own_csrf_token(dc_ops, atl):
    other = make_user("dc.ops.2")
    add_to_office(other, OperationsOffice.objects.get(code="DC"))
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.force_login(dc_ops)
    second.force_login(other)
    board_body(first)
    html = board_body(second)  # the same ports: the cached body
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    day = atl.local_today().isoformat()
    answer = second.post(
        "/ports/ATL/documents/manifest/",
        {"date": day, "csrfmiddlewaretoken": token.group(1)},
        HTTP_HX_REQUEST="true",
    )
    assert answer.status_code != 403, "the token in the body must be the reader's own"


def test_a_cached_board_takes_a_handful_of_queries(
    client, dc_ops, landed, django_assert_max_num_queries
):
    client.force_login(dc_ops)
    board_body(client)
    with django_assert_max_num_queries(4):  # session, user, port permissions, the ports
        html = board_body(client)
    assert total(html, "People") == 3


def test_without_redis_the_board_caches_in_memory_and_still_sees_a_tap(
    client, atl_associate, dc_ops, landed, settings
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    flight, people = landed
    hq = Client()
    hq.force_login(dc_ops)
    assert total(board_body(hq), "Met") == 0
    assert total(board_body(hq), "Met") == 0
    client.force_login(atl_associate)
    client.post(
        f"/ports/ATL/individuals/{people[0].pk}/step/",
        {"step": ArrivalStep.MET, "key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    assert total(board_body(hq), "Met") == 1


def test_with_the_cache_down_taps_and_the_board_still_work(
    client, atl_associate, dc_ops, landed, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": "poe_ops.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # nothing listens on the discard port
        }
    }
    flight, people = landed
    client.force_login(atl_associate)
    answer = client.post(
        f"/ports/ATL/individuals/{people[0].pk}/step/",
        {"step": ArrivalStep.MET, "key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    assert answer.status_code == 200
    hq = Client()
    hq.force_login(dc_ops)
    assert total(board_body(hq), "Met") == 1


CACHE_COMMANDS = ("get", "mget", "set", "setex", "incr", "incrby", "exists", "del")


def cache_commands() -> int:
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("counts Redis commands")
    stats = backend._cache.get_client(write=True).info("commandstats")  # type: ignore[attr-defined]
    return sum(stats.get(f"cmdstat_{name}", {}).get("calls", 0) for name in CACHE_COMMANDS)


def test_a_tap_asks_the_cache_two_questions_and_the_board_one(
    client, atl_associate, dc_ops, landed, django_capture_on_commit_callbacks
):
    """A tap reads the permissions version and bumps its port once (SET NX + INCR, one round
    trip) after commit; a board served from the cache reads the versions and the body."""
    flight, people = landed
    client.force_login(atl_associate)
    with django_capture_on_commit_callbacks(execute=True):
        tap_answer = client.post(
            f"/ports/ATL/individuals/{people[0].pk}/step/",
            {"step": ArrivalStep.MET, "key": new_key(), "flight": flight.pk},
            **HTMX,
        )
    assert tap_answer.status_code == 200
    # (The test's transaction never commits: what the first tap changed is still queued; a
    # read counts it, as a real request's commit would have.)
    versions.port_versions([flight.port_id])
    before = cache_commands()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/ports/ATL/individuals/{people[1].pk}/step/",
            {"step": ArrivalStep.MET, "key": new_key(), "flight": flight.pk},
            **HTMX,
        )
    assert cache_commands() - before == 3  # MGET; SET NX + INCR
    hq = Client()
    hq.force_login(dc_ops)
    board_body(hq)
    before = cache_commands()
    assert total(board_body(hq), "Met") == 2
    assert cache_commands() - before == 3  # MGET of the permissions and of the ports; GET
