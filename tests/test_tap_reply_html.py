"""What a tap answers, to the character (whitespace aside): the person's row and the case's
"All N →" buttons out of band, for the states a tablet meets at night — met, CBP secondary,
bags through their small form, a URM without an escort, a connection with two onward legs, an
undo — and the same tap answered on the case page and in search results.

The replies are compared with copies kept in ``tests/golden/tap_replies/``, taken from the
templates before their rendering was made faster (issue 20): the buttons, links, forms and words
a user gets must not change with it. The copies hold keys, CSRF tokens and clock times
normalised; the records' ids are fixed by starting their sequences at known values. After a
deliberate change to what a row shows, write them again with ``POE_WRITE_GOLDEN=1`` and read
the diff."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from django.db import connection

from arrivals.models import Flight, Segment, StepEvent
from cases.models import Case, Individual
from poe_ops.keys import new_key
from tests.factories import CaseFactory, FlightFactory, IndividualFactory, SegmentFactory
from tests.htmx import HTMX
from tests.scenarios import onward, walk

pytestmark = [
    pytest.mark.django_db,
    # Flights land now and leave in hours: the same day at ATL whatever hour the suite runs.
    pytest.mark.local_clock("America/New_York", "11:00"),
]

GOLDEN = Path(__file__).parent / "golden" / "tap_replies"
WRITE = os.environ.get("POE_WRITE_GOLDEN") == "1"


def normalised(html: str) -> str:
    html = re.sub(r'(name="(?:key|csrfmiddlewaretoken)" value=")[^"]*"', r'\1…"', html)
    html = re.sub(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (\d\d:\d\d)\b", r"DAY \1", html)
    html = re.sub(r"\b\d\d:\d\d\b", "HH:MM", html)
    html = re.sub(r">\s+<", "><", html)
    return re.sub(r"\s+", " ", html).strip()


def matches_golden(name: str, html: str) -> None:
    path = GOLDEN / f"{name}.html"
    got = normalised(html)
    if WRITE:
        path.write_text(got.replace("><", ">\n<") + "\n")
    assert got == normalised(path.read_text())


@pytest.fixture
def fixed_ids(db):
    """Records numbered from known values, so that their ids in the HTML are the same each run."""
    models = [Case, Individual, Flight, Segment, StepEvent]
    with connection.cursor() as cursor:
        for index, model in enumerate(models):
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)",
                [model._meta.db_table, 910_000 + 10_000 * index],
            )


def years_ago(years: int) -> dt.date:
    """A birthday that makes the person ``years`` old on any day the test runs."""
    return dt.date.today() - dt.timedelta(days=365 * years + 100)


@pytest.fixture
def family(atl, fixed_ids):
    """The Rahimi family of three, landed at ATL: two adults and their 9-year-old."""
    flight = FlightFactory.create(
        port=atl, carrier="QR", number="747", scheduled_arrival=dt.datetime.now(dt.UTC)
    )
    case = CaseFactory.create(port=atl, case_number="AF900001", final_destination="Boise, ID")
    people = [
        IndividualFactory.create(
            case=case,
            person_number=f"P90{n}",
            given_names=given,
            surname="Rahimi",
            date_of_birth=years_ago(age),
            relationship=relationship,
        )
        for n, (given, age, relationship) in enumerate(
            [("Farid", 41, "PA"), ("Laila", 37, "SP"), ("Omid", 9, "CH")]
        )
    ]
    SegmentFactory.create(case=case, flight=flight)
    return flight, case, people


def tap(client, person, step, view="flight", flight=None, key=None):
    data = {"step": step, "key": key or new_key(), "view": view}
    if flight is not None:
        data["flight"] = flight.pk
    answer = client.post(f"/ports/ATL/individuals/{person.pk}/step/", data, **HTMX)
    assert answer.status_code == 200
    return answer.content.decode()


def test_met_on_the_flight_page(client, atl_associate, family):
    flight, _case, (farid, _laila, _omid) = family
    client.force_login(atl_associate)
    matches_golden("met", tap(client, farid, "met", flight=flight))


def test_a_tap_sent_again_is_answered_as_the_first(
    client, atl_associate, family, django_assert_num_queries
):
    """A queue replayed after its answers were lost on the way back (issue 13): the same row
    as the first answer, recorded once, and from no more statements than the first tap: the
    session, the user, the lock (with the flight's legs), the person's latest step (the first
    sending), with BEGIN and COMMIT."""
    flight, _case, (farid, _laila, _omid) = family
    client.force_login(atl_associate)
    key = new_key()
    first = tap(client, farid, "met", flight=flight, key=key)
    with django_assert_num_queries(6):
        again = tap(client, farid, "met", flight=flight, key=key)
    assert normalised(again) == normalised(first)
    matches_golden("met", again)
    assert StepEvent.objects.filter(individual=farid).count() == 1


def test_cbp_secondary_on_the_flight_page(client, atl_associate, family):
    flight, case, (farid, _laila, _omid) = family
    walk(atl_associate, case, ["met"])
    client.force_login(atl_associate)
    matches_golden("cbp_secondary", tap(client, farid, "cbp_secondary", flight=flight))


def test_bags_through_their_form(client, atl_associate, family):
    flight, case, (farid, _laila, _omid) = family
    walk(atl_associate, case, ["met", "cbp_cleared"])
    client.force_login(atl_associate)
    data = {"key": new_key(), "flight": flight.pk, "bags": "3", "missing": "1"}
    data["pir"] = "ATLQR12345"
    answer = client.post(f"/ports/ATL/individuals/{farid.pk}/step/bags_claimed/", data, **HTMX)
    matches_golden("bags", answer.content.decode())


def test_a_urm_without_an_escort(client, atl, atl_associate, fixed_ids):
    flight = FlightFactory.create(
        port=atl, carrier="QR", number="749", scheduled_arrival=dt.datetime.now(dt.UTC)
    )
    case = CaseFactory.create(port=atl, case_number="AF900002")
    minor = IndividualFactory.create(
        case=case,
        person_number="P910",
        given_names="Sahar",
        surname="Karimi",
        programme_status="urm",
        date_of_birth=years_ago(16),
        relationship="PA",
    )
    SegmentFactory.create(case=case, flight=flight)
    client.force_login(atl_associate)
    matches_golden("urm", tap(client, minor, "met", flight=flight))


def test_a_connection_with_two_onward_legs(client, atl_associate, family):
    flight, case, (farid, _laila, _omid) = family
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    onward(case, now + dt.timedelta(hours=3), number="1234", destination="DTW")
    onward(case, now + dt.timedelta(hours=7), carrier="DL", number="88", destination="BOI")
    walk(atl_associate, case, ["met"])
    client.force_login(atl_associate)
    matches_golden("connection", tap(client, farid, "cbp_cleared", flight=flight))


def test_an_undo(client, atl_associate, family):
    flight, _case, (farid, _laila, _omid) = family
    client.force_login(atl_associate)
    tap(client, farid, "met", flight=flight)
    event = StepEvent.objects.get(individual=farid, to_step="met")
    answer = client.post(
        f"/ports/ATL/steps/{event.pk}/undo/",
        {"key": new_key(), "view": "flight", "flight": flight.pk},
        **HTMX,
    )
    matches_golden("undo", answer.content.decode())


def test_a_tap_on_the_case_page_and_in_search(client, atl_associate, family):
    _flight, _case, (farid, laila, _omid) = family
    client.force_login(atl_associate)
    matches_golden("case_page", tap(client, farid, "met", view="case"))
    matches_golden("search", tap(client, laila, "met", view="search"))
