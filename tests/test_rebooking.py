"""Rebooking a missed connection on the tablet: the new flight replaces the segment (the old
one is kept), a hotel with meals and transport are booked in the same submit, the family goes
to the hotel, and Operations HQ hears of the rebooking and of the overnight transit."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from arrivals.models import Flight, Rebooking, Segment
from cases.models.bookings import GroundTransportBooking, HotelBooking, MealOrder, Vendor
from poe_ops import tasks
from poe_ops.models import AuditEvent, Document, Notification, NotificationKind
from poe_ops.queries.notifications import feed
from tests.factories import FlightFactory, VendorFactory
from tests.pdfs import pdf_text
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db


def missed_connection(atl, *, step: str = "customs_cleared", size: int = 4):
    """A family through CBP and customs at ATL whose onward DL1234 to Boise left half an hour
    ago."""
    now = dt.datetime.now(dt.UTC)
    inbound = FlightFactory.create(
        port=atl, scheduled_arrival=now - dt.timedelta(hours=3), status="landed"
    )
    case, people = family_on_flight(atl, inbound, size=size)
    for person in people:
        person.current_step = step
        person.save()
    onward = FlightFactory.create(
        port=atl,
        carrier="DL",
        number="1234",
        origin="ATL",
        destination="BOI",
        scheduled_date=atl.local_today(),
        scheduled_departure=now - dt.timedelta(minutes=30),
    )
    segment = Segment.objects.create(case=case, flight=onward, direction="onward")
    return case, people, segment


def form_data(atl, case, people, segment, key="4f1c2a8e-0000-4000-8000-00000000abcd", **extra):
    hotel = Vendor.objects.filter(port=atl, kind="hotel").first() or VendorFactory.create(
        port=atl, kind="hotel", name="Airport Inn"
    )
    cars = Vendor.objects.filter(port=atl, kind="ground_transport").first() or VendorFactory.create(
        port=atl, kind="ground_transport", name="Peach Shuttles"
    )
    tomorrow = atl.local_today() + dt.timedelta(days=1)
    data = {
        "key": key,
        "segment": str(segment.pk),
        "carrier": "DL",
        "number": "1234",
        "date": tomorrow.isoformat(),
        "departure": "08:30",
        "destination": "BOI",
        "reason": "Missed connection: inbound late",
        "with_hotel": "on",
        "hotel-vendor": str(hotel.pk),
        "hotel-check_in": atl.local_today().isoformat(),
        "hotel-nights": "1",
        "hotel-rooms": "2",
        "hotel-crib": "on",
        "hotel-cost": "258.00",
        "hotel-meal_cost": "96.50",
        "with_transport": "on",
        "ride-vendor": str(cars.pk),
        "ride-pickup_day": atl.local_today().isoformat(),
        "ride-pickup_time": "23:30",
        "ride-pickup_place": "Door 5, international arrivals",
        "ride-dropoff": "hotel",
        "ride-dropoff_detail": "Airport Inn",
        "ride-child_seats": "1",
        "ride-luggage_count": "6",
        "ride-cost": "85.00",
    }
    meals = ["halal", "halal", "child", "child"]
    for person, meal in zip(people, meals, strict=False):
        data[f"hotel-meal_{person.pk}"] = meal
        data[f"hotel-count_{person.pk}"] = "3"
        data[f"hotel-allergies_{person.pk}"] = ""
    data[f"hotel-allergies_{people[-1].pk}"] = "Peanuts <severe>"
    data.update(extra)
    return data


def test_a_family_missing_its_connection_is_rebooked_with_hotel_meals_and_transport_in_one_flow(
    client, atl, atl_associate, dc_ops
):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    page = client.get(f"/cases/{case.case_number}/rebook/?person={people[0].pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'value="{old.pk}" ' in html and "checked" in html
    response = client.post(f"/cases/{case.case_number}/rebook/", form_data(atl, case, people, old))
    assert response.status_code == 302, response.content.decode()[:3000]

    old.refresh_from_db()
    assert old.replaced_by is not None
    new_flight = old.replaced_by.flight
    tomorrow = atl.local_today() + dt.timedelta(days=1)
    assert (new_flight.code, new_flight.scheduled_date) == ("DL1234", tomorrow)
    assert new_flight.scheduled_departure.astimezone(atl.zone).strftime("%H:%M") == "08:30"
    assert Flight.objects.filter(carrier="DL", number="1234").count() == 2  # the old one is kept
    hotel = HotelBooking.objects.get(case=case)
    assert (hotel.nights, hotel.rooms, hotel.crib, hotel.cost) == (1, 2, True, Decimal("258"))
    meals = {m.individual_id: (m.meal, m.count, m.allergies) for m in MealOrder.objects.all()}
    assert meals[people[0].pk] == ("halal", 3, "")
    assert meals[people[-1].pk] == ("child", 3, "Peanuts <severe>")
    ride = GroundTransportBooking.objects.get(case=case)
    assert ride.dropoff == "hotel" and ride.child_seats == 1
    rebooking = Rebooking.objects.get()
    assert rebooking.hotel_booking == hotel and rebooking.transport_booking == ride
    for person in people:
        person.refresh_from_db()
        assert person.current_step == "hotel"
    assert AuditEvent.objects.filter(action="poe.case.rebooked").count() == 1
    assert AuditEvent.objects.filter(action="poe.booking.hotel.created").count() == 1

    kinds = [n.kind for n in feed(dc_ops)]
    assert kinds.count(NotificationKind.REBOOKING) == 1
    assert kinds.count(NotificationKind.TRANSIT) == 1  # booking and step report it once
    assert kinds.count(NotificationKind.TRANSPORT) == 1
    rebooked = Notification.objects.get(kind=NotificationKind.REBOOKING)
    assert rebooked.subject == (
        # The new onward flight named by the day it leaves (issue 13's labels).
        f"ATL · Rebooking: case {case.case_number} from DL1234 to DL1234 · "
        f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b}, hotel Airport Inn"
    )
    assert f"departs {tomorrow:%d %b} 08:30 ATL time" in rebooked.body
    assert "Hotel: Airport Inn, check-in" in rebooked.body and "1 night, 2 room(s)" in rebooked.body
    assert "Transport: Peach Shuttles, pickup" in rebooked.body
    ride_notice = Notification.objects.get(kind=NotificationKind.TRANSPORT)
    assert "Peach Shuttles" in ride_notice.subject and "23:30" in ride_notice.subject

    # The hotel form lists the family and their meals.
    case_page = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "Airport Inn" in case_page and "Peanuts &lt;severe&gt;" in case_page
    client.post(f"/hotel-bookings/{hotel.pk}/documents/form/")
    document = Document.objects.get(kind="hotel_form")
    assert tasks.render_document(document.pk) == "ready"
    document.refresh_from_db()
    text = " ".join(pdf_text(document.file.read())).replace("\n", " ")
    for person in people:
        assert person.surname in text and person.given_names in text
    assert "Halal" in text and "Child" in text and "Peanuts <severe>" in text
    assert "Crib" in text and "Totals: Child 6 · Halal 6" in text


def test_a_double_submit_rebooks_once(client, atl, atl_associate):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    data = form_data(atl, case, people, old)
    first = client.post(f"/cases/{case.case_number}/rebook/", data)
    second = client.post(f"/cases/{case.case_number}/rebook/", data)
    assert first.status_code == second.status_code == 302
    assert Rebooking.objects.count() == 1
    assert HotelBooking.objects.count() == 1 and GroundTransportBooking.objects.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.REBOOKING).count() == 1


def test_a_rebooking_without_hotel_leaves_the_steps_and_sends_no_transit(
    client, atl, atl_associate
):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    data = form_data(atl, case, people, old)
    del data["with_hotel"], data["with_transport"]
    data["hotel-vendor"] = ""  # the hotel part is ignored when not ticked
    assert client.post(f"/cases/{case.case_number}/rebook/", data).status_code == 302
    assert not HotelBooking.objects.exists()
    assert {p.current_step for p in case.individuals.all()} == {"customs_cleared"}
    assert not Notification.objects.filter(kind=NotificationKind.TRANSIT).exists()
    assert Notification.objects.filter(kind=NotificationKind.REBOOKING).count() == 1


def test_only_some_of_the_family_can_be_rebooked_the_others_keep_their_flight(
    client, atl, atl_associate
):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    data = form_data(atl, case, people, old)
    del data["with_hotel"], data["with_transport"]
    data["individuals"] = [str(people[0].pk), str(people[1].pk)]
    assert client.post(f"/cases/{case.case_number}/rebook/", data).status_code == 302
    old.refresh_from_db()
    assert {p.pk for p in old.replaced_by.individuals.all()} == {people[0].pk, people[1].pk}
    staying = Segment.objects.get(case=case, flight=old.flight, replaced_by__isnull=True)
    assert {p.pk for p in staying.individuals.all()} == {people[2].pk, people[3].pk}


def test_bad_input_says_what_and_where_and_changes_nothing(client, atl, atl_associate):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    data = form_data(atl, case, people, old, **{"hotel-nights": "0", "number": ""})
    response = client.post(f"/cases/{case.case_number}/rebook/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html
    assert "Ensure this value is greater than or equal to 1" in html
    assert "This field is required" in html
    old.refresh_from_db()
    assert old.replaced_by is None
    assert not HotelBooking.objects.exists() and not Notification.objects.exists()


def test_a_refused_booking_rolls_the_whole_rebooking_back(client, atl, atl_associate):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    data = form_data(
        atl, case, people, old, **{"ride-dropoff": "agency_office", "ride-dropoff_detail": ""}
    )
    response = client.post(f"/cases/{case.case_number}/rebook/", data)
    assert response.status_code == 400
    assert "Drop-off details: give the address." in response.content.decode()
    old.refresh_from_db()
    assert old.replaced_by is None
    assert not Rebooking.objects.exists() and not HotelBooking.objects.exists()
    assert not Notification.objects.exists()


def test_the_same_flight_cannot_replace_itself(client, atl, atl_associate):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    data = form_data(atl, case, people, old, date=atl.local_today().isoformat())
    response = client.post(f"/cases/{case.case_number}/rebook/", data)
    assert response.status_code == 400
    assert "is the flight being replaced" in response.content.decode()


def test_an_inbound_rebooking_marks_the_expected_people_rebooked(client, atl, atl_associate):
    case, people, _onward = missed_connection(atl, step="expected")
    inbound = Segment.objects.get(case=case, direction="inbound")
    client.force_login(atl_associate)
    data = form_data(atl, case, people, inbound, carrier="QR", number="749", destination="ATL")
    del data["with_hotel"], data["with_transport"]
    assert client.post(f"/cases/{case.case_number}/rebook/", data).status_code == 302
    assert {p.current_step for p in case.individuals.all()} == {"rebooked"}


def test_a_jfk_associate_gets_404_and_hq_403(client, atl, jfk_associate, dc_ops):
    case, people, old = missed_connection(atl)
    client.force_login(jfk_associate)
    assert client.get(f"/cases/{case.case_number}/rebook/").status_code == 404
    data = form_data(atl, case, people, old)
    assert client.post(f"/cases/{case.case_number}/rebook/", data).status_code == 404
    client.force_login(dc_ops)
    assert client.post(f"/cases/{case.case_number}/rebook/", data).status_code == 403
    assert not Rebooking.objects.exists()


def test_the_tablet_row_links_to_the_rebooking_of_its_case(client, atl, atl_associate):
    case, people, _old = missed_connection(atl)
    inbound = Segment.objects.get(case=case, direction="inbound").flight
    client.force_login(atl_associate)
    html = client.get(f"/ports/ATL/flights/{inbound.pk}/").content.decode()
    assert f'href="/cases/{case.case_number}/rebook/?person={people[0].pk}"' in html


def test_a_malformed_flight_is_refused_in_words_and_nothing_is_created(client, atl, atl_associate):
    case, people, old = missed_connection(atl)
    client.force_login(atl_associate)
    data = form_data(atl, case, people, old, carrier="D!", destination="bo1")
    response = client.post(f"/cases/{case.case_number}/rebook/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "New flight: carrier: Airline code, e.g. QR." in html
    assert "An airport code is three capital letters." in html
    assert not Flight.objects.filter(carrier="D!").exists()
