"""Baseline hardening (OWASP ASVS level 2): throttling, CSP, caching, cookies, sessions, errors."""

from __future__ import annotations

import time

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from poe_ops.middleware import LAST_SEEN_AT, LOGGED_IN_AT
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def attempt(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


# --- Login throttling --------------------------------------------------------------------------


def test_a_brute_forced_account_is_locked_out(client, settings, atl_associate):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "atl.associate", "guess")
    response = attempt(client, "atl.associate", PASSWORD)
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    assert "30 minutes" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_lockout_does_not_lock_out_everyone(client, settings, atl_associate, jfk_associate):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, "atl.associate", "guess")
    # Another account from the same airport network still signs in.
    assert attempt(client, "jfk.associate", PASSWORD).status_code == 302
    client.post("/accounts/logout/")
    # The same account from another device still signs in.
    assert attempt(client, "atl.associate", PASSWORD, ip="10.0.0.2").status_code == 302


# --- Content-Security-Policy ------------------------------------------------------------------


def test_pages_carry_a_strict_content_security_policy(client, atl_associate):
    client.force_login(atl_associate)
    response = client.get("/ports/ATL/today/")
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_pages_have_no_inline_script_or_style(client, atl_associate):
    client.force_login(atl_associate)
    html = client.get("/ports/ATL/today/").content.decode()
    import re

    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, f"inline script: {tag}"
    assert "<style" not in html
    assert " style=" not in html
    assert "hx-on" not in html
    assert '"includeIndicatorStyles": false' in html  # htmx must not inject a <style>


# --- Caching -----------------------------------------------------------------------------------


def test_authenticated_pages_are_never_stored(client, atl_associate):
    client.force_login(atl_associate)
    cache_control = client.get("/ports/ATL/today/")["Cache-Control"]
    assert "no-store" in cache_control
    assert "private" in cache_control


# --- Cookies and transport ---------------------------------------------------------------------


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, atl_associate):
    client.get("/accounts/login/")
    response = attempt(client, "atl.associate", PASSWORD)
    session = response.cookies["sessionid"]
    csrf = response.cookies["csrftoken"]
    for cookie in (session, csrf):
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_hsts_is_sent_on_https(client):
    response = client.get("/accounts/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_frames_and_sniffing_are_refused(client):
    response = client.get("/accounts/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- Sessions ----------------------------------------------------------------------------------


def test_the_session_is_rotated_at_login(client, atl_associate):
    session = client.session
    session["before_login"] = True
    session.save()
    before = session.session_key
    attempt(client, "atl.associate", PASSWORD)
    assert client.session.session_key != before
    assert client.session["before_login"] is True  # same data, new key


def test_a_session_is_dead_after_logout(client, atl_associate):
    attempt(client, "atl.associate", PASSWORD)
    stolen = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    client.cookies["sessionid"] = stolen
    response = client.get("/ports/ATL/today/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_logout_only_by_post(client, atl_associate):
    client.force_login(atl_associate)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.get("/ports/ATL/today/").status_code == 200


def _age_session(client, *, idle_seconds=0, age_seconds=0):
    session = client.session
    now = time.time()
    session[LAST_SEEN_AT] = now - idle_seconds
    session[LOGGED_IN_AT] = now - age_seconds
    session.save()


def test_an_idle_session_times_out(client, settings, atl_associate):
    attempt(client, "atl.associate", PASSWORD)
    _age_session(client, idle_seconds=settings.SESSION_IDLE_MINUTES * 60 - 30)
    assert client.get("/ports/ATL/today/").status_code == 200
    _age_session(client, idle_seconds=settings.SESSION_IDLE_MINUTES * 60 + 30)
    response = client.get("/ports/ATL/today/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/ports/ATL/today/"
    assert "signed out after a period without activity" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_session_outlives_a_shift_even_when_busy(client, settings, atl_associate):
    attempt(client, "atl.associate", PASSWORD)
    _age_session(client, idle_seconds=5, age_seconds=settings.SESSION_MAX_HOURS * 3600 + 60)
    response = client.get("/ports/ATL/today/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_idle_timeout_suits_a_shift(settings):
    # Long enough to wait out a late flight between arrivals; never past a 12-hour shift.
    assert 30 <= settings.SESSION_IDLE_MINUTES <= 120
    assert settings.SESSION_COOKIE_AGE <= 13 * 3600


# --- Error pages -------------------------------------------------------------------------------


def test_not_found_is_a_generic_page(client, atl_associate):
    client.force_login(atl_associate)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "There is nothing here, or you cannot see it." in content
    assert "Traceback" not in content and "urlpatterns" not in content.lower()


def test_a_server_error_is_a_generic_page(client, atl_associate, settings):
    from django.test import override_settings
    from django.urls import path

    from tests.urlconf import urlconf_with

    def boom(request):
        raise RuntimeError("secret internals: database password is hunter2")

    module = urlconf_with(path("boom/", boom))
    client.raise_request_exception = False
    client.force_login(atl_associate)
    with override_settings(ROOT_URLCONF=module):
        response = client.get("/boom/")
    assert response.status_code == 500
    content = response.content.decode()
    assert "Something went wrong" in content
    assert "hunter2" not in content and "RuntimeError" not in content


def test_csrf_failure_says_nothing_was_saved(atl_associate):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(atl_associate)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Nothing was saved" in response.content.decode()


# --- No personal data in URLs ------------------------------------------------------------------

# Path parameters may carry only identifiers that are not personal data: port codes, case
# numbers (an ABN reference, not a name), and opaque ids. A search term or a name never goes in a
# path; forms that search post their query.
# "key" names a kind of approval (incident, timesheet); "attachment_pk" is an opaque id;
# "month" is YYYY-MM; "step" names an arrival step (cases.steps.ArrivalStep).
ALLOWED_URL_PARAMETERS = {
    "iata",
    "side",  # which signature of a custody record: from or to
    "case_number",
    "pk",
    "token",
    "kind",
    "key",
    "attachment_pk",
    "month",
    "rate_pk",
    "credential_pk",
    "night",
    "step",
    "table",  # which statistics table: ports, agency, nationality, …
    "fmt",  # csv or xlsx
}


def _patterns(resolvers, prefix=""):
    for entry in resolvers:
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            yield from _patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def test_no_url_takes_personal_data_as_a_parameter():
    import re

    for route, _entry in _patterns(get_resolver().url_patterns):
        for name in re.findall(r"<(?:\w+:)?(\w+)>", route):
            assert name in ALLOWED_URL_PARAMETERS, f"{route} takes {name!r} in its path"


def test_the_login_form_never_puts_credentials_in_the_url(client):
    html = client.get("/accounts/login/").content.decode()
    assert 'method="post"' in html
