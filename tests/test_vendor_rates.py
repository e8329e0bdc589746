"""Vendors kept by the port's officers and HQ, their contracted rates by date range, and booking
costs computed from them — with an override only when a reason is given."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cases.models import GroundTransportBooking, HotelBooking, Vendor, VendorRate
from cases.services.bookings import MealLine, book_hotel, book_transport
from cases.services.vendors import add_rate, add_vendor, change_vendor, end_rate
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from poe_ops.refusals import Refusal
from tests.factories import CaseFactory, HotelBookingFactory, VendorFactory, VendorRateFactory
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db

JAN1 = dt.date(2026, 1, 1)


def _hotel(port, *rates):
    hotel = VendorFactory.create(port=port, kind="hotel", name="Airport Inn")
    for unit, amount, start, end in rates:
        VendorRateFactory.create(
            vendor=hotel, unit=unit, amount=Decimal(amount), valid_from=start, valid_until=end
        )
    return hotel


def _book(user, case, hotel, check_in, nights=1, rooms=1, meals=(), **costs):
    return book_hotel(
        user,
        case,
        vendor=hotel,
        check_in=check_in,
        nights=nights,
        rooms=rooms,
        meals=meals,
        idempotency_key=new_key(),
        **costs,
    ).obj


def test_the_room_cost_is_nights_times_rooms_at_each_nights_rate(atl, atl_associate):
    hotel = _hotel(
        atl,
        ("room_night", "129", JAN1, dt.date(2026, 11, 30)),
        ("room_night", "139", dt.date(2026, 12, 1), None),
    )
    case = CaseFactory.create(port=atl)
    booking = _book(atl_associate, case, hotel, dt.date(2026, 11, 29), nights=3, rooms=2)
    # 29 and 30 November at $129, 1 December at $139; two rooms.
    assert booking.cost == booking.computed_cost == Decimal("794.00")
    event = AuditEvent.objects.get(action="poe.booking.hotel.created")
    assert event.data["room_cost"]["how"] == (
        "3 nights × 2 rooms at $129.00 + $129.00 + $139.00 = $794.00"
    )


def test_meals_come_from_the_hotels_rate_or_else_the_ports_meal_provider(atl, atl_associate):
    case, people = family_on_flight(atl, size=2)
    meals = [MealLine(p, "halal", 3) for p in people]
    with_meals = _hotel(atl, ("room_night", "129", JAN1, None), ("meal", "14", JAN1, None))
    booking = _book(atl_associate, case, with_meals, dt.date(2026, 11, 29), meals=meals)
    assert booking.meal_cost == Decimal("84.00")
    plain = VendorFactory.create(port=atl, kind="hotel", name="Plain Suites")
    VendorRateFactory.create(vendor=plain, unit="room_night", amount=Decimal("99"))
    kitchen = VendorFactory.create(port=atl, kind="meal_provider", name="Halal Kitchen")
    VendorRateFactory.create(vendor=kitchen, unit="meal", amount=Decimal("12.50"))
    booking = _book(atl_associate, case, plain, dt.date(2026, 11, 29), meals=meals)
    assert booking.meal_cost == booking.computed_meal_cost == Decimal("75.00")
    event = AuditEvent.objects.filter(action="poe.booking.hotel.created").latest("pk")
    assert event.data["meals_cost"]["how"] == "6 meals × $12.50 = $75.00 (Halal Kitchen)"


def test_a_typed_cost_that_differs_needs_a_reason_and_keeps_both_figures(atl, atl_associate):
    hotel = _hotel(atl, ("room_night", "129", JAN1, None))
    case = CaseFactory.create(port=atl)
    with pytest.raises(Refusal, match=r"differs from the contracted rates .*: say why") as no:
        _book(atl_associate, case, hotel, dt.date(2026, 11, 29), cost=Decimal("150"))
    assert no.value.field == "cost_reason"
    assert not HotelBooking.objects.exists()
    booking = _book(
        atl_associate,
        case,
        hotel,
        dt.date(2026, 11, 29),
        cost=Decimal("150"),
        cost_reason="Only a suite was left (conference week).",
    )
    assert (booking.cost, booking.computed_cost) == (Decimal("150"), Decimal("129.00"))
    assert booking.cost_override_reason == "Only a suite was left (conference week)."
    same = _book(atl_associate, case, hotel, dt.date(2026, 11, 29), cost=Decimal("129.00"))
    assert same.cost_override_reason == "", "the rates' own figure is no override"


def test_without_a_rate_the_cost_must_be_typed(atl, atl_associate):
    hotel = VendorFactory.create(port=atl, kind="hotel", name="No Contract Inn")
    case = CaseFactory.create(port=atl)
    with pytest.raises(Refusal, match="has no contracted room rate on 29 Nov 2026: type") as no:
        _book(atl_associate, case, hotel, dt.date(2026, 11, 29))
    assert no.value.field == "cost"
    booking = _book(atl_associate, case, hotel, dt.date(2026, 11, 29), cost=Decimal("110"))
    assert (booking.cost, booking.computed_cost) == (Decimal("110"), None)


def test_a_ride_costs_the_companys_rate_on_the_day(atl, atl_associate):
    company = VendorFactory.create(port=atl, kind="ground_transport")
    VendorRateFactory.create(vendor=company, unit="ride", amount=Decimal("85"))
    case = CaseFactory.create(port=atl)
    ride = book_transport(
        atl_associate,
        case,
        vendor=company,
        pickup_at=dt.datetime(2026, 11, 29, 22, 30, tzinfo=atl.zone),
        pickup_place="Door 5",
        dropoff="hotel",
        idempotency_key=new_key(),
    ).obj
    assert ride.cost == ride.computed_cost == Decimal("85.00")
    assert GroundTransportBooking.objects.count() == 1


def test_the_booking_form_shows_the_rate_and_puts_the_refusal_on_its_field(
    client, atl, atl_associate
):
    hotel = _hotel(atl, ("room_night", "129", JAN1, None), ("meal", "14", JAN1, None))
    case, people = family_on_flight(atl, size=1)
    client.force_login(atl_associate)
    form = client.get(f"/cases/{case.case_number}/hotel/").content.decode()
    assert "Airport Inn ($129.00 per night, $14.00 per person)" in form
    data = {
        "key": new_key(),
        "vendor": str(hotel.pk),
        "check_in": atl.local_today().isoformat(),
        "nights": "1",
        "rooms": "1",
        "cost": "200",
        f"meal_{people[0].pk}": "regular",
        f"count_{people[0].pk}": "3",
    }
    response = client.post(f"/cases/{case.case_number}/hotel/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_cost_reason_error"' in html and "say why" in html
    assert not HotelBooking.objects.exists()


def test_a_new_rate_ends_the_open_one_and_an_overlap_is_refused(atl, atl_officer):
    hotel = VendorFactory.create(port=atl, kind="hotel")
    first = add_rate(atl_officer, hotel, unit="room_night", amount=Decimal("129"), valid_from=JAN1)
    second = add_rate(
        atl_officer,
        hotel,
        unit="room_night",
        amount=Decimal("139"),
        valid_from=dt.date(2026, 12, 1),
        valid_until=dt.date(2026, 12, 31),
    )
    first.refresh_from_db()
    assert first.valid_until == dt.date(2026, 11, 30)
    with pytest.raises(Refusal, match="It overlaps the rate Room, per night: \\$139") as overlap:
        add_rate(
            atl_officer,
            hotel,
            unit="room_night",
            amount=Decimal("149"),
            valid_from=dt.date(2026, 12, 15),
        )
    assert overlap.value.field == "valid_from"
    with pytest.raises(Refusal, match="A hotel is paid by room, per night or meal, per person"):
        add_rate(atl_officer, hotel, unit="ride", amount=Decimal("80"), valid_from=JAN1)
    end_rate(atl_officer, second, dt.date(2026, 12, 20))
    second.refresh_from_db()
    assert second.valid_until == dt.date(2026, 12, 20)
    added = AuditEvent.objects.filter(action="poe.vendor.rate.added").latest("pk")
    assert added.data["ended"] == {"rate": first.pk, "valid_until": "2026-11-30"}
    assert AuditEvent.objects.filter(action="poe.vendor.rate.ended").count() == 1


def test_vendors_are_added_and_changed_by_officers_and_hq_with_names_in_words(
    client, atl, atl_officer, atl_senior, dc_ops
):
    made = add_vendor(dc_ops, atl, kind="meal_provider", name="  Halal   Kitchen ", phone="1")
    assert made.name == "Halal Kitchen"
    with pytest.raises(Refusal, match="ATL already has a vendor called “Halal Kitchen”") as twin:
        add_vendor(atl_officer, atl, kind="hotel", name="halal kitchen")
    assert twin.value.field == "name"
    HotelBookingFactory.create(case__port=atl, vendor=VendorFactory.create(port=atl, name="Inn"))
    inn = Vendor.objects.get(name="Inn")
    with pytest.raises(Refusal, match="its kind cannot change"):
        change_vendor(atl_officer, inn, kind="ground_transport")
    change_vendor(atl_officer, inn, active=False)
    inn.refresh_from_db()
    assert not inn.active
    assert AuditEvent.objects.filter(action="poe.vendor.changed").get().changes == {
        "active": [True, False]
    }
    client.force_login(atl_senior)
    assert client.get("/ports/ATL/vendors/new/").status_code == 403
    client.force_login(atl_officer)
    page = client.post(
        "/ports/ATL/vendors/new/", {"key": new_key(), "kind": "hotel", "name": "HALAL KITCHEN"}
    )
    assert page.status_code == 400
    assert 'id="id_name_error"' in page.content.decode()
    assert Vendor.objects.filter(port=atl).count() == 2


def test_the_rate_form_says_what_is_wrong_on_the_field(client, atl, atl_officer):
    hotel = VendorFactory.create(port=atl, kind="hotel")
    client.force_login(atl_officer)
    response = client.post(
        f"/ports/ATL/vendors/{hotel.pk}/rates/",
        {
            "unit": "room_night",
            "amount": "0",
            "valid_from": "2026-12-10",
            "valid_until": "2026-12-01",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The rate was not added" in html
    assert 'id="id_valid_until_error"' in html and "The rate ends before it starts." in html
    assert 'id="id_amount_error"' in html
    assert not VendorRate.objects.exists()


def test_a_double_submit_of_a_vendor_or_a_rate_is_recorded_once(client, atl, atl_officer):
    client.force_login(atl_officer)
    vendor_post = {"key": new_key(), "kind": "hotel", "name": "Airport Inn", "active": "on"}
    first = client.post("/ports/ATL/vendors/new/", vendor_post)
    second = client.post("/ports/ATL/vendors/new/", vendor_post)
    assert first.status_code == second.status_code == 302, "no refusal of its own name"
    assert first["Location"] == second["Location"]
    hotel = Vendor.objects.get(port=atl)
    rate_post = {
        "key": new_key(),
        "unit": "room_night",
        "amount": "129",
        "valid_from": "2026-01-01",
    }
    for _ in range(2):
        assert client.post(f"/ports/ATL/vendors/{hotel.pk}/rates/", rate_post).status_code == 302
    assert VendorRate.objects.filter(vendor=hotel).count() == 1
    assert AuditEvent.objects.filter(action="poe.vendor.created").count() == 1
    assert AuditEvent.objects.filter(action="poe.vendor.rate.added").count() == 1
