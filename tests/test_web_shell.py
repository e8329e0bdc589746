"""Signing in, landing on the right home, and the health check."""

from __future__ import annotations

import pytest

from poe_ops.services.second_factor import requires_second_factor
from tests.factories import PASSWORD
from tests.second_factor import app_of, fresh_code

pytestmark = pytest.mark.django_db


def login(client, user):
    return client.post(
        "/accounts/login/", {"username": user.username, "password": PASSWORD}, follow=False
    )


def test_the_login_page_is_served(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b"Sign in" in response.content


@pytest.mark.parametrize(
    ("fixture", "home"),
    [
        ("atl_associate", "/ports/ATL/today/"),
        ("atl_senior", "/ports/ATL/today/"),
        ("atl_officer", "/ports/ATL/today/"),
        ("jfk_associate", "/ports/JFK/today/"),
        ("dc_ops", "/board/"),
        ("ny_ops", "/board/"),
    ],
)
def test_each_role_lands_on_its_home_after_login(client, request, fixture, home):
    user = request.getfixturevalue(fixture)
    app = app_of(user) if requires_second_factor(user) else None
    response = login(client, user)
    assert response.status_code == 302
    if app is not None:  # their authenticator app's code, after the password
        asked = client.get(response["Location"])
        assert asked["Location"].startswith("/accounts/second-factor/?")
        response = client.post(asked["Location"], {"code": fresh_code(app)})
        assert response.status_code == 302
    response = client.get(response["Location"])
    assert response.status_code == 302
    assert response["Location"] == home
    assert client.get(home).status_code == 200


def test_a_user_with_no_port_is_told_so(client, outsider):
    client.force_login(outsider)
    response = client.get("/")
    assert response.status_code == 403
    assert b"No port assigned" in response.content


def test_a_wrong_password_says_so_and_signs_nobody_in(client, atl_associate):
    response = client.post("/accounts/login/", {"username": "atl.associate", "password": "nope"})
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert client.get("/").status_code == 302


def test_anonymous_is_sent_to_login_with_next(client):
    response = client.get("/ports/ATL/today/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/ports/ATL/today/"


def test_an_atl_user_gets_404_on_jfks_day(client, atl_associate):
    client.force_login(atl_associate)
    assert client.get("/ports/JFK/today/").status_code == 404


def test_the_day_shows_the_ports_local_date_and_refuses_a_bad_date(client, atl_associate):
    client.force_login(atl_associate)
    response = client.get("/ports/ATL/today/?date=2026-02-30")
    assert response.status_code == 200
    assert "“2026-02-30” is not a date in the form YYYY-MM-DD" in response.content.decode()
    response = client.get("/ports/ATL/today/?date=2026-12-24")
    assert b"Thursday 24 December 2026" in response.content


def test_hq_board_lists_only_its_offices_ports(client, dc_ops, ny_ops):
    client.force_login(dc_ops)
    content = client.get("/board/").content.decode()
    for iata in ("ATL", "EWR", "IAD", "IAH"):
        assert f'id="port-{iata}"' in content
    for iata in ("JFK", "ORD", "LAX"):
        assert f'id="port-{iata}"' not in content
    client.force_login(ny_ops)
    content = client.get("/board/").content.decode()
    assert 'id="port-JFK"' in content
    assert 'id="port-ATL"' not in content


def test_healthz_reports_database_broker_worker_and_backlog(client):
    from django.utils import timezone

    from poe_ops.models import Heartbeat

    Heartbeat.objects.create(name="worker", at=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 200
    health = response.json()
    assert {k: health[k] for k in ("status", "database", "broker", "worker", "backlog")} == {
        "status": "ok",
        "database": "ok",
        "broker": "ok",
        "worker": "ok",
        "backlog": "ok",
    }
    assert health["oldest_pending_notification_seconds"] is None


def test_healthz_is_503_when_the_broker_is_unreachable(client, settings):
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unreachable"
    assert response.json()["database"] == "ok"


def test_times_are_shown_in_each_ports_local_time(client, dc_ops, monkeypatch):
    import datetime as dt
    import re

    instant = dt.datetime(2026, 7, 1, 16, 5, tzinfo=dt.UTC)  # 12:05 in Atlanta, 11:05 in Houston
    monkeypatch.setattr("django.utils.timezone.now", lambda: instant)
    client.force_login(dc_ops)
    board = client.get("/board/?date=2026-07-01").content.decode()
    clocks = dict(re.findall(r'id="port-(\w+)".*?port-clock">([\d:]+)<', board, re.S))
    assert clocks["ATL"] == "12:05"
    assert clocks["IAH"] == "11:05"
    day = client.get("/ports/IAH/today/").content.decode()
    assert "local time 11:05" in day
