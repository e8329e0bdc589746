"""A tablet is given a short name once ("ATL tablet 3"); every step tapped on it records that
name, and the step history shows it instead of a browser's user-agent string."""

from __future__ import annotations

import pytest

from arrivals.models import StepEvent
from poe_ops.http import clean_device_label, describe_user_agent, device_label
from poe_ops.keys import new_key
from tests.factories import FlightFactory
from tests.htmx import HTMX
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db

ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)


def name_tablet(client, name, next_url="/ports/ATL/today/"):
    return client.post("/device/", {"name": name, "next": next_url})


def test_a_tablet_named_once_records_its_name_with_every_step(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl)
    case, (person,) = family_on_flight(atl, flight, size=1)
    client.force_login(atl_associate)
    response = name_tablet(client, "  ATL tablet 3 ")
    assert response.status_code == 302
    assert response["Location"] == "/ports/ATL/today/"
    cookie = response.cookies["poe_device"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert "ATL tablet 3" in client.get("/ports/ATL/today/").content.decode()

    client.post(
        f"/ports/ATL/individuals/{person.pk}/step/",
        {"step": "met", "key": new_key(), "flight": flight.pk},
        HTTP_USER_AGENT=ANDROID_CHROME,
        **HTMX,
    )
    assert StepEvent.objects.get().device == "ATL tablet 3"
    history = client.get(f"/cases/{case.case_number}/").content.decode()
    assert '<span class="device">ATL tablet 3</span>' in history
    assert "Mozilla" not in history


def test_an_unnamed_tablet_is_recorded_in_a_few_words(client, atl, atl_associate):
    flight = FlightFactory.create(port=atl)
    _case, (person,) = family_on_flight(atl, flight, size=1)
    client.force_login(atl_associate)
    html = client.get("/ports/ATL/today/").content.decode()
    assert "Name this tablet" in html
    client.post(
        f"/ports/ATL/individuals/{person.pk}/step/",
        {"step": "met", "key": new_key(), "flight": flight.pk},
        HTTP_USER_AGENT=ANDROID_CHROME,
        **HTMX,
    )
    assert StepEvent.objects.get().device == "Unnamed · Chrome on Android"


def test_a_blank_name_is_refused_in_words_and_changes_nothing(client, atl_associate):
    client.force_login(atl_associate)
    response = name_tablet(client, "  \t ")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "poe_device" not in response.cookies
    # A control character is refused before the form, like in every input (issue 19).
    response = name_tablet(client, "  \x00\t ")
    assert response.status_code == 400
    assert "The text in “name” contains a control character" in response.content.decode()
    assert "Nothing was saved" in response.content.decode()
    assert "poe_device" not in response.cookies


def test_a_name_is_kept_short_and_free_of_control_characters():
    assert clean_device_label("ATL\x07 tablet\n3") == "ATL tablet 3"
    assert clean_device_label("50%20off") == "50%20off"  # typed text is kept as typed
    assert len(clean_device_label("x" * 200)) == 40


def test_the_name_page_goes_back_only_to_a_page_of_this_site(client, atl_associate):
    client.force_login(atl_associate)
    assert name_tablet(client, "T1", "https://evil.example/")["Location"] == "/"
    step_url = "/ports/ATL/individuals/1/step/"
    assert name_tablet(client, "T1", step_url)["Location"] == "/"


def test_old_user_agent_strings_are_shown_in_words():
    assert describe_user_agent(ANDROID_CHROME) == "Chrome on Android"
    ipad = (
        "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 "
        "Safari/604.1"
    )
    assert device_label(ipad) == "Safari on iPad"
    assert device_label("ATL tablet 3") == "ATL tablet 3"
    assert device_label("") == ""
