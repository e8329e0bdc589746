"""Search: by name (accents and capitals ignored), case number, ABN or flight, in one's ports."""

from __future__ import annotations

import pytest

from arrivals.queries.search import search_cases
from tests.factories import CaseFactory, FlightFactory, IndividualFactory
from tests.htmx import HTMX

pytestmark = pytest.mark.django_db


@pytest.fixture
def atl_family(atl):
    case = CaseFactory.create(port=atl, case_number="AF123456", abn_number="ABN778899")
    IndividualFactory.create(case=case, given_names="Béatrice", surname="Nyiramana")
    IndividualFactory.create(case=case, given_names="Jean-Claude", surname="Habimana", sex="M")
    flight = FlightFactory.create(port=atl, carrier="QR", number="747")
    case.segments.create(flight=flight, direction="inbound")
    return case


def search(client, iata, q, **headers):
    return client.post(f"/ports/{iata}/search/", {"q": q}, **headers)


def found(outcome) -> list[str]:
    return [result.case.case_number for result in outcome.results]


def test_it_finds_a_surname_typed_in_lower_case(atl_associate, atl_family):
    assert found(search_cases(atl_associate, "nyiramana")) == ["AF123456"]


def test_it_finds_an_accented_name_typed_without_accents(atl_associate, atl_family):
    assert found(search_cases(atl_associate, "beatrice")) == ["AF123456"]


def test_it_finds_given_name_and_surname_in_any_order(atl_associate, atl_family):
    assert found(search_cases(atl_associate, "Nyiramana BEATRICE")) == ["AF123456"]


def test_it_finds_a_case_by_case_number(atl_associate, atl_family):
    assert found(search_cases(atl_associate, "af123456")) == ["AF123456"]


def test_it_finds_a_case_by_abn(atl_associate, atl_family):
    assert found(search_cases(atl_associate, "ABN778899")) == ["AF123456"]


@pytest.mark.parametrize("query", ["QR747", "qr 747", "747"])
def test_it_finds_a_case_by_flight(atl_associate, atl_family, query):
    assert found(search_cases(atl_associate, query)) == ["AF123456"]


def test_a_jfk_user_never_finds_an_atl_case(jfk_associate, atl_family):
    for query in ("nyiramana", "AF123456", "ABN778899", "QR747"):
        outcome = search_cases(jfk_associate, query)
        assert outcome.results == []
        assert outcome.message == f"Nothing found for “{query}”."


def test_hq_finds_cases_in_the_ports_its_office_oversees(dc_ops, ny_ops, atl_family):
    assert found(search_cases(dc_ops, "nyiramana")) == ["AF123456"]
    assert found(search_cases(ny_ops, "nyiramana")) == []


def test_an_empty_query_asks_for_something_to_search(atl_associate, atl_family):
    outcome = search_cases(atl_associate, "   ")
    assert outcome.results == []
    assert "Type a name" in outcome.message


def test_the_page_shows_the_results_with_flight_step_and_link(client, atl_associate, atl_family):
    client.force_login(atl_associate)
    response = search(client, "ATL", "beatrice")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Béatrice Nyiramana" in html
    assert "Jean-Claude Habimana" in html
    assert "QR747" in html
    assert "Expected" in html
    assert 'href="/cases/AF123456/"' in html


def test_an_htmx_search_renders_only_the_results(client, atl_associate, atl_family):
    client.force_login(atl_associate)
    html = search(client, "ATL", "747", **HTMX).content.decode()
    assert "AF123456" in html
    assert "<html" not in html
    assert 'role="search"' not in html


def test_nothing_found_says_so(client, atl_associate, atl_family):
    client.force_login(atl_associate)
    html = search(client, "ATL", "Zzyzx", **HTMX).content.decode()
    assert "Nothing found for “Zzyzx”." in html


def test_a_get_shows_the_empty_search_box(client, atl_associate):
    client.force_login(atl_associate)
    html = client.get("/ports/ATL/search/").content.decode()
    assert 'role="search"' in html
    assert 'method="post"' in html
    assert 'hx-post="/ports/ATL/search/"' in html


def test_the_search_is_never_in_the_url(client, atl_associate, atl_family):
    client.force_login(atl_associate)
    response = client.get("/ports/ATL/search/", {"q": "nyiramana"})
    assert "Nyiramana" not in response.content.decode()


def test_another_ports_user_gets_404_for_the_search_page(client, jfk_associate, atl):
    client.force_login(jfk_associate)
    assert search(client, "ATL", "nyiramana").status_code == 404
