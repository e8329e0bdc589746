"""Hotel and ground-transport bookings: the forms on the case page, legal status changes only,
a double submit recorded once, costs on the case and in the monthly CSV, vendor feedback and
the officer's vendor pages, and the transport manifest PDF."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest

from cases.models.bookings import HotelBooking, Vendor, VendorProblem, VendorRating
from cases.services.bookings import book_hotel, change_hotel_status, change_transport_status
from poe_ops import tasks
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent, Document, Notification, NotificationKind
from poe_ops.refusals import Refusal
from tests.factories import (
    CaseFactory,
    FlightFactory,
    GroundTransportBookingFactory,
    HotelBookingFactory,
    VendorFactory,
)
from tests.pdfs import pdf_text
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db


def hotel_form(atl, people, hotel, **extra):
    data = {
        "key": new_key(),
        "vendor": str(hotel.pk),
        "check_in": atl.local_today().isoformat(),
        "nights": "2",
        "rooms": "1",
        "accessible_room": "on",
        "cost": "250.00",
        "meal_cost": "60.00",
    }
    for person in people:
        data |= {f"meal_{person.pk}": "vegetarian", f"count_{person.pk}": "6"}
    return data | extra


def test_a_hotel_is_booked_from_the_case_page_once_however_often_it_is_sent(
    client, atl, atl_associate, dc_ops
):
    case, people = family_on_flight(atl, size=2)
    hotel = VendorFactory.create(port=atl, kind="hotel", name="Airport Inn")
    client.force_login(atl_associate)
    page = client.get(f"/cases/{case.case_number}/").content.decode()
    assert f'href="/cases/{case.case_number}/hotel/"' in page
    assert client.get(f"/cases/{case.case_number}/hotel/").status_code == 200
    data = hotel_form(atl, people, hotel)
    assert client.post(f"/cases/{case.case_number}/hotel/", data).status_code == 302
    assert client.post(f"/cases/{case.case_number}/hotel/", data).status_code == 302
    booking = HotelBooking.objects.get()
    assert (booking.nights, booking.accessible_room, booking.meals.count()) == (2, True, 2)
    assert AuditEvent.objects.filter(action="poe.booking.hotel.created").count() == 1
    assert Notification.objects.filter(kind=NotificationKind.TRANSIT).count() == 1


def test_a_hotel_of_another_port_or_kind_is_refused(atl, jfk, atl_associate):
    case = CaseFactory.create(port=atl)
    for wrong in (
        VendorFactory.create(port=jfk, kind="hotel"),
        VendorFactory.create(port=atl, kind="ground_transport"),
    ):
        with pytest.raises(Refusal, match="is not a hotel of ATL"):
            book_hotel(
                atl_associate,
                case,
                vendor=wrong,
                check_in=atl.local_today(),
                nights=1,
                rooms=1,
                idempotency_key=new_key(),
            )
    assert not HotelBooking.objects.exists()


def test_bad_input_on_the_hotel_form_says_where_and_books_nothing(client, atl, atl_associate):
    case, people = family_on_flight(atl, size=1)
    client.force_login(atl_associate)
    data = hotel_form(
        atl, people, VendorFactory.create(port=atl, kind="hotel"), nights="0", cost="-5"
    )
    response = client.post(f"/cases/{case.case_number}/hotel/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved" in html and html.count('class="field-error"') >= 2
    assert not HotelBooking.objects.exists()


def test_status_moves_only_along_the_legal_path(atl, atl_associate):
    booking = HotelBookingFactory.create(case__port=atl)
    with pytest.raises(Refusal, match="requested; it cannot become checked out"):
        change_hotel_status(atl_associate, booking.pk, "checked_out")
    for status in ("confirmed", "checked_in", "checked_out"):
        change_hotel_status(atl_associate, booking.pk, status)
    with pytest.raises(Refusal, match="checked out; it cannot become cancelled"):
        change_hotel_status(atl_associate, booking.pk, "cancelled")
    booking.refresh_from_db()
    assert booking.status == "checked_out"
    audits = AuditEvent.objects.filter(action="poe.booking.hotel.status").order_by("id")
    assert [a.changes["status"] for a in audits] == [
        ["requested", "confirmed"],
        ["confirmed", "checked_in"],
        ["checked_in", "checked_out"],
    ]
    ride = GroundTransportBookingFactory.create(case__port=atl)
    change_transport_status(atl_associate, ride.pk, "cancelled")
    with pytest.raises(Refusal, match="cancelled; it cannot become confirmed"):
        change_transport_status(atl_associate, ride.pk, "confirmed")


def test_an_illegal_status_post_shows_the_reason_and_changes_nothing(client, atl, atl_associate):
    booking = HotelBookingFactory.create(case__port=atl)
    client.force_login(atl_associate)
    response = client.post(
        f"/bookings/hotel/{booking.pk}/status/", {"status": "checked_in"}, follow=True
    )
    assert "requested; it cannot become checked in" in response.content.decode()
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_status_changes_are_404_for_another_port_and_403_for_hq(client, atl, jfk_associate, dc_ops):
    booking = HotelBookingFactory.create(case__port=atl)
    client.force_login(jfk_associate)
    assert (
        client.post(f"/bookings/hotel/{booking.pk}/status/", {"status": "confirmed"}).status_code
        == 404
    )
    client.force_login(dc_ops)
    assert (
        client.post(f"/bookings/hotel/{booking.pk}/status/", {"status": "confirmed"}).status_code
        == 403
    )
    booking.refresh_from_db()
    assert booking.status == "requested"


def test_the_case_page_sums_ground_hotel_and_meal_costs(client, atl, atl_associate):
    case, _people = family_on_flight(atl, size=2)
    HotelBookingFactory.create(case=case, cost=Decimal("129.00"), meal_cost=Decimal("42.50"))
    HotelBookingFactory.create(
        case=case, cost=Decimal("99.00"), meal_cost=Decimal("10.00"), status="cancelled"
    )
    GroundTransportBookingFactory.create(case=case, cost=Decimal("85.00"))
    GroundTransportBookingFactory.create(case=case, cost=Decimal("40.25"))
    client.force_login(atl_associate)
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert 'data-cost="ground">$125.25<' in html
    assert 'data-cost="hotel">$129.00<' in html
    assert 'data-cost="meals">$42.50<' in html
    assert 'data-cost="total"><strong>$296.75<' in html


def test_the_case_page_query_count_does_not_grow_with_its_bookings(
    client, atl, atl_associate, django_assert_max_num_queries
):
    case, people = family_on_flight(atl, size=3)
    client.force_login(atl_associate)
    client.get(f"/cases/{case.case_number}/")
    for _ in range(3):
        booking = HotelBookingFactory.create(case=case)
        booking.individuals.set(people)
        GroundTransportBookingFactory.create(case=case)
    # As test_case_page's 23, plus the bookings' people and meals: the same however many.
    with django_assert_max_num_queries(26):
        assert client.get(f"/cases/{case.case_number}/").status_code == 200


def test_the_monthly_cost_csv_sums_the_ports_bookings_and_is_formula_safe(
    client, atl, jfk, atl_officer
):
    month = atl.local_today().replace(day=1)
    case = CaseFactory.create(port=atl)
    HotelBookingFactory.create(
        case=case,
        vendor=VendorFactory.create(port=atl, kind="hotel", name='=HYPERLINK("x")'),
        check_in=month,
        cost=Decimal("100.00"),
        meal_cost=Decimal("20.00"),
    )
    HotelBookingFactory.create(
        case=case, check_in=month, cost=Decimal("50.00"), meal_cost=Decimal("5.00")
    )
    GroundTransportBookingFactory.create(
        case=case,
        cost=Decimal("30.00"),
        pickup_at=dt.datetime.combine(month, dt.time(12), tzinfo=atl.zone),
    )
    HotelBookingFactory.create(
        case=case, check_in=month - dt.timedelta(days=1), cost=Decimal("999")
    )
    HotelBookingFactory.create(case__port=jfk, check_in=month, cost=Decimal("777"))
    client.force_login(atl_officer)
    response = client.get(f"/ports/ATL/costs.csv?month={month:%Y-%m}")
    assert response["Content-Disposition"].endswith(f'costs-ATL-{month:%Y-%m}.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["date", "case", "what", "vendor", "status", "ground", "hotel", "meals"]
    assert len(rows) == 1 + 3 + 2
    assert '\'=HYPERLINK("x")' in [r[3] for r in rows]
    assert rows[-2][5:] == ["30.00", "150.00", "25.00"]
    assert rows[-1][-1] == "205.00"


def test_the_cost_csv_is_404_for_another_port(client, atl, jfk_officer):
    client.force_login(jfk_officer)
    assert client.get("/ports/ATL/costs.csv").status_code == 404


def test_feedback_rates_and_logs_a_problem_the_officer_sees_and_resolves(
    client, atl, atl_associate, atl_officer
):
    ride = GroundTransportBookingFactory.create(
        case__port=atl,
        vendor=VendorFactory.create(port=atl, kind="ground_transport", name="Peach <Shuttles>"),
    )
    client.force_login(atl_associate)
    url = f"/bookings/transport/{ride.pk}/feedback/"
    assert client.post(url, {"rating": "", "problem": ""}).status_code == 400
    response = client.post(url, {"rating": "2", "problem": "late_pickup", "description": ""})
    assert "Say in a few words what happened." in response.content.decode()
    assert (
        client.post(
            url, {"rating": "2", "problem": "late_pickup", "description": "40 minutes late"}
        ).status_code
        == 302
    )
    assert VendorRating.objects.get().rating == 2
    assert client.get("/ports/ATL/vendors/").status_code == 403  # officers only
    client.force_login(atl_officer)
    html = client.get("/ports/ATL/vendors/").content.decode()
    assert "Peach &lt;Shuttles&gt;" in html and "<strong>2.0</strong> / 5" in html
    assert '<span class="alert-text">1</span>' in html
    problem = VendorProblem.objects.get()
    detail = client.get(f"/ports/ATL/vendors/{ride.vendor_id}/").content.decode()
    assert "40 minutes late" in detail and "Open problems (1)" in detail
    client.post(f"/vendor-problems/{problem.pk}/resolve/", {"resolution": "Spoke to dispatch"})
    problem.refresh_from_db()
    assert problem.status == "resolved" and problem.resolved_by == atl_officer


def test_the_vendor_page_period_leaves_out_older_ratings(client, atl, atl_officer):
    hotel = VendorFactory.create(port=atl, kind="hotel")
    old = VendorRating.objects.create(vendor=hotel, rating=1, rated_by=atl_officer)
    VendorRating.objects.filter(pk=old.pk).update(rated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    VendorRating.objects.create(vendor=hotel, rating=5, rated_by=atl_officer)
    client.force_login(atl_officer)
    html = client.get("/ports/ATL/vendors/").content.decode()
    assert "<strong>5.0</strong> / 5" in html
    html = client.get("/ports/ATL/vendors/?start=2019-01-01").content.decode()
    assert "<strong>3.0</strong> / 5" in html


def test_the_transport_manifest_lists_one_companys_pickups_of_one_day(client, atl, atl_associate):
    company = VendorFactory.create(
        port=atl, kind=Vendor.Kind.GROUND_TRANSPORT, name="Peach Shuttles"
    )
    other = VendorFactory.create(port=atl, kind=Vendor.Kind.GROUND_TRANSPORT, name="Other Cars")
    today = atl.local_today()
    evening = dt.datetime.combine(today, dt.time(21, 15), tzinfo=atl.zone)
    case, _people = family_on_flight(atl, size=2, surname="Haidari")
    GroundTransportBookingFactory.create(
        case=case,
        vendor=company,
        pickup_at=evening,
        wheelchair_accessible=True,
        dropoff="final_destination",
        dropoff_detail="12 <Elm> St",
    )
    GroundTransportBookingFactory.create(case__port=atl, vendor=other, pickup_at=evening)
    GroundTransportBookingFactory.create(
        case__port=atl, vendor=company, pickup_at=evening + dt.timedelta(days=1)
    )
    cancelled = GroundTransportBookingFactory.create(
        case__port=atl, vendor=company, pickup_at=evening, status="cancelled"
    )
    client.force_login(atl_associate)
    client.post(
        "/ports/ATL/documents/transport-manifest/",
        {"vendor": company.pk, "date": today.isoformat()},
    )
    document = Document.objects.get(kind="transport_manifest")
    assert tasks.render_document(document.pk) == "ready"
    document.refresh_from_db()
    text = " ".join(pdf_text(document.file.read())).replace("\n", " ")
    assert "1 pickup · 2 passengers" in text and "21:15" in text
    assert "12 <Elm> St" in text and "Wheelchair-" in text
    assert text.count("Haidari") == 2 and cancelled.case.case_number not in text


def test_a_transport_manifest_of_another_ports_company_is_refused(client, atl, jfk, atl_associate):
    client.force_login(atl_associate)
    response = client.post(
        "/ports/ATL/documents/transport-manifest/",
        {"vendor": VendorFactory.create(port=jfk, kind="ground_transport").pk},
    )
    assert response.status_code == 302
    assert not Document.objects.exists()


def test_an_interpreter_service_is_rated_from_the_port_without_a_booking(
    client, atl, jfk, atl_associate
):
    service = VendorFactory.create(
        port=atl, kind=Vendor.Kind.INTERPRETER, name="Language Line South"
    )
    VendorFactory.create(port=jfk, kind=Vendor.Kind.INTERPRETER, name="Metro Interpreting NY")
    client.force_login(atl_associate)
    page = client.get("/ports/ATL/vendor-feedback/").content.decode()
    assert "Language Line South" in page and "Metro Interpreting NY" not in page
    assert 'href="/ports/ATL/vendor-feedback/"' in client.get("/ports/ATL/today/").content.decode()
    data = {
        "vendor": service.pk,
        "rating": "1",
        "problem": "no_interpreter",
        "description": "No Dari interpreter for 40 minutes",
    }
    assert client.post("/ports/ATL/vendor-feedback/", data).status_code == 302
    problem = VendorProblem.objects.get()
    assert (problem.vendor, problem.kind, problem.hotel_booking) == (
        service,
        "no_interpreter",
        None,
    )
    assert VendorRating.objects.get().vendor == service


def test_the_board_csv_counts_who_needs_an_escort(client, atl, dc_ops):
    noon = dt.datetime.combine(atl.local_today(), dt.time(12), tzinfo=atl.zone)
    family_on_flight(
        atl,
        FlightFactory.create(port=atl, scheduled_arrival=noon),
        size=2,
        programme_status="urm",
    )
    client.force_login(dc_ops)
    response = client.get(f"/board/export.csv?date={atl.local_today()}")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["needing an escort, without one"] == "2"
