"""The HQ arrival board: every visible port's day, what stands out, who may miss a connection,
filters, live refresh, CSV export, and a constant number of queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest

from arrivals.models import Flight, Segment
from cases.models import ResettlementAgency
from cases.steps import ArrivalStep
from tests.factories import FlightFactory
from tests.htmx import HTMX
from tests.scenarios import crowded_day, family_on_flight

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 7, 1)
NEW_YORK = dt.timezone(dt.timedelta(hours=-4))  # EDT on DAY


def at(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=NEW_YORK)


def board(client, user, **params) -> str:
    client.force_login(user)
    query = "&".join(f"{k}={v}" for k, v in {"date": DAY.isoformat(), **params}.items())
    response = client.get(f"/board/?{query}")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, iata: str) -> str:
    match = re.search(rf'id="port-{iata}".*?(?=<section class="panel board-port"|$)', html, re.S)
    assert match, f"no section for {iata}"
    return match.group(0)


def found(pattern: str, html: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, f"{pattern!r} not found"
    return match.group(0)


def onward_leg(case, departure: dt.datetime, port) -> Flight:
    flight = FlightFactory.create(
        port=port,
        carrier="DL",
        origin=port.iata,
        destination="BOI",
        scheduled_date=departure.date(),
        scheduled_departure=departure,
    )
    Segment.objects.create(case=case, flight=flight, direction=Segment.Direction.ONWARD)
    return flight


def test_dc_sees_its_four_ports_and_ny_the_other_three(client, dc_ops, ny_ops):
    html = board(client, dc_ops)
    assert [
        p for p in ("ATL", "EWR", "IAD", "IAH", "JFK", "ORD", "LAX") if f'id="port-{p}"' in html
    ] == ["ATL", "EWR", "IAD", "IAH"]
    html = board(client, ny_ops)
    assert [
        p for p in ("ATL", "EWR", "IAD", "IAH", "JFK", "ORD", "LAX") if f'id="port-{p}"' in html
    ] == ["JFK", "ORD", "LAX"]


def test_port_staff_see_only_their_own_port(client, atl_associate):
    html = board(client, atl_associate)
    assert 'id="port-ATL"' in html and 'id="port-JFK"' not in html and 'id="port-EWR"' not in html


def test_each_flight_shows_its_times_people_steps_and_needs(client, atl, dc_ops):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(14, 5), origin="DOH")
    _case, people = family_on_flight(
        atl, flight, size=3, ssr_codes=["WCHR"], interpreter_needed=True
    )
    people[0].current_step = ArrivalStep.MET
    people[0].save()
    family_on_flight(atl, flight, size=1, programme_status="urm")
    html = section(board(client, dc_ops), "ATL")
    row = found(rf'id="board-flight-{flight.pk}".*?</tr>', html)
    assert "14:05" in row and "DOH" in row
    assert "<strong>2</strong> · <strong>4</strong>" in row, "2 cases, 4 people"
    assert "Expected 3" in row and "Met 1" in row
    assert "URM 1" in row and "Wheelchair 3" in row and "Dari" in row


def test_totals_for_the_port_and_the_day(client, atl, dc_ops):
    iad = atl.__class__.objects.get(iata="IAD")
    family_on_flight(atl, FlightFactory.create(port=atl, scheduled_arrival=at(9)), size=3)
    family_on_flight(
        iad, FlightFactory.create(port=iad, scheduled_arrival=at(10), number="12"), size=2
    )
    html = board(client, dc_ops)
    totals = dict(re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", html))
    assert totals["Flights"] == "2" and totals["Cases"] == "2" and totals["People"] == "5"
    assert "1 flight, 1 case, 3 people" in section(html, "ATL")


def test_flights_are_those_of_each_ports_local_day(client, atl, dc_ops):
    iah = atl.__class__.objects.get(iata="IAH")  # Central time, an hour behind Atlanta
    late_in_houston = dt.datetime.combine(
        DAY, dt.time(23, 30), tzinfo=dt.timezone(dt.timedelta(hours=-5))
    )
    family_on_flight(
        iah, FlightFactory.create(port=iah, scheduled_arrival=late_in_houston, number="99"), size=1
    )
    assert "QR99" in section(board(client, dc_ops), "IAH")
    assert "QR99" not in board(client, dc_ops, date=(DAY + dt.timedelta(days=1)).isoformat())


def test_anomalies_stand_out(client, atl, dc_ops):
    delayed = FlightFactory.create(
        port=atl, scheduled_arrival=at(8), status=Flight.Status.DELAYED, estimated_arrival=at(10)
    )
    landed = FlightFactory.create(
        port=atl, scheduled_arrival=at(9), status=Flight.Status.LANDED, actual_arrival=at(9, 10)
    )
    family_on_flight(atl, delayed, size=1)
    _case, people = family_on_flight(atl, landed, size=3)
    people[2].current_step = ArrivalStep.HOSPITAL
    people[2].save()
    calm = FlightFactory.create(port=atl, scheduled_arrival=at(20))
    family_on_flight(atl, calm, size=1)
    html = section(board(client, dc_ops), "ATL")
    rows = {
        int(m.group(1)): m.group(0)
        for m in re.finditer(r'<tr class="[^"]*" id="board-flight-(\d+)".*?</tr>', html, re.S)
    }
    assert "stands-out" in rows[delayed.pk] and "Delayed" in rows[delayed.pk]
    assert "stands-out" in rows[landed.pk]
    assert "2 not met since landing" in rows[landed.pk] and "Hospital 1" in rows[landed.pk]
    assert "stands-out" not in rows[calm.pk]


def test_a_delayed_inbound_flight_puts_its_connecting_passengers_at_risk(client, atl, dc_ops):
    # ATL: 60 min for CBP, 90 min minimum connection. Onward at 14:00 needs arrival by 11:30.
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(10))
    case, people = family_on_flight(atl, flight, size=2)
    onward_leg(case, at(14), atl)
    assert "At risk of missing their connection" not in section(board(client, dc_ops), "ATL")
    flight.status, flight.estimated_arrival = Flight.Status.DELAYED, at(12)
    flight.save()
    html = section(board(client, dc_ops), "ATL")
    risk = found(r'<div class="at-risk".*?</table>', html)
    for person in people:
        assert str(person) in risk
    assert "DL" in risk and "14:00" in risk and case.case_number in risk
    assert "may miss connection" in html


def test_people_already_at_the_gate_or_not_on_the_leg_are_not_at_risk(client, atl, dc_ops):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(12, 30))
    case, (traveller, stays) = family_on_flight(atl, flight, size=2)
    leg = onward_leg(case, at(14), atl)
    Segment.objects.filter(flight=leg).get().individuals.add(traveller)
    html = section(board(client, dc_ops), "ATL")
    risk = found(r'<div class="at-risk".*?</table>', html)
    assert str(traveller) in risk and str(stays) not in risk
    for step in (ArrivalStep.AT_GATE, ArrivalStep.DEPARTED):
        traveller.current_step = step
        traveller.save()
        assert "At risk of missing" not in section(board(client, dc_ops), "ATL"), step


def test_a_cancelled_inbound_flight_puts_every_connection_at_risk(client, atl, dc_ops):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(6), status=Flight.Status.CANCELLED)
    case, _people = family_on_flight(atl, flight, size=1)
    onward_leg(case, at(22), atl)
    assert "At risk of missing their connection (1)" in section(board(client, dc_ops), "ATL")


def test_filters_by_port_agency_and_need(client, atl, dc_ops):
    iad = atl.__class__.objects.get(iata="IAD")
    irc = ResettlementAgency.objects.get(code="IRC")
    irc_case, _ = family_on_flight(
        atl, FlightFactory.create(port=atl, scheduled_arrival=at(9), number="1"), size=2
    )
    irc_case.agency = irc
    irc_case.save()
    family_on_flight(
        atl,
        FlightFactory.create(port=atl, scheduled_arrival=at(10), number="2"),
        size=1,
        programme_status="urm",
    )
    family_on_flight(
        iad, FlightFactory.create(port=iad, scheduled_arrival=at(11), number="3"), size=1
    )
    html = board(client, dc_ops, port="ATL")
    assert 'id="port-ATL"' in html and 'id="port-IAD"' not in html
    html = board(client, dc_ops, agency="IRC")
    assert "QR1" in html and "QR2" not in html and "QR3" not in html
    html = board(client, dc_ops, flag="urm")
    assert "QR2" in html and "QR1" not in html
    html = board(client, dc_ops, port="JFK")
    assert "JFK is not one of the ports on your board" in html and 'id="port-JFK"' not in html


def test_an_htmx_refresh_renders_only_the_board_body(client, atl, dc_ops):
    family_on_flight(atl, FlightFactory.create(port=atl, scheduled_arrival=at(9)), size=1)
    client.force_login(dc_ops)
    response = client.get(f"/board/?date={DAY}&port=ATL", **HTMX)
    html = response.content.decode().strip()
    assert html.startswith('<div id="board-body"')
    assert "<html" not in html and "board-filters" not in html
    assert f'hx-get="/board/?date={DAY}&amp;port=ATL"' in html, "the refresh keeps the filters"
    assert 'hx-trigger="board-refresh"' in html and "Updated" in html


def test_the_page_loads_the_refresh_script_from_our_own_origin(client, dc_ops):
    html = board(client, dc_ops)
    assert '<script src="/static/js/board.js" defer></script>' in html


def test_the_csv_export_has_a_row_per_flight_and_never_a_formula(client, atl, dc_ops):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(9), origin="DOH")
    family_on_flight(atl, flight, size=3)
    Flight.objects.filter(pk=flight.pk).update(origin="=1+")  # hostile data reaching an export
    client.force_login(dc_ops)
    response = client.get(f"/board/export.csv?date={DAY}")
    assert response["Content-Type"].startswith("text/csv")
    assert f"arrival-board-{DAY}.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["port"] == "ATL" and rows[0]["people"] == "3" and rows[0]["Expected"] == "3"
    assert rows[0]["origin"] == "'=1+"


def test_the_csv_shows_only_the_users_ports(client, atl, jfk, ny_ops):
    family_on_flight(atl, FlightFactory.create(port=atl, scheduled_arrival=at(9)), size=1)
    client.force_login(ny_ops)
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/board/export.csv?date={DAY}").content.decode()))
    )
    assert rows == []


@pytest.mark.parametrize("people", [30, 3000])
def test_the_board_takes_a_fixed_number_of_queries(
    client, atl, dc_ops, people, django_assert_max_num_queries
):
    crowded_day(atl, DAY, people)  # everyone connects onward too soon: all at risk
    client.force_login(dc_ops)
    with django_assert_max_num_queries(16):  # 15, and who is on call tonight at each port
        response = client.get(f"/board/?date={DAY}")
    html = response.content.decode()
    assert f"<dt>People</dt><dd>{people}</dd>" in html
    assert "At risk of missing their connection" in html


def test_each_port_offers_its_daily_manifest_pdf_for_the_boards_day(client, atl, dc_ops):
    html = board(client, dc_ops)
    form = found(r'<form method="post" action="/ports/ATL/documents/manifest/".*?</form>', html)
    assert 'hx-target="#board-documents"' in form
    assert f'name="date" value="{DAY}"' in form
    body = found(r'<div id="board-body".*', html)
    assert 'id="board-documents"' not in body, "requested PDFs survive the board's refresh"


def test_a_manifest_requested_from_the_board_is_for_that_port_and_day(client, atl, dc_ops):
    from poe_ops.models import Document

    family_on_flight(atl, FlightFactory.create(port=atl, scheduled_arrival=at(9)), size=2)
    client.force_login(dc_ops)
    response = client.post("/ports/ATL/documents/manifest/", {"date": DAY.isoformat()})
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.port == atl and document.day == DAY


def test_a_long_at_risk_list_shows_the_soonest_first_and_the_rest_on_request(client, atl, dc_ops):
    from arrivals.queries.board import AT_RISK_SHOWN

    flight = FlightFactory.create(
        port=atl, scheduled_arrival=at(10), status=Flight.Status.CANCELLED
    )
    for i in range(AT_RISK_SHOWN + 5):
        case, _ = family_on_flight(atl, flight, size=1)
        onward_leg(case, at(12, i), atl)
    html = section(board(client, dc_ops), "ATL")
    flights_table = '<div class="table-wrap"><table class="data-table board-flights'
    risk = html[html.index('<div class="at-risk"') : html.index(flights_table)]
    assert f"At risk of missing their connection ({AT_RISK_SHOWN + 5})" in risk
    assert risk.count("<tr><td>") == AT_RISK_SHOWN
    assert "12:00" in risk and f"12:{AT_RISK_SHOWN + 4:02d}" not in risk, "soonest first"
    assert "Show all 30 at risk at ATL" in risk and "(5 more, leaving later)" in risk
    everyone = section(board(client, dc_ops, port="ATL", risk="all"), "ATL")
    assert (
        found(r'<div class="at-risk".*?</table>', everyone).count("<tr><td>") == AT_RISK_SHOWN + 5
    )


def test_names_and_codes_on_the_board_arrive_escaped(client, atl, dc_ops):
    flight = FlightFactory.create(port=atl, scheduled_arrival=at(13))
    case, (person,) = family_on_flight(atl, flight, size=1)
    person.given_names = '<img src=x onerror="alert(1)">'
    person.surname = "O'Hara & Sons"
    person.save()
    person.interpreter_needed = True
    person.save()
    onward_leg(case, at(14), atl)
    html = section(board(client, dc_ops), "ATL")
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert "O&#x27;Hara &amp; Sons" in html
    assert f'<a href="/cases/{case.case_number}/">' in html
    assert f'<a href="/ports/ATL/flights/{flight.pk}/"><strong>{flight.code}</strong></a>' in html
