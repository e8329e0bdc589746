"""A refusal no view showed in place is still answered in words, with its status: never a raw
error, never a login page swapped into a row."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import path

from poe_ops.keys import check_key, derive, new_key
from poe_ops.refusals import Conflict, Refusal
from tests.htmx import HTMX
from tests.urlconf import urlconf_with

pytestmark = pytest.mark.django_db


def refuse(request):
    raise Refusal("The hotel <b>Sunrise</b> is no longer in use at ATL; choose another.")


def conflict(request):
    raise Conflict("Timesheet October 2026 was already approved by Grace Mwangi at 14:02.")


def invalid(request):
    raise ValidationError({"last_day": "The last day of leave is before the first."})


@pytest.fixture
def refusing_urls(settings):
    settings.ROOT_URLCONF = urlconf_with(
        path("__refuse__", refuse), path("__conflict__", conflict), path("__invalid__", invalid)
    )


def test_a_refusal_is_a_page_in_words(client, atl_associate, refusing_urls):
    client.force_login(atl_associate)
    response = client.get("/__refuse__")
    assert response.status_code == 400
    page = response.content.decode()
    assert "is no longer in use at ATL; choose another." in page
    assert "&lt;b&gt;Sunrise&lt;/b&gt;" in page  # user text stays text
    assert "Go to my start page" in page


def test_an_htmx_refusal_goes_to_the_announcer_and_touches_nothing_else(
    client, atl_associate, refusing_urls
):
    client.force_login(atl_associate)
    response = client.get("/__refuse__", **HTMX)
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#announcer"
    assert response["HX-Reswap"] == "innerHTML"
    body = response.content.decode()
    assert body.startswith('<p class="refusal" role="alert">')
    assert "<html" not in body


def test_someone_else_first_is_a_409_that_says_who(client, atl_associate, refusing_urls):
    client.force_login(atl_associate)
    response = client.get("/__conflict__")
    assert response.status_code == 409
    assert "already approved by Grace Mwangi at 14:02" in response.content.decode()


def test_a_stray_validation_error_is_answered_in_words(client, atl_associate, refusing_urls):
    client.force_login(atl_associate)
    response = client.get("/__invalid__", **HTMX)
    assert response.status_code == 400
    assert "The last day of leave is before the first." in response.content.decode()


def test_the_page_lets_htmx_swap_refusals_but_not_other_errors(client, atl_associate):
    client.force_login(atl_associate)
    page = client.get("/ports/ATL/today/").content.decode()
    assert '"code": "(400|409|422|429)", "swap": true' in page
    assert '"code": "[45]..", "swap": false, "error": true' in page
    assert 'id="announcer"' in page


def test_one_key_format_for_forms_taps_and_derived_records():
    key = new_key()
    assert check_key(key) == key
    assert check_key(derive(key, "hotel")) == f"{key}:hotel"
    for bad in ("", "short", "has spaces in it", "x" * 49, f"{key}:" + "p" * 40):
        with pytest.raises(Refusal) as refused:
            check_key(bad)
        assert refused.value.code == "bad_key"
        assert "reload the page" in refused.value.message
