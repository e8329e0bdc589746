"""The connection to the domestic flight: departed only once the flight has left, a cancelled
onward flight stranding everyone booked on it (HQ told once), rebooking the whole group in one
form, two onward legs, the at-risk panel where the work is done, and the facts in the notices."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from arrivals.models import Flight, Rebooking, Segment, StepEvent
from arrivals.queries.daily_manifest import manifest_context
from arrivals.queries.onward import case_on_flight, legs_of_cases
from arrivals.services.checkin import move_case, move_individual
from arrivals.services.flights import update_departure, update_flight
from arrivals.services.locks import lock_case_and_people_of
from cases.models import Individual
from cases.models.bookings import HotelBooking
from poe_ops.keys import new_key
from poe_ops.models import Notification, NotificationKind
from poe_ops.pdf import render_pdf_pages
from tests.factories import FlightFactory, VendorFactory, VendorRateFactory
from tests.pdfs import pdf_text
from tests.scenarios import TO_THE_GATE, family_on_flight, onward, walk

# The family's day at ATL, told in hours from now ("landed an hour ago", "departs in four
# hours"): it starts at 11:00 there, so every one of those hours falls on the port's today.
pytestmark = [pytest.mark.django_db, pytest.mark.local_clock("America/New_York", "11:00")]


def soon(hours: float) -> dt.datetime:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


@pytest.fixture
def landed(atl):
    """QR747 landed an hour ago at ATL."""
    return FlightFactory.create(
        port=atl,
        carrier="QR",
        number="747",
        scheduled_arrival=soon(-1),
        actual_arrival=soon(-1),
        status="landed",
    )


def departs(flight: Flight) -> dt.datetime:
    assert flight.scheduled_departure is not None
    return flight.scheduled_departure


def found(pattern: str, html: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, f"{pattern!r} not found"
    return match.group(0)


def steps(people) -> list[str]:
    return [Individual.objects.get(pk=p.pk).current_step for p in people]


def depart(user, flight, **fields) -> dict:
    values = {
        "status": flight.status,
        "estimated_departure": flight.estimated_departure,
        "actual_departure": flight.actual_departure,
        "gate": flight.gate,
    }
    values.update(fields)
    return update_departure(user, flight, **values)


# Departed only once the flight has left


def test_departed_is_refused_until_the_onward_flight_has_departed(
    atl, atl_associate, atl_senior, landed
):
    case, people = family_on_flight(atl, landed, size=2)
    leg = onward(case, soon(2))
    walk(atl_associate, case, TO_THE_GATE)
    refused = move_individual(atl_associate, people[0].pk, "departed", idempotency_key=new_key())
    assert not refused.accepted
    local = departs(leg).astimezone(atl.zone)
    assert refused.message.startswith(
        f"DL1234 has not departed yet (scheduled, expected {local:%H:%M}). Mark departed once "
        "the flight has left; a senior associate records its departure."
    )
    assert steps(people) == ["at_gate", "at_gate"]
    depart(atl_senior, leg, status="departed", actual_departure="")
    result = move_case(atl_associate, case.pk, "departed", idempotency_key=new_key())
    assert len(result.moved) == 2 and steps(people) == ["departed", "departed"]


def test_connection_steps_need_an_onward_flight_and_not_a_cancelled_one(atl, atl_associate, landed):
    case, (person,) = family_on_flight(atl, landed, size=1)
    walk(atl_associate, case, TO_THE_GATE[:4])
    nowhere = move_individual(atl_associate, person.pk, "bags_rechecked", idempotency_key=new_key())
    assert "has no onward flight from ATL: hand them over, or book a hotel" in nowhere.message
    onward(case, soon(3), status="cancelled")
    cancelled = move_individual(
        atl_associate, person.pk, "bags_rechecked", idempotency_key=new_key()
    )
    assert f"DL1234 is cancelled: rebook {person} first" in cancelled.message
    assert StepEvent.objects.filter(accepted=False).count() == 2


# A cancelled onward flight


@pytest.fixture
def booked_on_dl1234(atl, atl_associate, landed):
    """DL1234 to Boise in three hours with three cases on it: the Haidari family (3) at the
    gate, Omid Rahimi through customs, and the Nyiramana family (2) still on a flight that has
    not landed."""
    leg = FlightFactory.create(
        port=atl, carrier="DL", number="1234", origin="ATL", destination="BOI",
        scheduled_date=soon(3).astimezone(atl.zone).date(), scheduled_departure=soon(3),
        scheduled_arrival=soon(6),
    )  # fmt: skip
    at_gate, haidari = family_on_flight(atl, landed, size=3, surname="Haidari")
    customs, rahimi = family_on_flight(atl, landed, size=1, surname="Rahimi", given_names="Omid")
    late = FlightFactory.create(port=atl, scheduled_arrival=soon(1), carrier="ET", number="518")
    waiting, nyiramana = family_on_flight(atl, late, size=2, surname="Nyiramana")
    for case in (at_gate, customs, waiting):
        Segment.objects.create(case=case, flight=leg, direction="onward")
    walk(atl_associate, at_gate, TO_THE_GATE)
    walk(atl_associate, customs, TO_THE_GATE[:4])
    Notification.objects.all().delete()
    return leg, haidari, rahimi, nyiramana


def test_cancelling_an_onward_flight_strands_everyone_booked_and_tells_hq_once(
    atl, atl_senior, booked_on_dl1234
):
    leg, haidari, rahimi, nyiramana = booked_on_dl1234
    changes = depart(atl_senior, leg, status="cancelled")
    assert changes["status"] == ["scheduled", "cancelled"]
    assert steps(haidari + rahimi) == ["needs_rebooking"] * 4
    assert steps(nyiramana) == ["expected", "expected"], "not through CBP yet: they keep it"
    events = StepEvent.objects.filter(to_step="needs_rebooking")
    assert events.count() == 4
    assert {e.detail["reason"] for e in events} == {f"DL1234 {leg.scheduled_date:%d %b} cancelled"}
    (notice,) = Notification.objects.all()
    assert notice.kind == NotificationKind.FLIGHT_CHANGE
    assert notice.subject == (
        f"ATL · Flight change: DL1234 {leg.scheduled_date:%d %b} cancelled, 4 need rebooking"
    )
    for person in haidari + rahimi:
        assert str(person) in notice.body
    assert "Not moved:" in notice.body and "expected, not yet through CBP" in notice.body
    depart(atl_senior, leg, status="cancelled")  # saved again: nothing changes
    assert Notification.objects.count() == 1


def test_an_associate_cannot_cancel_and_another_port_cannot_see_the_flight(
    atl, atl_associate, jfk_officer, booked_on_dl1234
):
    from django.http import Http404

    leg, *_ = booked_on_dl1234
    with pytest.raises(PermissionDenied):
        depart(atl_associate, leg, status="cancelled")
    with pytest.raises(Http404):
        depart(jfk_officer, leg, status="cancelled")
    assert Flight.objects.get(pk=leg.pk).status == "scheduled"


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"actual_departure": "12:00"}, "actual_departure", "set the status to Departed"),
        ({"gate": "B 12 // 3"}, "gate", "is not a gate"),
        ({"status": "landed"}, "status", "Choose a status from the list."),
        ({"estimated_departure": "soon"}, "estimated_departure", "is not a time"),
    ],
)
def test_a_departure_update_that_makes_no_sense_is_refused_per_field(
    atl, atl_senior, booked_on_dl1234, fields, field, words
):
    leg, *_ = booked_on_dl1234
    with pytest.raises(ValidationError) as refused:
        depart(atl_senior, leg, **fields)
    assert words in " ".join(refused.value.message_dict[field])
    assert Flight.objects.get(pk=leg.pk).status == "scheduled"


def test_a_departure_cannot_be_recorded_in_the_future(atl, atl_senior, booked_on_dl1234):
    leg, *_ = booked_on_dl1234
    later = soon(2).astimezone(atl.zone).strftime("%Y-%m-%dT%H:%M")
    with pytest.raises(ValidationError, match="is in the future"):
        depart(atl_senior, leg, status="departed", actual_departure=later)


def test_the_rebooking_form_moves_the_whole_group_with_a_hotel_and_tells_hq_once(
    client, atl, atl_senior, atl_associate, dc_ops, booked_on_dl1234
):
    leg, haidari, rahimi, nyiramana = booked_on_dl1234
    depart(atl_senior, leg, status="cancelled")
    hotel = VendorFactory.create(port=atl, kind="hotel", name="Airport Gateway Inn")
    client.force_login(atl_associate)
    page = client.get("/ports/ATL/today/").content.decode()
    assert f'href="/ports/ATL/flights/{leg.pk}/rebook/">Rebook everyone on DL1234' in page
    form = client.get(f"/ports/ATL/flights/{leg.pk}/rebook/").content.decode()
    assert "Who moves" in form and "(3 cases)" in form
    tomorrow = atl.local_today() + dt.timedelta(days=1)
    data = {
        "key": new_key(),
        "carrier": "DL",
        "number": "1240",
        "date": tomorrow.isoformat(),
        "departure": "07:15",
        "reason": "DL1234 cancelled",
        "with_hotel": "on",
        "hotel": str(hotel.pk),
        "check_in": atl.local_today().isoformat(),
        "nights": "1",
        "people_per_room": "2",
        "room_rate": "129",
    }
    response = client.post(f"/ports/ATL/flights/{leg.pk}/rebook/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    again = client.post(f"/ports/ATL/flights/{leg.pk}/rebook/", data)
    assert again.status_code == 302
    assert Rebooking.objects.count() == 3, "one per case, once"
    rooms = dict(HotelBooking.objects.values_list("case__case_number", "rooms"))
    assert sorted(rooms.values()) == [1, 1, 2]  # 3 people → 2 rooms of 2, 1 → 1, 2 → 1
    assert steps(haidari + rahimi) == ["hotel"] * 4
    assert steps(nyiramana) == ["expected"] * 2
    new = Flight.objects.get(number="1240")
    assert departs(new).astimezone(atl.zone).strftime("%H:%M") == "07:15"
    rebooking = Notification.objects.filter(kind=NotificationKind.REBOOKING)
    assert rebooking.count() == 1
    notice = rebooking.get()
    assert notice.subject == (
        f"ATL · Rebooking: 3 cases from DL1234 to DL1240 {tomorrow:%d %b}, "
        "hotel Airport Gateway Inn"
    )
    assert f"departs {tomorrow:%d %b} 07:15 ATL time" in notice.body
    assert "Hotel: Airport Gateway Inn, check-in" in notice.body
    assert not Segment.objects.filter(flight=leg, replaced_by__isnull=True).exists()
    page = client.get("/ports/ATL/today/").content.decode()
    assert "Rebook everyone on DL1234" not in page


def test_only_operators_of_the_port_rebook_a_group(client, atl, dc_ops, booked_on_dl1234):
    leg, *_ = booked_on_dl1234
    client.force_login(dc_ops)
    assert client.get(f"/ports/ATL/flights/{leg.pk}/rebook/").status_code == 403


# Two onward legs


@pytest.fixture
def two_legs(atl, atl_associate, landed):
    """The Karimi family to Fargo: DL1234 ATL → MSP in three hours, then DL5678 MSP → FAR."""
    case, people = family_on_flight(atl, landed, size=2, surname="Karimi")
    first = onward(case, soon(3), destination="MSP", scheduled_arrival=soon(5.5))
    second = onward(case, soon(6.5), number="5678", destination="FAR")
    second.origin = "MSP"
    second.save()
    return case, people, first, second


def test_two_onward_legs_show_on_the_flight_page_each_in_its_airports_time(
    client, atl, atl_associate, landed, two_legs
):
    _case, people, first, second = two_legs
    client.force_login(atl_associate)
    html = client.get(f"/ports/ATL/flights/{landed.pk}/").content.decode()
    row = found(rf'id="person-{people[0].pk}".*?</li>', html)
    legs = re.findall(r'data-leg="(\w+)"><b>\w+</b> (\w+)→(\w+) \w{3} (\d\d:\d\d)', row)
    minneapolis = departs(second).astimezone(dt.timezone(dt.timedelta(hours=-6)))
    assert (
        legs
        == [
            ("DL1234", "ATL", "MSP", f"{departs(first).astimezone(atl.zone):%H:%M}"),
            ("DL5678", "MSP", "FAR", f"{minneapolis:%H:%M}"),
        ]
        or legs[1][3] == f"{(minneapolis + dt.timedelta(hours=1)):%H:%M}"
    )  # CDT or CST


def test_the_connection_at_the_port_is_the_first_leg(atl, atl_associate, atl_senior, two_legs):
    case, _people, first, _second = two_legs
    walk(atl_associate, case, TO_THE_GATE)
    depart(atl_senior, first, status="departed", actual_departure="")
    result = move_case(atl_associate, case.pk, "departed", idempotency_key=new_key())
    assert len(result.moved) == 2, "the second leg leaves Minneapolis later: no matter here"


def test_a_delayed_first_leg_puts_the_second_at_risk_on_the_port_day(
    client, atl, atl_associate, atl_senior, two_legs
):
    _case, people, first, _second = two_legs
    client.force_login(atl_associate)
    assert 'id="at-risk"' not in client.get("/ports/ATL/today/").content.decode()
    later = (departs(first) + dt.timedelta(minutes=50)).astimezone(atl.zone)
    depart(atl_senior, first, status="delayed", estimated_departure=f"{later:%H:%M}")
    panel = found(
        r'<section class="panel at-risk-panel".*?</section>',
        client.get("/ports/ATL/today/").content.decode(),
    )
    assert str(people[0]) in panel
    assert "10 min for the next leg at the hub" in panel  # lands 6:20 from now, leaves 6:30


def test_the_daily_manifest_lists_both_legs_and_the_departures(atl, atl_associate, two_legs):
    _case, _people, _first, _second = two_legs
    context = manifest_context(atl, atl.local_today())
    (row, *_) = [r for block in context["flights"] for r in block.rows]
    assert [leg.code for leg in row.onward] == ["DL1234", "DL5678"]
    assert [d.flight.code for d in context["departures"]] == ["DL1234"]
    rendered = render_pdf_pages("arrivals/pdf/daily_manifest.html", context, port=atl)
    text = " ".join(pdf_text(rendered.content))
    assert "DL1234 → MSP" in text and "DL5678 → FAR" in text
    assert "Departures — domestic connections leaving ATL" in text


# At risk where the work is done


def test_a_tight_connection_shows_on_the_port_day_and_the_flight_page_with_a_rebook_tap(
    client, atl, atl_associate, dc_ops, landed
):
    case, (person,) = family_on_flight(atl, landed, size=1, given_names="Amina")
    onward(case, soon(0.5))  # 30 min from now; QR747 landed an hour ago: 60 + 30 - 60 < 90
    client.force_login(atl_associate)
    rebook = f'href="/cases/{case.case_number}/rebook/?person={person.pk}">Rebook</a>'
    for url in ("/ports/ATL/today/", f"/ports/ATL/flights/{landed.pk}/"):
        html = client.get(url).content.decode()
        panel = found(r'<section class="panel at-risk-panel".*?</section>', html)
        assert str(person) in panel and rebook in panel, url
        assert "of 90 min" in panel
    board = client.get(f"/board/?date={atl.local_today()}").content.decode()
    assert "At risk of missing their connection (1)" in board


def test_a_domestic_delay_shows_everyone_booked_as_at_risk(
    client, atl, atl_associate, atl_senior, landed
):
    case, _people = family_on_flight(atl, landed, size=2)
    leg = onward(case, soon(4))
    walk(atl_associate, case, TO_THE_GATE)
    client.force_login(atl_associate)
    assert 'id="at-risk"' not in client.get("/ports/ATL/today/").content.decode()
    later = (departs(leg) + dt.timedelta(minutes=95)).astimezone(atl.zone)
    depart(atl_senior, leg, status="delayed", estimated_departure=f"{later:%H:%M}")
    html = client.get("/ports/ATL/today/").content.decode()
    assert "DL1234 delayed 95 min" in html
    departure = found(rf'id="departure-{leg.pk}".*?</li>', html)
    assert f"Departs {later:%H:%M}" in departure and "Delayed" in departure
    notice = Notification.objects.get(kind="flight_change")
    assert notice.subject == (
        f"ATL · Flight change: DL1234 {leg.scheduled_date:%d %b} delayed, now departs "
        f"{later:%H:%M}, 2 at risk"
    )
    assert "People booked: 2" in notice.body


def test_an_inbound_delay_names_the_new_time_and_the_people_now_at_risk(atl, atl_senior, landed):
    inbound = FlightFactory.create(port=atl, scheduled_arrival=soon(1), carrier="ET", number="518")
    case, (person,) = family_on_flight(atl, inbound, size=1, given_names="Yusuf")
    onward(case, soon(4))
    late = soon(2.5).astimezone(atl.zone)
    update_flight(
        atl_senior, inbound, status="delayed", estimated_arrival=f"{late:%H:%M}", actual_arrival=""
    )
    notice = Notification.objects.get()
    assert notice.subject == (
        f"ATL · Flight change: ET518 {inbound.scheduled_date:%d %b} delayed, now expected "
        f"{late:%H:%M}, 1 at risk of missing their connection"
    )
    assert f"At risk: {person} ({case.case_number}) → DL1234" in notice.body


# The port's departures, the board and its CSV


def test_the_port_day_lists_departures_with_gate_and_people_by_step(
    client, atl, atl_associate, atl_senior, landed
):
    case, _people = family_on_flight(atl, landed, size=3)
    leg = onward(case, soon(3))
    walk(atl_associate, case, TO_THE_GATE[:5])
    depart(atl_senior, leg, gate="b12")
    client.force_login(atl_associate)
    html = client.get("/ports/ATL/today/").content.decode()
    card = found(rf'id="departure-{leg.pk}".*?</li>\s*</ul>', html)
    assert "to BOI" in card and "Gate B12" in card
    assert '<b class="people-count">3</b> booked' in card
    assert 'data-step="bags_rechecked">Bags re-checked <b>3</b>' in card
    page = client.get(f"/ports/ATL/flights/{leg.pk}/").content.decode()
    assert "to BOI" in page and "gate <strong>B12</strong>" in page
    assert "All 3 → Boarding pass" in page, "a departure's page taps its travellers on"


def test_the_board_and_its_csv_list_departures(client, atl, dc_ops, atl_associate, landed):
    import csv
    import io

    case, _people = family_on_flight(atl, landed, size=2)
    leg = onward(case, soon(3))
    client.force_login(dc_ops)
    day = atl.local_today()
    html = client.get(f"/board/?date={day}").content.decode()
    assert f'id="board-departure-{leg.pk}"' in html
    rows = list(csv.DictReader(io.StringIO(client.get(f"/board/export.csv?date={day}").text)))
    departure = next(r for r in rows if r["direction"] == "departure")
    assert (departure["flight"], departure["destination"], departure["people"]) == (
        "DL1234",
        "BOI",
        "2",
    )
    assert next(r for r in rows if r["direction"] == "arrival")["flight"] == "QR747"


def test_a_transport_booking_tells_hq(atl, atl_associate):
    from cases.services.bookings import book_transport

    case, _people = family_on_flight(atl, size=2)
    company = VendorFactory.create(port=atl, kind="ground_transport", name="Peach Shuttles")
    VendorRateFactory.create(vendor=company, unit="ride", amount="65.00")  # a ride costs its rate
    pickup = soon(2)
    book_transport(
        atl_associate,
        case,
        vendor=company,
        pickup_at=pickup,
        pickup_place="Door 5",
        dropoff="hotel",
        dropoff_detail="Airport Inn",
        idempotency_key=new_key(),
    )
    notice = Notification.objects.get()
    assert notice.kind == NotificationKind.TRANSPORT
    assert notice.subject == (
        f"ATL · Transport: case {case.case_number} Peach Shuttles "
        f"{pickup.astimezone(atl.zone):%d %b %H:%M} → Hotel"
    )
    assert "Drop-off: Hotel: Airport Inn" in notice.body


def test_no_connection_step_after_the_flight_has_left_without_them(
    client, atl, atl_associate, atl_senior, landed
):
    case, (person,) = family_on_flight(atl, landed, size=1)
    leg = onward(case, soon(0.5))
    walk(atl_associate, case, TO_THE_GATE[:4])
    depart(atl_senior, leg, status="departed", actual_departure="")
    refused = move_individual(atl_associate, person.pk, "bags_rechecked", idempotency_key=new_key())
    assert refused.message.startswith(f"DL1234 has already departed: rebook {person} first")
    client.force_login(atl_associate)
    row = found(
        rf'id="person-{person.pk}".*?</li>',
        client.get(f"/ports/ATL/flights/{landed.pk}/").content.decode(),
    )
    assert 'value="bags_rechecked"' not in row, "no button for a step that would be refused"
    assert "Rebook / hotel" in row


# Staffing follows the connections


def test_staffing_counts_connecting_travellers_again_before_their_departure(atl):
    from staffing.queries.coverage import coverage
    from tests.scenarios import flight_with_people, local, next_monday

    day = next_monday(atl)
    flight, people = flight_with_people(atl, local(atl, day, 9), 3)
    onward(people[0].case, local(atl, day, 15))  # the walk to the gate: 13:30 to 15:00
    cancelled_case, _ = family_on_flight(atl, flight, size=2)
    onward(cancelled_case, local(atl, day, 15, 30), number="1300", status="cancelled")
    (result,) = coverage(atl, day)
    people_at = {h.start.hour: h.people for h in result.hours}
    assert people_at[9] == 5, "everyone landing is met"
    assert (people_at[12], people_at[13], people_at[14], people_at[15]) == (0, 3, 3, 0)
    assert result.arriving == 5, "the connection is not a second arrival"
    Individual.objects.filter(pk__in=[p.pk for p in people]).update(current_step="departed")
    (result,) = coverage(atl, day)
    assert {h.start.hour: h.people for h in result.hours}[14] == 0, "gone: nobody to walk"


# What the import took off the day's lists stays off


def test_a_cancelled_departure_leaves_alone_whom_the_abn_no_longer_lists(
    atl, atl_senior, booked_on_dl1234
):
    from arrivals.services.group_rebooking import group_on
    from cases.models import Case

    leg, haidari, rahimi, _nyiramana = booked_on_dl1234
    Case.objects.filter(pk=rahimi[0].case_id).update(status=Case.Status.CANCELLED)
    Individual.objects.filter(pk=haidari[2].pk).update(removed_in_version=2)
    depart(atl_senior, leg, status="cancelled")
    assert steps(haidari) == ["needs_rebooking", "needs_rebooking", "at_gate"]
    assert steps(rahimi) == ["customs_cleared"], "a cancelled case is not coming: not stranded"
    (notice,) = Notification.objects.all()
    assert notice.subject.endswith("cancelled, 2 need rebooking")
    assert str(rahimi[0]) not in notice.body
    assert rahimi[0].case_id not in {s.case_id for s in group_on(leg)}, "nor rebooked with them"


def test_the_taps_reply_reads_whom_the_flight_carries_and_the_legs_as_the_pages_do(atl, landed):
    """The reply to a tap reads the case's segments in one plain statement (issue 20): the same
    legs, times and named people as ``legs_of_cases`` (the pages' query), a replaced leg left
    out, and whom the tapped flight carries."""
    case, people = family_on_flight(atl, landed, size=3)
    first = onward(case, soon(3), individuals=people[:2])
    onward(case, soon(4), number="88", individuals=people[2:])
    old = onward(case, soon(2), number="77")
    Segment.objects.filter(flight=old).update(
        replaced_by=Segment.objects.filter(flight=first).get()
    )

    named, legs = case_on_flight(case.pk, landed.pk)

    assert named == [None]  # the inbound segment carries the whole case
    assert [leg.code for leg in legs] == ["DL1234", "DL88"]
    assert legs == legs_of_cases([case.pk])[case.pk]
    assert legs[0].named == {people[0].pk, people[1].pk}
    assert legs[0].departure == soon(3) and legs[0].departure.tzinfo is not None
    named_on_first, _ = case_on_flight(case.pk, first.pk)
    assert set(named_on_first) == {people[0].pk, people[1].pk}


def test_the_taps_lock_reads_the_same_journey_as_the_replys_own_statement(atl, landed):
    """On PostgreSQL the tap's lock reads the case's journey as JSON in the same statement
    (issue 20): the same people named, legs, dates and times (to the microsecond, in UTC) as
    ``case_on_flight`` reads them on their own — here with a delay, a gate and an actual
    departure."""
    case, people = family_on_flight(atl, landed, size=3)
    first = onward(case, soon(3), individuals=people[:2])
    onward(case, soon(4), number="88", individuals=people[2:])
    Flight.objects.filter(pk=first.pk).update(
        estimated_departure=soon(3.5) + dt.timedelta(microseconds=123_456),
        actual_departure=soon(3.6),
        gate="B12",
        status=Flight.Status.DELAYED,
    )
    expected = case_on_flight(case.pk, landed.pk)

    with transaction.atomic():
        locked = lock_case_and_people_of(people[1].pk, [atl.pk], flight_id=landed.pk)

    assert locked is not None and locked.on_flight == expected
    assert locked.person == people[1] and locked.case == case
    assert locked.steps == {person.pk: "expected" for person in people}
    estimated = expected[1][0].estimated_departure
    assert estimated is not None and estimated.microsecond == 123_456
    with transaction.atomic():  # a flight the case is not on: nobody named, the same legs
        other = lock_case_and_people_of(people[0].pk, [atl.pk], flight_id=first.pk + 1000)
    assert other is not None and other.on_flight == ([], expected[1])
