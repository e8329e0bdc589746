"""The signed-off timesheet PDF (rendered for real, read back with pypdf), the daily notice of
expiring credentials, leave requests, and two officers deciding at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from poe_ops.models import AuditEvent, Document, Notification, NotificationKind, ReviewStatus
from poe_ops.queries.approvals import awaiting
from poe_ops.refusals import Conflict
from poe_ops.registry import SOURCES
from poe_ops.tasks import render_document
from staffing.models import Credential, LeaveRequest
from staffing.services import leave as leave_services
from staffing.services import rosters
from staffing.services import timesheets as ts
from staffing.services.credentials import notify_expiring_credentials
from staffing.services.rosters import ShiftRefused
from tests.concurrency import run_together
from tests.htmx import HTMX
from tests.pdfs import pdf_text
from tests.scenarios import local, next_monday, staff

pytestmark = pytest.mark.usefixtures("private_storage")

MONTH = dt.date(2026, 10, 1)


@pytest.fixture
def approved(atl, atl_associate, atl_officer):
    staff(atl_associate, atl)
    day = dt.date(2026, 10, 5)
    rosters.add_shift(
        atl_officer, atl, staff=atl_associate, start=local(atl, day, 8), end=local(atl, day, 18)
    )
    sheet = ts.open_timesheet(atl_associate, atl, MONTH)
    ts.update_days(
        atl_associate,
        sheet,
        {dt.date(2026, 10, 5): ts.DayInput("8", "2", "0", "<b>Late QR747</b> & escort")},
    )
    ts.submit_timesheet(atl_associate, sheet)
    ts.decide_timesheet(atl_officer, sheet, True)
    return sheet


@pytest.mark.django_db
def test_the_signed_off_timesheet_pdf_has_hours_approver_and_signature_lines(
    client, approved, atl_associate, atl_officer
):
    client.force_login(atl_associate)
    response = client.post(f"/staffing/timesheets/{approved.pk}/pdf/")
    document = Document.objects.get(kind="timesheet")
    assert response.url == f"/documents/{document.pk}/"
    assert document.object_id == str(approved.pk)
    assert render_document(document.pk) == "ready"
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()))
    assert f"Timesheet — {atl_associate.get_full_name()}, October 2026" in text
    assert "Mon 5 Oct 8 2 0 <b>Late QR747</b> & escort" in text  # escaped, shown literally
    assert "Approving officer" in text and atl_officer.get_full_name() in text
    assert text.count("Signature") == 2
    assert "Approved by" in text
    assert document.file_name == "timesheet-atl.associate-ATL-2026-10.pdf"


@pytest.mark.django_db
def test_a_timesheet_not_approved_cannot_be_printed(client, atl, atl_associate, jfk_officer):
    staff(atl_associate, atl)
    sheet = ts.open_timesheet(atl_associate, atl, MONTH)
    client.force_login(atl_associate)
    response = client.post(f"/staffing/timesheets/{sheet.pk}/pdf/", **HTMX)
    assert response.status_code == 400
    assert "Only an approved timesheet can be printed" in response.content.decode()
    assert not Document.objects.exists()
    client.force_login(jfk_officer)
    assert client.post(f"/staffing/timesheets/{sheet.pk}/pdf/").status_code == 404


@pytest.mark.django_db
def test_the_daily_job_tells_each_officer_once_a_day(atl, atl_officer, atl_associate, jfk_officer):
    today = atl.local_today()
    profile = staff(atl_associate, atl, badge_expires=today + dt.timedelta(days=12))
    Credential.objects.create(
        profile=profile, kind=Credential.Kind.TRAINING_PSEA, expires=today + dt.timedelta(days=90)
    )
    staff(jfk_officer, atl.__class__.objects.get(iata="JFK"))  # JFK staff, valid badge
    assert notify_expiring_credentials(today) == 1
    assert notify_expiring_credentials(today) == 0  # again the same day: nothing more
    note = Notification.objects.get(kind=NotificationKind.CREDENTIAL)
    assert note.recipient == atl_officer and note.port == atl
    assert "Airport badge (SIDA/ID) expires in 12 days" in note.subject
    assert notify_expiring_credentials(today + dt.timedelta(days=1)) == 1  # the next morning

    # A renewed badge is no longer reported.
    Credential.objects.create(
        profile=profile, kind=Credential.Kind.AIRPORT_BADGE, expires=today + dt.timedelta(days=700)
    )
    assert notify_expiring_credentials(today + dt.timedelta(days=2)) == 0


@pytest.mark.django_db
def test_the_beat_job_is_scheduled_daily_and_runs_the_notice(
    settings, atl, atl_officer, atl_associate
):
    from staffing.tasks import expiring_credentials

    entry = settings.CELERY_BEAT_SCHEDULE["staffing.notify_expiring_credentials"]
    assert entry["task"] == expiring_credentials.name
    staff(atl_associate, atl, badge_expires=atl.local_today())
    assert expiring_credentials() == 1
    assert expiring_credentials() == 0


@pytest.mark.django_db
def test_the_officers_home_warns_of_expiring_credentials(client, atl, atl_officer, atl_associate):
    staff(atl_associate, atl, badge_expires=atl.local_today() + dt.timedelta(days=5))
    client.force_login(atl_officer)
    page = client.get("/staffing/").content.decode()
    assert "Credentials expiring within 30 days" in page
    assert "Airport badge (SIDA/ID) SIDA-" in page
    roster = client.get("/staffing/ATL/roster/").content.decode()
    assert "Credentials to renew" in roster


@pytest.mark.django_db
def test_leave_is_asked_for_approved_and_then_blocks_shifts(
    client, atl, atl_associate, atl_officer
):
    staff(atl_associate, atl)
    monday = next_monday(atl)
    client.force_login(atl_associate)
    response = client.post(
        "/staffing/ATL/leave/new/",
        {"kind": "annual", "first_day": monday.isoformat(),
         "last_day": (monday + dt.timedelta(days=1)).isoformat(), "reason": "Family visit"},
    )  # fmt: skip
    leave = LeaveRequest.objects.get()
    assert response.url == f"/staffing/leave/{leave.pk}/"
    assert leave.status == ReviewStatus.SUBMITTED
    assert [s.key for s, _ in awaiting(atl_officer)] == ["leave"]

    SOURCES["leave"].decide(atl_officer, leave, True, "Enjoy")
    assert Notification.objects.get(kind=NotificationKind.REVIEW).recipient == atl_associate
    with pytest.raises(ShiftRefused, match="is on approved annual leave"):
        rosters.add_shift(
            atl_officer, atl, staff=atl_associate,
            start=local(atl, monday, 8), end=local(atl, monday, 16),
        )  # fmt: skip
    client.force_login(atl_officer)
    roster = client.get("/staffing/ATL/roster/?week=" + f"{monday:%G-W%V}").content.decode()
    assert roster.count("On leave") == 2


@pytest.mark.django_db
def test_leave_with_the_last_day_first_is_refused(atl, atl_associate):
    with pytest.raises(ValidationError, match="before the first"):
        leave_services.request_leave(
            atl_associate, atl, kind="annual",
            first_day=dt.date(2026, 12, 3), last_day=dt.date(2026, 12, 1),
        )  # fmt: skip
    assert not LeaveRequest.objects.exists()


@pytest.mark.django_db
def test_another_ports_officer_cannot_see_or_decide_leave(client, atl, atl_associate, jfk_officer):
    leave = leave_services.request_leave(
        atl_associate,
        atl,
        kind="sick",
        first_day=dt.date(2026, 12, 1),
        last_day=dt.date(2026, 12, 1),
    )
    client.force_login(jfk_officer)
    assert client.get(f"/staffing/leave/{leave.pk}/").status_code == 404
    assert (
        client.post(f"/staffing/leave/{leave.pk}/decide/", {"decision": "approve"}).status_code
        == 404
    )
    leave.refresh_from_db()
    assert leave.status == ReviewStatus.SUBMITTED


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_approving_at_once_make_one_approval(atl, atl_associate, atl_officer, attempt):
    from poe_ops.roles import Role
    from tests.factories import make_port_user

    second = make_port_user("atl.officer2", atl, Role.OFFICER)
    staff(atl_associate, atl)
    sheet = ts.open_timesheet(atl_associate, atl, MONTH)
    ts.submit_timesheet(atl_associate, sheet)
    results = run_together(
        lambda: ts.decide_timesheet(atl_officer, ts.Timesheet.objects.get(pk=sheet.pk), True),
        lambda: ts.decide_timesheet(second, ts.Timesheet.objects.get(pk=sheet.pk), True),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1, results
    assert "was already approved by" in str(conflicts[0])
    assert AuditEvent.objects.filter(action="poe.timesheet.approved").count() == 1
    assert Notification.objects.filter(kind=NotificationKind.REVIEW).count() == 1


@pytest.mark.django_db
def test_the_officer_sees_shifts_already_rostered_in_the_asked_for_leave(
    client, atl, atl_associate, atl_officer
):
    staff(atl_associate, atl)
    monday = next_monday(atl)
    rosters.add_shift(
        atl_officer, atl, staff=atl_associate,
        start=local(atl, monday, 8), end=local(atl, monday, 16),
    )  # fmt: skip
    leave = leave_services.request_leave(
        atl_associate, atl, kind="annual", first_day=monday, last_day=monday
    )
    client.force_login(atl_officer)
    page = client.get(f"/staffing/leave/{leave.pk}/").content.decode()
    assert "Rostered during this leave" in page
    assert f"ATL {monday:%a %d %b} 08:00 Arrivals hall" in page
    assert "if you approve, change the roster" in page
