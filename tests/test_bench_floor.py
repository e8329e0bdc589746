"""The benchmark floor view lives only in the benchmark URLconf, never in production's."""

from __future__ import annotations

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

from bench import urls as bench_urls


def test_it_has_no_floor_in_the_production_urlconf():
    with pytest.raises(Resolver404):
        resolve("/" + bench_urls.FLOOR_PATH)
    with pytest.raises(NoReverseMatch):
        reverse("bench_floor")


def test_it_adds_the_floor_to_the_project_urls_in_the_bench_urlconf():
    assert resolve("/" + bench_urls.FLOOR_PATH, urlconf="bench.urls").func is bench_urls.floor
    assert resolve("/board/", urlconf="bench.urls").url_name == "board"


def test_it_points_the_bench_settings_at_the_bench_urlconf():
    from bench import settings as bench_settings

    assert bench_settings.ROOT_URLCONF == "bench.urls"


@pytest.mark.django_db
def test_it_refuses_the_floor_to_anyone_signed_out(client, settings):
    settings.ROOT_URLCONF = "bench.urls"
    response = client.post("/" + bench_urls.FLOOR_PATH)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_updates_the_signed_in_users_row(client, settings, atl_associate):
    settings.ROOT_URLCONF = "bench.urls"
    client.force_login(atl_associate)
    atl_associate.refresh_from_db()
    before = atl_associate.last_login
    response = client.post("/" + bench_urls.FLOOR_PATH)
    atl_associate.refresh_from_db()
    assert response.status_code == 200
    assert atl_associate.last_login > before
