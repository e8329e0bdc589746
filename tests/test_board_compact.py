"""The HQ board's compact mode (``?view=compact``): one tile per port with the same figures as
the full board, the next arrivals on a timeline that says them in words, and no more queries."""

from __future__ import annotations

import datetime as dt

import pytest

from poe_ops.models.oncall import night_of
from tests.factories import FlightFactory, OnCallFactory, UserFactory
from tests.scenarios import crowded_day, family_on_flight
from tests.test_board import DAY, at

pytestmark = pytest.mark.django_db


def _compact(client, user, **params: str) -> str:
    client.force_login(user)
    query = "&".join(
        f"{k}={v}" for k, v in {"date": DAY.isoformat(), "view": "compact", **params}.items()
    )
    response = client.get(f"/board/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_one_tile_per_port_with_the_boards_figures(client, atl, dc_ops):
    family_on_flight(
        atl, FlightFactory.create(port=atl, scheduled_arrival=at(9, 0), number="747"), 4
    )
    family_on_flight(
        atl,
        FlightFactory.create(port=atl, carrier="TK", scheduled_arrival=at(15, 30), number="33"),
        2,
    )
    page = _compact(client, dc_ops)
    assert page.count('<section class="panel tile') == 4
    for iata in ("ATL", "EWR", "IAD", "IAH"):
        assert f'id="tile-{iata}"' in page
    atl_tile = page.split('id="tile-ATL"')[1].split('<section class="panel tile')[0]
    assert "<dt>People</dt><dd>6</dd>" in atl_tile and "<dt>Flights</dt><dd>2</dd>" in atl_tile
    assert "Expected <b>6</b>" in atl_tile
    # Another day than the port's today: the whole day's timeline, the flights in words.
    assert (
        "Arrivals at ATL from 00:00 to 00:00: QR747 with 4 people at 09:00, "
        "TK33 with 2 people at 15:30." in atl_tile
    )
    assert atl_tile.count("<circle") == 2
    # The full board is a link away, with the same filters.
    assert f'href="?date={DAY}"' in page


def test_the_at_risk_count_stands_out(client, atl, dc_ops):
    crowded_day(atl, DAY, 30)  # everyone connects onward too soon: all at risk
    tile = _compact(client, dc_ops).split('id="tile-ATL"')[1].split('<section class="panel tile')[0]
    assert '<div class="total-alert"><dt>At risk</dt><dd>30</dd></div>' in tile


def test_the_compact_board_takes_no_more_queries(
    client, atl, dc_ops, django_assert_max_num_queries
):
    crowded_day(atl, DAY, 300)
    client.force_login(dc_ops)
    with django_assert_max_num_queries(16):  # the full board's: 15, and tonight's on-call
        client.get(f"/board/?date={DAY}&view=compact")


def test_today_runs_from_an_hour_ago(client, atl, dc_ops):
    now = atl.local_now()
    soon = now + dt.timedelta(hours=2)
    family_on_flight(
        atl, FlightFactory.create(port=atl, carrier="EK", number="231", scheduled_arrival=soon), 3
    )
    page = _compact(client, dc_ops, date=atl.local_today().isoformat())
    tile = page.split('id="tile-ATL"')[1].split('<section class="panel tile')[0]
    if soon.date() == now.date():
        assert f"next EK231 at {soon:%H:%M}" in tile
    assert ">now</text>" in tile


def test_each_tile_says_who_is_on_call_tonight(client, atl, dc_ops):
    # The full board's line (issue 17), kept in the compact tile: HQ rings the port from it.
    person = UserFactory.create(first_name="Amara", last_name="Okafor")
    OnCallFactory.create(port=atl, night=night_of(atl), person=person, phone="+1 404 555 0177")
    page = _compact(client, dc_ops)
    atl_tile = page.split('id="tile-ATL"')[1].split('<section class="panel tile')[0]
    assert (
        'On call tonight: <strong>Amara Okafor</strong> <a href="tel:+1 404 555 0177">' in atl_tile
    )
    ewr_tile = page.split('id="tile-EWR"')[1].split('<section class="panel tile')[0]
    assert '<span class="alert-text">Nobody on call tonight</span>' in ewr_tile
