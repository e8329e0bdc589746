"""The second factor: who is asked, on which pages, enrolment, codes, recovery codes, a browser
remembered for a shift, and an administrator's reset. Sign-ins here go through the login form
(``sign_in``), not ``force_login``, which passes the second factor for every other test."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from arrivals.models import StepEvent
from cases.models import Individual
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent, Port
from poe_ops.services.second_factor import REMEMBER_COOKIE
from tests.factories import PASSWORD, FlightFactory, make_user
from tests.htmx import HTMX
from tests.scenarios import family_on_flight
from tests.second_factor import app_of, fresh_code, secret_of, totp_code
from tests.test_url_permissions import PORT_SCOPED, SIGNED_IN, url_for

pytestmark = pytest.mark.django_db

VERIFY = "/accounts/second-factor/"
SETUP = "/accounts/second-factor/setup/"


def sign_in(client, username):
    """The password only, through the login form (throttled, like a person)."""
    response = client.post("/accounts/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response


def events(action, user):
    return list(AuditEvent.objects.for_object(user).filter(action=action))


@pytest.fixture
def admin_user(db):
    return make_user("root", is_staff=True, is_superuser=True)


# --- Who is asked, where ------------------------------------------------------------------------


def test_an_officer_is_asked_to_enrol_on_every_protected_page(client, atl_officer):
    sign_in(client, "atl.officer")
    atl = Port.objects.get(iata="ATL")
    own_pages = {"logout", "second_factor", "second_factor_setup", "second_factor_recovery_codes"}
    names = sorted((SIGNED_IN | set(PORT_SCOPED)) - own_pages)
    for name in names:
        url = url_for(name, atl)
        for method in ("get", "post"):  # before any view (a POST-only one answers GET too)
            response = getattr(client, method)(url)
            assert response.status_code == 302, f"{method.upper()} {url}: {response.status_code}"
            assert response["Location"].startswith(SETUP), f"{method.upper()} {url}"
    assert not AuditEvent.objects.filter(action="poe.personal_data.viewed").exists()


def test_django_admin_asks_an_administrator_for_the_code_too(client, admin_user):
    app_of(admin_user)
    sign_in(client, "root")
    response = client.get("/admin/auth/user/")
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY}?next=%2Fadmin%2Fauth%2Fuser%2F"


@pytest.mark.parametrize("who", ["atl_senior", "dc_ops", "jfk_officer"])
def test_senior_associates_hq_and_officers_are_asked(client, request, who):
    user = request.getfixturevalue(who)
    sign_in(client, user.username)
    assert client.get("/").headers["Location"].startswith(SETUP)


def test_an_associate_on_a_shared_tablet_is_not_asked(client, atl_associate):
    sign_in(client, "atl.associate")
    assert client.get("/").headers["Location"] == "/ports/ATL/today/"
    assert client.get("/ports/ATL/today/").status_code == 200
    assert not TOTPDevice.objects.filter(user=atl_associate).exists()


def test_an_htmx_request_gets_401_for_the_sign_in_dialog_not_a_page_in_its_place(
    client, atl_officer
):
    app_of(atl_officer)
    sign_in(client, "atl.officer")
    response = client.get("/ports/ATL/today/", **HTMX)
    assert response.status_code == 401
    assert (response["X-POE-Signed-Out"], response["X-POE-Second-Factor"]) == ("1", "code")
    assert "HX-Redirect" not in response
    assert "<form" not in response.content.decode()


def test_the_code_page_shows_no_navigation(client, atl_officer):
    app_of(atl_officer)
    sign_in(client, "atl.officer")
    page = client.get(VERIFY).content.decode()
    assert 'aria-label="Main"' not in page
    assert "Sign out" in page


# --- Enrolment ----------------------------------------------------------------------------------


def test_an_officer_enrols_an_app_on_first_sign_in(client, atl_officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code first; no waiting after it here
    sign_in(client, "atl.officer")
    page = client.get(SETUP + "?next=/ports/ATL/today/").content.decode()
    assert "<svg" in page and "QR code for POE Ops" in page
    shown = re.search(r'class="secret-key"><code>([A-Z2-7 ]+)</code>', page)
    assert shown is not None
    secret = shown.group(1)
    assert secret.replace(" ", "") == secret_of(TOTPDevice.objects.get(user=atl_officer))
    assert client.get(SETUP).content.decode().count(secret) == 1, "reloading keeps the secret"

    wrong = client.post(SETUP, {"code": "000000", "next": "/ports/ATL/today/"})
    assert wrong.status_code == 400
    assert "not the one your app shows now" in wrong.content.decode()
    assert client.get("/ports/ATL/today/").status_code == 302

    done = client.post(SETUP, {"code": totp_code(secret), "next": "/ports/ATL/today/"})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert 'href="/ports/ATL/today/"' in done.content.decode()
    assert client.get("/ports/ATL/today/").status_code == 200
    assert TOTPDevice.objects.get(user=atl_officer).confirmed
    assert len(events("poe.second_factor.enrolled", atl_officer)) == 1
    assert len(events("poe.second_factor.refused", atl_officer)) == 1


def test_an_enrolled_person_cannot_add_a_second_app_over_the_first(client, atl_officer):
    device = app_of(atl_officer)
    sign_in(client, "atl.officer")
    assert client.get(SETUP).headers["Location"].startswith(VERIFY)
    assert TOTPDevice.objects.filter(user=atl_officer).get() == device


# --- Signing in with a code ---------------------------------------------------------------------


def test_an_officer_signs_in_with_the_code_of_their_app(client, atl_officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = app_of(atl_officer)
    sign_in(client, "atl.officer")
    landing = client.get("/")
    assert landing["Location"] == f"{VERIFY}?next=%2F"
    wrong = client.post(VERIFY, {"code": "123456", "next": "/"})
    assert wrong.status_code == 400
    assert "That code is not right" in wrong.content.decode()
    right = client.post(VERIFY, {"code": fresh_code(device), "next": "/ports/ATL/today/"})
    assert right["Location"] == "/ports/ATL/today/"
    assert client.get("/ports/ATL/today/").status_code == 200
    (verified,) = events("poe.second_factor.verified", atl_officer)
    assert verified.data == {"method": "app"}
    assert events("poe.second_factor.refused", atl_officer)[0].data == {"during": "sign-in"}


def test_a_code_is_taken_once(client, atl_officer, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    device = app_of(atl_officer)
    code = fresh_code(device)
    sign_in(client, "atl.officer")
    assert client.post(VERIFY, {"code": code})["Location"] == "/"
    other = type(client)()
    sign_in(other, "atl.officer")
    assert other.post(VERIFY, {"code": code}).status_code == 400


def test_it_goes_only_to_a_page_of_this_site_afterwards(client, atl_officer):
    device = app_of(atl_officer)
    sign_in(client, "atl.officer")
    response = client.post(VERIFY, {"code": fresh_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_wrong_codes_slow_down(client, atl_officer):
    device = app_of(atl_officer)
    sign_in(client, "atl.officer")
    for _ in range(3):
        client.post(VERIFY, {"code": "000000"})
    refused = client.post(VERIFY, {"code": fresh_code(device)})
    assert refused.status_code == 400
    assert "Too many wrong codes. Wait" in refused.content.decode()
    assert client.get("/ports/ATL/today/").status_code == 302


def test_a_recovery_code_signs_in_once_and_says_how_many_are_left(client, atl_officer):
    sign_in(client, "atl.officer")
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=atl_officer)
    page = client.post(SETUP, {"code": fresh_code(device)}).content.decode()
    code = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)[0]
    client.post("/accounts/logout/")

    sign_in(client, "atl.officer")
    assert client.post(VERIFY, {"code": code.upper()[:4] + "-" + code[4:]})["Location"] == "/"
    verified = events("poe.second_factor.verified", atl_officer)[0]
    assert verified.data == {"method": "recovery_code", "recovery_codes_left": 9}
    assert StaticToken.objects.filter(device__user=atl_officer).count() == 9
    client.post("/accounts/logout/")
    sign_in(client, "atl.officer")
    assert client.post(VERIFY, {"code": code}).status_code == 400


def test_a_recovery_code_made_only_of_digits_still_signs_in(client, atl_officer):
    from django_otp.plugins.otp_static.models import StaticDevice

    app_of(atl_officer)
    device = StaticDevice.objects.create(user=atl_officer, name="Recovery codes")
    device.token_set.create(token="23456723")
    sign_in(client, "atl.officer")
    assert client.post(VERIFY, {"code": "2345 6723"})["Location"] == "/"


def test_new_recovery_codes_replace_the_old_ones(client, atl_officer):
    client.force_login(atl_officer)
    assert (
        "You have 0 recovery codes left"
        in client.get("/accounts/second-factor/recovery-codes/").content.decode()
    )
    page = client.post("/accounts/second-factor/recovery-codes/").content.decode()
    assert len(re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page)) == 10
    assert "Your old codes no longer work" in page
    assert len(events("poe.second_factor.recovery_codes_renewed", atl_officer)) == 1


# --- A browser remembered for the shift ---------------------------------------------------------


def test_a_remembered_browser_skips_the_code_for_the_rest_of_the_shift(client, atl_officer):
    device = app_of(atl_officer)
    sign_in(client, "atl.officer")
    response = client.post(VERIFY, {"code": fresh_code(device), "remember": "on"})
    cookie = response.cookies[REMEMBER_COOKIE]
    assert cookie["max-age"] == 12 * 3600
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    client.post("/accounts/logout/")

    sign_in(client, "atl.officer")
    assert client.get("/").headers["Location"] == "/ports/ATL/today/"
    assert events("poe.second_factor.verified", atl_officer)[0].data == {
        "method": "remembered_browser"
    }


def test_a_remembered_browser_lasts_a_shift_at_most(client, atl_officer, settings):
    settings.POE_SECOND_FACTOR_REMEMBER_HOURS = 48
    device = app_of(atl_officer)
    sign_in(client, "atl.officer")
    response = client.post(VERIFY, {"code": fresh_code(device), "remember": "on"})
    assert response.cookies[REMEMBER_COOKIE]["max-age"] == settings.SESSION_MAX_HOURS * 3600


def test_a_browser_remembered_for_one_person_does_not_spare_another(
    client, atl_officer, jfk_officer
):
    device = app_of(atl_officer)
    app_of(jfk_officer)
    sign_in(client, "atl.officer")
    client.post(VERIFY, {"code": fresh_code(device), "remember": "on"})
    client.post("/accounts/logout/")
    sign_in(client, "jfk.officer")
    assert client.get("/").headers["Location"].startswith(VERIFY)


def test_a_forged_remember_cookie_is_ignored(client, atl_officer):
    app_of(atl_officer)
    client.cookies[REMEMBER_COOKIE] = '{"u": 1, "d": "otp_totp.totpdevice/1"}'
    sign_in(client, "atl.officer")
    assert client.get("/").headers["Location"].startswith(VERIFY)


# --- An administrator's reset -------------------------------------------------------------------


def test_an_administrator_resets_a_lost_phone_and_it_is_audited(client, atl_officer, admin_user):
    device = app_of(atl_officer)
    officer = type(client)()
    sign_in(officer, "atl.officer")
    remembered = officer.post(VERIFY, {"code": fresh_code(device), "remember": "on"})
    assert officer.get("/ports/ATL/today/").status_code == 200

    client.force_login(admin_user)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [atl_officer.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=atl_officer).exists()
    (reset,) = events("poe.second_factor.reset", atl_officer)
    assert reset.actor == admin_user
    assert reset.data == {"devices": 1, "sessions_ended": 1}

    # The officer's session is over, and the remembered browser is not any more.
    assert officer.get("/ports/ATL/today/")["Location"].startswith("/accounts/login/")
    officer.cookies[REMEMBER_COOKIE] = remembered.cookies[REMEMBER_COOKIE].value
    sign_in(officer, "atl.officer")
    assert officer.get("/").headers["Location"].startswith(SETUP)


def test_administrators_cannot_read_anyones_authenticator_secret(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# --- Disabled accounts --------------------------------------------------------------------------


def test_disabling_an_account_ends_its_sessions_for_good(client, atl_associate):
    client.force_login(atl_associate)
    assert client.get("/ports/ATL/today/").status_code == 200
    atl_associate.is_active = False
    atl_associate.save()
    atl_associate.is_active = True
    atl_associate.save()
    response = client.get("/ports/ATL/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- The tablet's sign-in dialog (static/js/signin.js) --------------------------------------------


@pytest.fixture
def on_flight(atl):
    flight = FlightFactory.create(port=atl)
    _case, (person,) = family_on_flight(atl, flight, size=1)
    return flight, person


def tap(client, person, flight):
    return client.post(
        f"/ports/ATL/individuals/{person.pk}/step/",
        {"step": "met", "key": new_key(), "flight": flight.pk},
        **HTMX,
    )


def dialog(client, token, **fields):
    return client.post(
        "/accounts/session/",
        {f"signin-{name}": value for name, value in fields.items()},
        HTTP_X_CSRFTOKEN=token,
        HTTP_X_REQUESTED_WITH="XMLHttpRequest",
    )


def lapse(client):
    """The session keeps its password sign-in but no longer its second factor."""
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()


@pytest.mark.parametrize("how", ["password only", "lapsed"])
def test_a_tap_without_the_second_factor_gets_401_asking_for_the_code_and_is_not_recorded(
    client, atl_officer, on_flight, how
):
    flight, person = on_flight
    app_of(atl_officer)
    if how == "password only":
        sign_in(client, "atl.officer")
    else:
        client.force_login(atl_officer)  # past the second factor (tests/second_factor.py)
        assert client.get(f"/ports/ATL/flights/{flight.pk}/", **HTMX).status_code == 200
        lapse(client)
    response = tap(client, person, flight)
    assert response.status_code == 401
    assert response["X-POE-Signed-Out"] == "1"
    assert response["X-POE-Second-Factor"] == "code"
    assert response["Content-Type"].startswith("text/plain")
    assert "code your authenticator app shows" in response.content.decode()
    assert not StepEvent.objects.exists()
    assert Individual.objects.get(pk=person.pk).current_step == "expected"


def test_a_tap_of_someone_who_has_no_app_yet_says_to_set_it_up(client, atl_officer, on_flight):
    flight, person = on_flight
    sign_in(client, "atl.officer")
    response = tap(client, person, flight)
    assert (response.status_code, response["X-POE-Second-Factor"]) == (401, "setup")
    assert "set it up on the sign-in page" in response.content.decode()
    assert not StepEvent.objects.exists()
    state = client.get("/accounts/session/").json()
    assert (state["authenticated"], state["second_factor"]) == (False, "setup")


def test_the_dialog_signs_in_with_the_password_then_the_code_and_the_tap_goes_through(
    atl_officer, on_flight, settings
):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    flight, person = on_flight
    device = app_of(atl_officer)
    client = Client(enforce_csrf_checks=True)
    token = client.get("/accounts/session/").json()["csrf_token"]

    password = dialog(client, token, username="atl.officer", password=PASSWORD)
    assert password.status_code == 200
    state = password.json()
    assert (state["authenticated"], state["second_factor"]) == (False, "code")
    assert state["user"] == atl_officer.pk
    token = state["csrf_token"]
    assert tap_with(client, token, person, flight).status_code == 401, "no tap before the code"

    wrong = dialog(client, token, username="atl.officer", password="", code="000000")
    assert wrong.status_code == 400
    assert wrong.json()["second_factor"] == "code"
    assert wrong.json()["errors"] == [
        "Code: That code is not right. Type the six digits your authenticator app shows now, "
        "or one of your recovery codes."
    ]
    assert not StepEvent.objects.exists()

    right = dialog(client, token, username="atl.officer", password="", code=fresh_code(device))
    assert right.status_code == 200
    assert right.json()["authenticated"] is True and right.json()["second_factor"] == ""
    answer = tap_with(client, right.json()["csrf_token"], person, flight)
    assert answer.status_code == 200
    event = StepEvent.objects.get()
    assert (event.individual_id, event.to_step, event.actor) == (person.pk, "met", atl_officer)
    assert [e.data for e in events("poe.second_factor.verified", atl_officer)] == [
        {"method": "app"}
    ]
    assert events("poe.second_factor.refused", atl_officer)[0].data == {"during": "sign-in"}


def tap_with(client, token, person, flight):
    return client.post(
        f"/ports/ATL/individuals/{person.pk}/step/",
        {"step": "met", "key": new_key(), "flight": flight.pk},
        HTTP_X_CSRFTOKEN=token,
        **HTMX,
    )


def test_the_dialog_takes_the_password_and_the_code_in_one_go(atl_officer):
    device = app_of(atl_officer)
    client = Client()
    answer = client.post(
        "/accounts/session/",
        {"signin-username": "atl.officer", "signin-password": PASSWORD,
         "signin-code": fresh_code(device)},
    )  # fmt: skip
    assert answer.status_code == 200
    assert answer.json()["authenticated"] is True
    assert client.get("/ports/ATL/today/").status_code == 200


def test_a_lapsed_second_factor_is_passed_in_the_dialog_with_the_code_alone(
    client, atl_officer, on_flight
):
    flight, person = on_flight
    device = app_of(atl_officer)
    client.force_login(atl_officer)
    lapse(client)
    assert client.get("/accounts/session/").json()["second_factor"] == "code"
    empty = client.post("/accounts/session/", {"signin-code": ""})
    assert empty.status_code == 400
    assert empty.json()["errors"] == [
        "Code: Type the six digits your authenticator app shows, or a recovery code."
    ]
    answer = client.post("/accounts/session/", {"signin-code": fresh_code(device)})
    assert answer.json()["authenticated"] is True
    assert tap(client, person, flight).status_code == 200
    assert StepEvent.objects.count() == 1


def test_an_associate_signs_in_from_the_dialog_with_the_password_alone(atl_associate):
    client = Client()
    answer = client.post(
        "/accounts/session/", {"signin-username": "atl.associate", "signin-password": PASSWORD}
    )
    assert answer.json()["authenticated"] is True and answer.json()["second_factor"] == ""


def test_the_dialog_holds_the_code_field_hidden_until_the_server_asks(client, atl_officer):
    client.force_login(atl_officer)
    html = client.get("/ports/ATL/today/").content.decode()
    step = re.search(r'<div id="signin-code-step" hidden>(.*?)</div>\s*</div>', html, re.S)
    assert step is not None
    assert 'name="signin-code"' in step.group(1)
    assert 'autocomplete="one-time-code"' in step.group(1)
