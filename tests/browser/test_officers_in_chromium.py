"""The officers' screens of issue 17 in real Chromium, each looked at on a tablet held both ways
(1024×768 and 768×1024: screenshots in test-artifacts/, no sideways scrolling, no control smaller
than a thumb): staff and a badge renewed with its scan, vendors and a rate, the directory searched
as one types, the on-call rota, acting officer, the shift log, an interpreter booked from the
flight page, and the approvals inbox with every kind of row."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from arrivals.models import InterpreterBooking, ShiftLogEntry
from cases.models import VendorRate
from poe_ops.models import Delegation, OnCall, night_of
from staffing.models import Credential
from staffing.services import leave as leave_services
from staffing.services import rosters, timesheets
from tests.browser.tablet import ARTIFACTS, shoot, sign_in
from tests.factories import ContactFactory, VendorFactory, VendorRateFactory, make_port_user
from tests.scenarios import PNG, family_on_flight, local, staff, submitted_incident

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def _open(page, live_server, path):
    page.goto(f"{live_server.url}{path}")
    page.wait_for_load_state()


def test_an_officer_renews_a_badge_with_its_scan_on_a_tablet(
    watched_page, live_server, atl, atl_officer, atl_associate, tmp_path
):
    today = atl.local_today()
    profile = staff(
        atl_associate, atl, languages=("prs",), badge_expires=today - dt.timedelta(days=4)
    )
    profile.phone = "+1 404 555 0110"
    profile.save()
    staff(atl_officer, atl)
    badge = profile.credentials.get()
    page = watched_page
    sign_in(page, live_server, "atl.officer")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    _open(page, live_server, "/staffing/ATL/staff/")
    assert "expired" in page.inner_text(f"[data-staff='{atl_associate.pk}']")
    shoot(page, "staff-list")
    page.click(f"[data-staff='{atl_associate.pk}'] .staff-name a")
    page.wait_for_url(f"**/staffing/ATL/staff/{atl_associate.pk}/")
    shoot(page, "staff-member")
    page.click("a[aria-label='Renew Airport badge (SIDA/ID)']")
    page.wait_for_url(f"**/credentials/{badge.pk}/renew/")
    scan = tmp_path / "badge.png"
    scan.write_bytes(PNG)
    page.fill("#id_expires", (today + dt.timedelta(days=730)).isoformat())
    page.set_input_files("#id_scan", str(scan))
    shoot(page, "credential-renew")
    page.click("button:has-text('Renew')")
    page.wait_for_url(f"**/staffing/ATL/staff/{atl_associate.pk}/#credentials")
    assert "renewed, until" in page.inner_text(".messages")
    assert Credential.objects.get(renews=badge).scan_type == "image/png"
    assert "History (1 earlier)" in page.inner_text("#credentials")
    assert page.console_errors == []


def test_vendors_rates_and_the_directory_on_a_tablet(
    watched_page, live_server, atl, atl_officer, atl_associate
):
    hotel = VendorFactory.create(
        port=atl, kind="hotel", name="Airport Gateway Inn", phone="+1 404 555 0141"
    )
    VendorRateFactory.create(vendor=hotel, unit="room_night", amount=Decimal("129"))
    ContactFactory.create(
        port=atl,
        kind="airline",
        name="Nadia Qureshi",
        organisation="Qatar Airways",
        phone="+1 404 555 0320",
        after_hours_phone="+1 404 555 0321",
    )
    ContactFactory.create(port=atl, kind="hospital", name="Emergency", organisation="Grady")
    page = watched_page
    sign_in(page, live_server, "atl.officer")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    _open(page, live_server, "/ports/ATL/vendors/")
    shoot(page, "vendors")
    page.click("a:has-text('Add a vendor')")
    page.wait_for_selector("#id_name")
    page.select_option("#id_kind", "meal_provider")
    page.fill("#id_name", "airport gateway inn")  # the same name, in other letters
    page.click("button:has-text('Add the vendor')")
    page.wait_for_selector("#id_name_error")
    assert "already has a vendor called “Airport Gateway Inn”" in page.inner_text("#id_name_error")
    shoot(page, "vendor-form-refused")
    page.console_errors.clear()  # the refused form's 400
    _open(page, live_server, "/ports/ATL/vendors/")
    page.click("a:has-text('Airport Gateway Inn')")
    page.wait_for_selector("#rates")
    page.select_option("#id_unit", "meal")
    page.fill("#id_amount", "14")
    page.click("button:has-text('Add the rate')")
    page.wait_for_selector(".messages")
    assert VendorRate.objects.filter(vendor=hotel, unit="meal").exists()
    shoot(page, "vendor-rates")
    page.fill("#id_amount", "0")
    page.click("button:has-text('Add the rate')")
    page.wait_for_selector("#id_amount_error")
    shoot(page, "vendor-rate-refused")
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ], "the refused rate, answered 400 with the form: nothing else"
    page.console_errors.clear()

    # The night shift searches the directory as it types (htmx), under the strict CSP.
    _open(page, live_server, "/ports/ATL/contacts/new/")
    page.select_option("#id_kind", "agency")
    page.fill("#id_name", "Reception team")
    page.fill("#id_organisation", "IRC Atlanta")
    page.fill("#id_phone", "+1 404 555 0330")
    shoot(page, "contact-form")
    page.click("button:has-text('Add the contact')")
    page.wait_for_url("**/ports/ATL/contacts/")
    _open(page, live_server, "/ports/ATL/contacts/")
    assert "IRC Atlanta" in page.inner_text("#directory-results")
    shoot(page, "directory")
    page.fill("#id_q", "qatar")
    expect(page.locator("#directory-count")).to_have_text("1 found")
    assert "Nadia Qureshi" in page.inner_text("#directory-results")
    assert "Grady" not in page.inner_text("#directory-results")
    assert page.url.endswith("?q=qatar&kind="), "the search is in the address, for the back button"
    shoot(page, "directory-search")
    assert page.console_errors == []


def test_on_call_acting_officer_and_the_shift_log_on_a_tablet(
    watched_page, live_server, atl, atl_officer, atl_senior, atl_associate
):
    staff(atl_officer, atl)
    senior = staff(atl_senior, atl)
    senior.phone = "+1 404 555 0114"
    senior.save()
    staff(atl_associate, atl)
    page = watched_page
    sign_in(page, live_server, "atl.officer")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    _open(page, live_server, "/staffing/ATL/on-call/")
    shoot(page, "on-call")
    tonight = night_of(atl)
    page.click(f"[data-night='{tonight:%Y-%m-%d}'] a:has-text('Set')")
    page.select_option("#id_person", str(atl_senior.pk))
    shoot(page, "on-call-night")
    page.click("button:has-text('Save')")
    page.wait_for_selector(".messages")
    assert OnCall.objects.get(port=atl, night=tonight).phone == "+1 404 555 0114"

    _open(page, live_server, "/ports/ATL/acting-officer/")
    page.select_option("#id_delegate", str(atl_senior.pk))
    page.fill("#id_last_day", (atl.local_today() + dt.timedelta(days=1)).isoformat())
    page.fill("#id_note", "Regional meeting in DC")
    page.click("button:has-text('Delegate the approvals')")
    page.wait_for_selector(".delegation.is-running")
    assert Delegation.objects.filter(delegate=atl_senior).exists()
    shoot(page, "acting-officer")

    _open(page, live_server, "/ports/ATL/log/")
    page.fill("#id_text", "Belt 4 stopped at 23:10; QR747 bags on belt 6.")
    page.check("#id_for_supervisor")
    shoot(page, "shift-log-form")
    page.click("button:has-text('Write it')")
    page.wait_for_selector(".messages")
    assert ShiftLogEntry.objects.get().for_supervisor
    _open(page, live_server, "/ports/ATL/today/")
    operations = page.inner_text(".port-ops")
    assert "On call tonight:" in operations and "+1 404 555 0114" in operations
    assert "Belt 4 stopped" in operations and "Acting officer until" in operations
    shoot(page, "port-day-operations")
    assert page.console_errors == []


def test_an_interpreter_is_booked_from_the_flight_page_on_a_tablet(
    watched_page, live_server, atl, atl_associate
):
    service = VendorFactory.create(port=atl, kind="interpreter", name="Language Line South")
    VendorRateFactory.create(vendor=service, unit="interpreter_hour", amount=Decimal("95"))
    case, _people = family_on_flight(atl, size=2)
    flight = case.segments.get().flight
    page = watched_page
    sign_in(page, live_server, "atl.associate")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    _open(page, live_server, f"/ports/ATL/flights/{flight.pk}/")
    page.click(".page-actions a:has-text('Book interpreter')")
    page.wait_for_selector("#id_language")
    page.select_option("#id_vendor", str(service.pk))
    page.fill("#id_language", "Dari")
    page.fill("#id_start_time", "14:00")
    shoot(page, "interpreter-form")
    page.click("button:has-text('Book the interpreter')")
    page.wait_for_url(f"**/ports/ATL/flights/{flight.pk}/")
    booking = InterpreterBooking.objects.get()
    assert (booking.language, booking.cost) == ("prs", Decimal("190.00"))
    assert "Dari" in page.inner_text(".flight-interpreters")
    shoot(page, "flight-interpreters")
    _open(page, live_server, "/ports/ATL/interpreters/")
    assert "$190.00" in page.inner_text(".interpreter-list")
    shoot(page, "interpreters")
    assert page.console_errors == []


def test_the_approvals_inbox_with_every_kind_of_row_on_a_tablet(
    watched_page, live_server, atl, atl_officer, atl_associate
):
    staff(atl_associate, atl)
    staff(atl_officer, atl)
    make_port_user("atl.reporter", atl, __import__("poe_ops.roles").roles.Role.ASSOCIATE)
    high = submitted_incident(atl, category="medical", severity="high")
    submitted_incident(atl)
    start = atl.local_today() + dt.timedelta(days=9)
    rosters.add_shift(
        atl_officer, atl, staff=atl_associate, start=local(atl, start, 6), end=local(atl, start, 14)
    )
    leave = leave_services.request_leave(
        atl_associate, atl, kind="annual", first_day=start, last_day=start + dt.timedelta(days=1)
    )
    sheet = timesheets.open_timesheet(atl_associate, atl, atl.local_today().replace(day=1))
    timesheets.submit_timesheet(atl_associate, sheet)
    page = watched_page
    sign_in(page, live_server, "atl.officer")
    page.wait_for_url(f"{live_server.url}/ports/ATL/today/")
    _open(page, live_server, "/approvals/")
    for width, height in ((1024, 768), (1440, 900), (768, 1024)):
        page.set_viewport_size({"width": width, "height": height})
        if width > 800:
            # Every row's cells sit under their column's header, whatever the kind of record.
            lefts = page.evaluate(
                """() => {
                  const heads = [...document.querySelectorAll('.approvals-table thead th')]
                    .map(th => Math.round(th.getBoundingClientRect().left));
                  return [...document.querySelectorAll('.approvals-table tbody tr')].map(tr =>
                    [...tr.children].map(td => Math.round(td.getBoundingClientRect().left))
                      .every((left, i) => left === heads[i])
                    && tr.children.length === heads.length);
                }"""
            )
            assert lefts == [True] * 4, (width, lefts)
    ARTIFACTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    page.screenshot(path=str(ARTIFACTS / "approvals-1440x900.png"), full_page=True)
    shoot(page, "approvals")
    high_row = page.locator(f"#approval-incident-{high.pk}")
    assert high_row.locator("button:has-text('Approve')").count() == 0
    assert "read the report before approving" in high_row.inner_text()
    leave_row = page.locator(f"#approval-leave-{leave.pk}")
    assert leave_row.locator("input[name=release_shifts]").is_checked()
    leave_row.locator("button:has-text('Approve')").click()
    page.wait_for_selector(f"#approval-leave-{leave.pk}.is-decided")
    assert "Released 1 shift" in page.inner_text(f"#approval-leave-{leave.pk}")
    _open(page, live_server, f"/staffing/ATL/payroll/{atl.local_today():%Y-%m}/")
    assert "Timesheets due" in page.inner_text(".page-head")
    shoot(page, "payroll")
    assert page.console_errors == []
