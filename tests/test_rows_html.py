"""The step buttons written in Python (``arrivals.queries.rows_html``): their URLs are the very
ones ``reverse`` writes, under another script prefix too, and every value they show arrives
escaped, whatever it holds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils.safestring import mark_safe

from arrivals.models import StepEvent
from arrivals.queries import rows_html
from arrivals.queries.flight_rows import CaseBlock, PersonRow
from arrivals.queries.onward import Leg
from arrivals.queries.rows_html import case_moves, person_moves
from cases.models import Case, Individual
from poe_ops.keys import new_key
from poe_ops.models import Port
from poe_ops.reversing import id_url
from tests.factories import CaseFactory, FlightFactory, IndividualFactory, SegmentFactory
from tests.htmx import HTMX

ROW_URLS = [
    ("arrivals:individual_step", ("ATL", 7)),
    ("arrivals:individual_step", ("JFK", 1234567)),
    ("arrivals:individual_step_detail", ("ATL", 42, "bags_claimed")),
    ("arrivals:individual_step_detail", ("ATL", 42, "hospital")),
    ("arrivals:undo_step", ("IAD", 9)),
    ("arrivals:hand_over", ("ATL", 0)),
    ("arrivals:case_step", ("SFO", 31)),
    ("arrivals:case_step_detail", ("SFO", 31, "bags_claimed")),
    ("reports:incident_new", ("ATL",)),
]


@pytest.mark.parametrize(("name", "args"), ROW_URLS)
def test_an_id_url_is_what_reverse_writes(name, args):
    assert id_url(name, *args) == reverse(name, args=args)
    assert id_url(name, *args) == reverse(name, args=args)  # the second time from its shape


def test_an_id_url_follows_the_script_prefix():
    id_url("arrivals:undo_step", "ATL", 5)
    set_script_prefix("/poe/")
    try:
        assert id_url("arrivals:undo_step", "ATL", 5) == "/poe/ports/ATL/steps/5/undo/"
        assert id_url("arrivals:undo_step", "ATL", 5) == reverse(
            "arrivals:undo_step", args=["ATL", 5]
        )
    finally:
        set_script_prefix("/")


def test_what_an_id_url_cannot_write_is_left_to_reverse():
    # A port code that reverse quotes goes through reverse in its shape; a negative number is
    # no id, and reverse refuses it as it always did.
    assert id_url("arrivals:undo_step", "A T", 5) == reverse("arrivals:undo_step", args=["A T", 5])
    with pytest.raises(NoReverseMatch):
        id_url("arrivals:undo_step", "ATL", -1)


HOSTILE = '<b x="1">\'&'
ESCAPED = "&lt;b x=&quot;1&quot;&gt;&#x27;&amp;"


def hostile_row() -> PersonRow:
    person = Individual(pk=5, case_id=3, current_step="met", given_names="A", surname="B")
    undo = StepEvent(pk=8, from_step=HOSTILE, to_step="met")
    moves = [("cbp_cleared", HOSTILE, False), ("bags_claimed", HOSTILE, True)]
    row = PersonRow(person, 30, moves, [(HOSTILE, HOSTILE, False)], undo, key=HOSTILE)
    row.undo_key = HOSTILE
    return row


def test_a_persons_buttons_escape_every_value():
    html = person_moves(hostile_row(), "ATL", HOSTILE, HOSTILE, "<csrf>")
    assert "<b x" not in html and '"1"' not in html
    # 3 labels, a step, 2 keys, 2 views, 2 flights and 2 in the link, the undo's step
    assert html.count(ESCAPED) == 13
    assert f'<input type="hidden" name="flight" value="{ESCAPED}">' in html
    assert f'href="/ports/ATL/individuals/5/step/bags_claimed/?flight={ESCAPED}"' in html
    assert html.count("<csrf>") == 2  # Django's own field, put in as given
    assert "Undo met" in html


def test_a_cases_buttons_escape_every_value():
    block = CaseBlock(
        Case(pk=3), [], [(HOSTILE, HOSTILE, 2, False), ("bags_claimed", "B", 2, True)]
    )
    block.key = HOSTILE
    html = case_moves(block, "ATL", HOSTILE, None, "<csrf>", may_operate=True, oob=True)
    assert "<b x" not in html and '"1"' not in html
    assert f'value="{ESCAPED}" data-count="2">All 2 → {ESCAPED}</button>' in html
    assert f'href="/ports/ATL/cases/3/step/bags_claimed/?view={ESCAPED}"' in html
    assert 'name="flight"' not in html and 'hx-swap-oob="true"' in html
    assert f'data-version="moves.0.{ESCAPED}2.bags_claimed2"' in html


def test_a_flight_row_escapes_every_value():
    case = Case(pk=3, case_number="AF1")
    person = Individual(
        pk=5,
        case=case,
        current_step="bags_claimed",
        current_step_at=dt.datetime(2026, 11, 30, 16, 5, tzinfo=dt.UTC),
        given_names=HOSTILE,
        surname=HOSTILE,
        ssr_codes=[HOSTILE],
        relationship="PA",
    )
    person.escort_missing = True  # type: ignore[attr-defined]
    leg = Leg(
        *(1, 3, 2, HOSTILE, dt.date(2026, 11, 30), "ATL", HOSTILE),
        *(dt.datetime(2026, 11, 30, 20, 0, tzinfo=dt.UTC), None, None, HOSTILE, "delayed"),
        *(None, None, None, dt.datetime(2026, 11, 29, tzinfo=dt.UTC)),
    )
    row = PersonRow(person, 30, [], [], None, legs=[leg], step_detail=HOSTILE)
    row.message, row.is_refusal = HOSTILE, True
    port = Port(iata="ATL", time_zone="America/New_York")
    html = rows_html.flight_person_row(
        row, port, HOSTILE, "<csrf>", may_operate=True, links=mark_safe("<a>incident</a>")
    )
    assert "<b x" not in html and '"1"' not in html
    # the name twice, the flag, the leg's code twice, its destination and gate, the detail, the
    # message, the flight
    assert html.count(ESCAPED) == 2 * 2 + 1 + 2 + 2 + 1 + 1 + 1
    assert f'<li class="flag">{ESCAPED}</li><li class="flag flag-warning"' in html
    assert f"→{ESCAPED} Mon 15:00 · gate {ESCAPED} · delayed</span>" in html
    assert '<span class="step-time">11:05</span>' in html  # Atlanta's time
    assert f'class="step-message is-refusal" role="alert">{ESCAPED}</p>' in html
    assert "<a>incident</a>" in html  # the higher apps' links, HTML already


@pytest.mark.django_db
@pytest.mark.local_clock("America/New_York", "11:00")
def test_a_hostile_name_stays_text_on_the_flight_page_and_in_a_taps_reply(
    client, atl, atl_associate
):
    flight = FlightFactory.create(
        port=atl, carrier="QR", number="747", scheduled_arrival=dt.datetime.now(dt.UTC)
    )
    case = CaseFactory.create(port=atl, case_number="AF900009")
    person = IndividualFactory.create(case=case, given_names='<b x="1">\'&', surname="Noori")
    SegmentFactory.create(case=case, flight=flight)
    client.force_login(atl_associate)
    page = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    data = {"step": "met", "key": new_key(), "view": "flight", "flight": flight.pk}
    reply = client.post(f"/ports/ATL/individuals/{person.pk}/step/", data, **HTMX)
    for html in (page, reply.content.decode()):
        assert f'data-name="{ESCAPED} Noori"' in html
        assert f'<p class="person-name">{ESCAPED} Noori</p>' in html
        assert "<b x" not in html


@pytest.mark.django_db
@pytest.mark.local_clock("America/New_York", "11:00")
def test_a_babys_and_a_toddlers_age_read_as_words_on_the_flight_page(client, atl, atl_associate):
    """A baby is "under 1" and a one-year-old "1 yr" on their row, not "0 yrs" / "1 yrs"."""
    flight = FlightFactory.create(port=atl, scheduled_arrival=dt.datetime.now(dt.UTC))
    case = CaseFactory.create(port=atl)
    today = dt.date.today()
    for name, born in [("Baby", today - dt.timedelta(days=100)),
                       ("Toddler", today - dt.timedelta(days=365 + 100)),
                       ("Child", today - dt.timedelta(days=3 * 365 + 100))]:  # fmt: skip
        IndividualFactory.create(case=case, given_names=name, surname="Safi", date_of_birth=born)
    SegmentFactory.create(case=case, flight=flight)
    client.force_login(atl_associate)
    page = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    metas = re.findall(r'<p class="person-meta">([^<·]*) ·', page)
    assert sorted(metas) == ["1 yr", "3 yrs", "under 1"]
