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


@pytest.mark.django_db
def test_the_bench_application_tells_each_answers_time_in_the_application():
    """bench/wsgi.py: the check-in's rate is judged by these times (bench/checkin.py)."""
    from wsgiref.util import setup_testing_defaults

    from bench.load import APP_SECONDS
    from bench.wsgi import application

    environ: dict[str, object] = {"PATH_INFO": "/accounts/login/", "REQUEST_METHOD": "GET"}
    setup_testing_defaults(environ)
    environ["HTTP_HOST"] = "localhost"
    answered: list[tuple[str, list[tuple[str, str]]]] = []
    body = b"".join(
        application(environ, lambda status, headers, *_: answered.append((status, headers)))
    )
    ((status, headers),) = answered
    timing = dict(headers)[APP_SECONDS]
    assert status.startswith("200"), (status, body)
    assert 0 < float(timing) < 30


def test_the_check_in_load_deals_whole_families_evenly_to_the_clients():
    """bench/checkin.py: each client taps families of its own (never another client's
    person), and the shares differ by less than a family, so every client has its rounds'
    people."""
    from bench.checkin import checkin_task, dealt
    from bench.load import Session

    sizes = [9, 1, 1, 2, 5, 3, 3, 4, 1, 2, 6, 2, 1, 1, 7, 2, 3, 1, 2, 4]
    expected = {
        case: [(case * 100 + n, 1) for n in range(size)] for case, size in enumerate(sizes, 1)
    }
    shares = dealt(expected, 4)
    everyone = [pk for share in shares for pk, _flight in share]
    assert sorted(everyone) == sorted(pk for people in expected.values() for pk, _f in people)
    for share in shares:
        cases = {pk // 100 for pk, _flight in share}
        assert len(share) == sum(sizes[case - 1] for case in cases)  # whole families
        assert [pk // 100 for pk, _f in share] == sorted(pk // 100 for pk, _f in share)
    lengths = [len(share) for share in shares]
    assert max(lengths) - min(lengths) < max(sizes)
    sessions = [Session(port=1) for _ in range(4)]
    assert len(checkin_task(sessions, expected, people_per_client=min(lengths))(0)) == 2 * min(
        lengths
    )
    with pytest.raises(RuntimeError, match="not enough people"):
        checkin_task(sessions, expected, people_per_client=min(lengths) + 1)
