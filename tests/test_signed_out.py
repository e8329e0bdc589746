"""Sign-out never loses work: a tap from a signed-out session is answered so the page
understands it (401, not the sign-in page swapped into a row); signing in never leads to an
action that only takes POST; a CSRF failure after a long idle is answered the same way; the
sign-in dialog's endpoint signs in over the page, throttled like the sign-in page."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from arrivals.models import StepEvent
from poe_ops.keys import new_key
from poe_ops.middleware import LAST_SEEN_AT, LOGGED_IN_AT
from tests.factories import PASSWORD, FlightFactory
from tests.htmx import HTMX
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_flight(atl):
    flight = FlightFactory.create(port=atl)
    _case, (person,) = family_on_flight(atl, flight, size=1)
    return flight, person


def sign_in(client):
    response = client.post("/accounts/login/", {"username": "atl.associate", "password": PASSWORD})
    assert response.status_code == 302


def idle_out(client, settings):
    session = client.session
    session[LAST_SEEN_AT] = time.time() - settings.SESSION_IDLE_MINUTES * 60 - 30
    session[LOGGED_IN_AT] = time.time() - 3600
    session.save()


def tap(client, person, flight, **headers):
    return client.post(
        f"/ports/ATL/individuals/{person.pk}/step/",
        {"step": "met", "key": new_key(), "flight": flight.pk},
        **headers,
    )


def test_it_answers_a_tap_after_the_idle_sign_out_with_401_not_the_sign_in_page(
    client, settings, atl_associate, on_flight
):
    flight, person = on_flight
    sign_in(client)
    idle_out(client, settings)
    response = tap(client, person, flight, **HTMX)
    assert response.status_code == 401
    assert response["X-POE-Signed-Out"] == "1"
    assert response["Content-Type"].startswith("text/plain")
    assert "signed out after a period without activity" in response.content.decode()
    assert "<form" not in response.content.decode()
    assert not StepEvent.objects.exists()
    assert "_auth_user_id" not in client.session


def test_it_answers_a_tap_with_no_session_at_all_with_401(client, atl, on_flight):
    flight, person = on_flight
    response = tap(client, person, flight, **HTMX)
    assert response.status_code == 401
    assert response["X-POE-Signed-Out"] == "1"
    assert not StepEvent.objects.exists()


def test_a_form_posted_without_javascript_comes_back_to_its_page_after_signing_in(
    client, settings, atl_associate, on_flight
):
    flight, person = on_flight
    sign_in(client)
    idle_out(client, settings)
    page = f"/ports/ATL/flights/{flight.pk}/"
    response = tap(client, person, flight, HTTP_REFERER=f"http://testserver{page}")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={page}"
    assert "step" not in response["Location"]
    login_page = client.get(response["Location"]).content.decode()
    assert "What you sent last was not saved" in login_page
    response = client.post(
        "/accounts/login/", {"username": "atl.associate", "password": PASSWORD, "next": page}
    )
    assert response["Location"] == page
    assert not StepEvent.objects.exists()


def test_a_signed_out_post_from_another_site_or_without_referer_goes_to_the_start_page(
    client, atl, on_flight
):
    flight, person = on_flight
    response = tap(client, person, flight)
    assert response["Location"] == "/accounts/login/?next=/"
    response = tap(client, person, flight, HTTP_REFERER="https://evil.example/ports/ATL/today/")
    assert response["Location"] == "/accounts/login/?next=/"


def test_signing_in_never_leads_to_an_action_that_only_takes_post(client, atl_associate, on_flight):
    _flight, person = on_flight
    step_url = f"/ports/ATL/individuals/{person.pk}/step/"
    response = client.post(
        "/accounts/login/",
        {"username": "atl.associate", "password": PASSWORD, "next": step_url},
    )
    assert response.status_code == 302
    assert response["Location"] == "/"  # the start page, not a blank 405
    assert client.get("/", follow=True).status_code == 200


def test_a_page_asked_for_while_signed_out_is_still_where_signing_in_leads(client, atl):
    response = client.get("/ports/ATL/today/")
    assert response["Location"] == "/accounts/login/?next=/ports/ATL/today/"


def test_a_csrf_failure_from_the_page_is_answered_so_its_script_can_renew_the_token(
    atl_associate, on_flight
):
    flight, person = on_flight
    client = Client(enforce_csrf_checks=True)
    client.force_login(atl_associate)
    response = tap(client, person, flight, HTTP_X_CSRFTOKEN="stale-token", **HTMX)
    assert response.status_code == 403
    assert response["X-POE-CSRF-Failed"] == "1"
    assert "nothing was saved" in response.content.decode()
    plain = tap(client, person, flight)
    assert plain.status_code == 403
    assert "This page had expired" in plain.content.decode()
    assert not StepEvent.objects.exists()
    # The token the session endpoint gives makes the very same tap go through.
    state = client.get("/accounts/session/").json()
    assert state["authenticated"] is True
    response = tap(client, person, flight, HTTP_X_CSRFTOKEN=state["csrf_token"], **HTMX)
    assert response.status_code == 200
    assert StepEvent.objects.count() == 1


def test_the_session_endpoint_signs_in_over_the_page(atl_associate):
    client = Client(enforce_csrf_checks=True)
    state = client.get("/accounts/session/").json()
    assert state == {
        "authenticated": False,
        "second_factor": "",
        "user": None,
        "name": "",
        "csrf_token": state["csrf_token"],
    }
    answer = client.post(
        "/accounts/session/",
        {"signin-username": "atl.associate", "signin-password": PASSWORD},
        HTTP_X_CSRFTOKEN=state["csrf_token"],
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert answer.status_code == 200
    signed_in = answer.json()
    assert signed_in["authenticated"] is True
    assert signed_in["user"] == atl_associate.pk
    assert signed_in["csrf_token"] != state["csrf_token"]  # rotated by the sign-in
    assert client.get("/ports/ATL/today/").status_code == 200
    assert answer["Cache-Control"].startswith("max-age=0")


def test_the_session_endpoint_refuses_a_wrong_password_in_words(atl_associate):
    client = Client()
    answer = client.post(
        "/accounts/session/", {"signin-username": "atl.associate", "signin-password": "nope"}
    )
    assert answer.status_code == 400
    assert answer.json()["authenticated"] is False
    assert "correct username and password" in answer.json()["errors"][0]
    assert "_auth_user_id" not in client.session


def test_the_session_endpoint_is_throttled_like_the_sign_in_page(settings, atl_associate):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            "/accounts/session/",
            {"signin-username": "atl.associate", "signin-password": "wrong"},
            HTTP_X_REQUESTED_WITH="XMLHttpRequest",
        )
    answer = client.post(
        "/accounts/session/",
        {"signin-username": "atl.associate", "signin-password": PASSWORD},
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )
    assert answer.status_code in {403, 429}
    assert "_auth_user_id" not in client.session


def test_every_page_holds_the_sign_in_dialog_with_the_users_name(client, atl_associate):
    client.force_login(atl_associate)
    html = client.get("/ports/ATL/today/").content.decode()
    assert '<dialog id="signin-dialog"' in html
    assert 'name="signin-username"' in html and 'value="atl.associate"' in html
    assert f'data-user="{atl_associate.pk}"' in html
    # The dialog's field takes no autofocus from the page's own search box.
    assert html.count("autofocus") <= 1


def test_a_page_refreshing_itself_does_not_keep_a_forgotten_tablet_signed_in(
    client, settings, atl_associate, on_flight
):
    flight, _person = on_flight
    sign_in(client)
    page = f"/ports/ATL/flights/{flight.pk}/"
    live = {**HTMX, "HTTP_X_POE_LIVE": "1"}
    session = client.session
    seen = time.time() - settings.SESSION_IDLE_MINUTES * 60 + 30  # 30 s left
    session[LAST_SEEN_AT] = seen
    session.save()
    assert client.get(page, **live).status_code == 200
    assert client.session[LAST_SEEN_AT] == seen, "a refresh is not activity"
    # The idle time runs out while the page keeps refreshing itself.
    session = client.session
    session[LAST_SEEN_AT] = seen - 60
    session.save()
    response = client.get(page, **live)
    assert response.status_code == 401
    assert response["X-POE-Signed-Out"] == "1"


@pytest.mark.parametrize(
    "action",
    [
        "/imports/1/confirm/",  # require_POST, not marked: another app's action
        "/accounts/logout/",  # Django's LogoutView takes only POST
    ],
)
def test_signing_in_never_leads_to_any_view_that_only_takes_post(client, atl_associate, action):
    response = client.post(
        "/accounts/login/", {"username": "atl.associate", "password": PASSWORD, "next": action}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_signing_in_still_leads_to_a_page_that_takes_get_and_post(client, atl_associate, atl):
    # The search page takes GET and POST (require_http_methods): it is a page, so it is kept.
    response = client.post(
        "/accounts/login/",
        {"username": "atl.associate", "password": PASSWORD, "next": "/ports/ATL/search/"},
    )
    assert response["Location"] == "/ports/ATL/search/"
