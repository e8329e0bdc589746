"""Issue 17, "How it is checked": as atl.officer, with no admin rights, renew an expired badge
(the roster then accepts that person's shift), add a hotel with a rate (a new booking's cost
comes from it), add a contact, set tonight's on-call, and delegate approvals to atl.senior for
two days — who then approves a timesheet marked "acting for", and on day three is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.models import HotelBooking, Vendor, VendorRate
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent, Contact, Delegation, OnCall, night_of
from staffing.models import Credential, LeaveRequest, Shift
from staffing.services import leave as leave_services
from staffing.services import timesheets
from tests.factories import make_port_user
from tests.scenarios import PNG, family_on_flight, local, staff

pytestmark = pytest.mark.django_db


def test_an_officer_runs_the_port_without_the_admin(
    client, monkeypatch, atl, atl_officer, atl_senior, atl_associate, dc_ops
):
    from poe_ops.roles import Role

    assert not atl_officer.is_staff and not atl_officer.is_superuser
    staff(atl_officer, atl)
    senior = staff(atl_senior, atl)
    senior.phone = "+1 404 555 0177"
    senior.save()
    staff(atl_associate, atl)
    today = atl.local_today()
    lucia = make_port_user(
        "atl.ltorres", atl, Role.ASSOCIATE, first_name="Lucia", last_name="Torres"
    )
    staff(lucia, atl, badge_expires=today - dt.timedelta(days=6))
    badge = Credential.objects.get(profile__user=lucia)
    client.force_login(atl_officer)
    tomorrow = today + dt.timedelta(days=1)
    shift = {
        "staff": lucia.pk,
        "day": tomorrow.isoformat(),
        "start_time": "06:00",
        "end_time": "14:00",
        "position": "arrivals_hall",
    }

    # 1. The roster refuses Lucia airside: her badge expired. The officer renews it, with a
    #    scan; the roster then accepts the same shift.
    refused = client.post("/staffing/ATL/roster/shifts/new/", shift)
    assert refused.status_code == 422
    assert f"airport badge expired on {badge.expires:%d %b %Y}" in refused.content.decode()
    staff_page = client.get(f"/staffing/ATL/staff/{lucia.pk}/").content.decode()
    renew_url = f"/staffing/ATL/staff/{lucia.pk}/credentials/{badge.pk}/renew/"
    assert f'href="{renew_url}"' in staff_page
    renewed = client.post(
        renew_url,
        {
            "expires": (today + dt.timedelta(days=730)).isoformat(),
            "issued": today.isoformat(),
            "scan": SimpleUploadedFile("badge.png", PNG, content_type="image/png"),
        },
    )
    assert renewed.status_code == 302
    renewal = Credential.objects.get(renews=badge)
    assert renewal.scan_type == "image/png" and renewal.recorded_by == atl_officer
    assert client.post("/staffing/ATL/roster/shifts/new/", shift).status_code == 302
    assert Shift.objects.filter(staff=lucia, port=atl).count() == 1

    # 2. A hotel with its contracted rates; a new booking's cost comes from them.
    added = client.post(
        "/ports/ATL/vendors/new/",
        {
            "key": new_key(),
            "kind": "hotel",
            "name": "Airport Inn",
            "phone": "+1 404 555 0150",
            "active": "on",
        },
    )
    hotel = Vendor.objects.get(port=atl, name="Airport Inn")
    assert added["Location"] == f"/ports/ATL/vendors/{hotel.pk}/"
    for unit, amount in (("room_night", "140.00"), ("meal", "15.00")):
        rate = client.post(
            f"/ports/ATL/vendors/{hotel.pk}/rates/",
            {"key": new_key(), "unit": unit, "amount": amount, "valid_from": today.isoformat()},
        )
        assert rate.status_code == 302
    assert VendorRate.objects.filter(vendor=hotel).count() == 2
    case, people = family_on_flight(atl, size=2)
    client.force_login(atl_associate)
    booking_form = client.get(f"/cases/{case.case_number}/hotel/").content.decode()
    assert "Airport Inn ($140.00 per night, $15.00 per person)" in booking_form
    data = {
        "key": new_key(),
        "vendor": str(hotel.pk),
        "check_in": today.isoformat(),
        "nights": "2",
        "rooms": "1",
    }
    for person in people:
        data |= {f"meal_{person.pk}": "halal", f"count_{person.pk}": "3"}
    assert client.post(f"/cases/{case.case_number}/hotel/", data).status_code == 302
    booking = HotelBooking.objects.get(case=case)
    assert (booking.cost, booking.computed_cost) == (Decimal("280.00"), Decimal("280.00"))
    assert (booking.meal_cost, booking.computed_meal_cost) == (Decimal("90.00"), Decimal("90.00"))

    # 3. A contact in the port's directory, found from the tablet's search.
    client.force_login(atl_officer)
    contact = {
        "key": new_key(),
        "kind": "cbp",
        "name": "Watch commander",
        "organisation": "CBP Atlanta",
        "phone": "+1 404 555 0311",
        "active": "on",
    }
    assert client.post("/ports/ATL/contacts/new/", contact).status_code == 302
    assert Contact.objects.filter(port=atl, organisation="CBP Atlanta").exists()
    client.force_login(atl_associate)
    found = client.get("/ports/ATL/contacts/?q=cbp+atlanta").content.decode()
    assert 'href="tel:+1 404 555 0311"' in found

    # 4. Tonight's on-call: the senior associate, on the number of their profile; HQ sees it.
    client.force_login(atl_officer)
    night = night_of(atl)
    set_url = f"/staffing/ATL/on-call/{night.isoformat()}/"
    assert client.post(set_url, {"person": atl_senior.pk, "phone": ""}).status_code == 302
    assert OnCall.objects.get(port=atl, night=night).phone == "+1 404 555 0177"
    client.force_login(dc_ops)
    board = client.get("/board/").content.decode()
    name = atl_senior.get_full_name()
    assert f'On call tonight: <strong>{name}</strong> <a href="tel:+1 404 555 0177">' in board

    # 5. Approvals delegated to atl.senior for today and tomorrow.
    client.force_login(atl_officer)
    delegated = client.post(
        "/ports/ATL/acting-officer/",
        {
            "key": new_key(),
            "delegate": atl_senior.pk,
            "first_day": today.isoformat(),
            "last_day": tomorrow.isoformat(),
            "note": "Officer at the regional meeting",
        },
    )
    assert delegated.status_code == 302
    delegation = Delegation.objects.get(port=atl)
    assert (delegation.officer, delegation.delegate) == (atl_officer, atl_senior)

    sheet = timesheets.open_timesheet(atl_associate, atl, today.replace(day=1))
    timesheets.submit_timesheet(atl_associate, sheet)
    client.force_login(atl_senior)
    inbox = client.get("/approvals/").content.decode()
    assert f"approval-timesheet-{sheet.pk}" in inbox
    assert "You act as officer for <strong>" in inbox
    row = client.post(f"/approvals/timesheet/{sheet.pk}/approve/", HTTP_HX_REQUEST="true")
    assert "Approved by you, acting for " in row.content.decode()
    sheet.refresh_from_db()
    assert sheet.status == "approved"
    assert (sheet.decided_by, sheet.decided_acting_for) == (atl_senior, atl_officer)
    event = AuditEvent.objects.for_object(sheet).get(action="poe.timesheet.approved")
    assert event.actor == atl_senior
    assert event.data["acting_for"]["id"] == atl_officer.pk
    page = client.get(f"/staffing/timesheets/{sheet.pk}/").content.decode()
    assert "(acting for " in page

    # 6. Day three: the delegation has ended by itself. Nothing awaits the senior associate,
    #    and approving is refused.
    leave = leave_services.request_leave(
        atl_associate,
        atl,
        kind="annual",
        first_day=today + dt.timedelta(days=20),
        last_day=today + dt.timedelta(days=21),
    )
    day_three = local(atl, today + dt.timedelta(days=2), 10).astimezone(dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: day_three)
    client.force_login(atl_senior)  # yesterday's session has expired: they sign in again
    inbox = client.get("/approvals/").content.decode()
    assert f"approval-leave-{leave.pk}" not in inbox
    assert "Nothing awaits your decision." in inbox
    refused = client.post(f"/approvals/leave/{leave.pk}/approve/")
    assert refused.status_code == 403
    assert LeaveRequest.objects.get(pk=leave.pk).status == "submitted"

    # Every change above is in the audit log, by whoever made it.
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "poe.credential.renewed",
        "poe.shift.created",
        "poe.vendor.created",
        "poe.vendor.rate.added",
        "poe.booking.hotel.created",
        "poe.contact.created",
        "poe.on_call.set",
        "poe.delegation.created",
        "poe.timesheet.approved",
    } <= actions
