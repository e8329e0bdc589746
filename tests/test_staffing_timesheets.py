"""Timesheets: pre-filled from shifts, edited by their author, submitted, approved or returned
by an officer of the port (never by the author), joined to the approvals inbox; the payroll
export of approved months as CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied

from poe_ops.models import AuditEvent, Notification, NotificationKind, ReviewStatus
from poe_ops.queries.approvals import awaiting
from poe_ops.refusals import Conflict
from staffing.models import LeaveRequest, Position, Timesheet
from staffing.services import rosters
from staffing.services import timesheets as ts
from tests.htmx import HTMX
from tests.scenarios import local, staff

pytestmark = pytest.mark.django_db

MONTH = dt.date(2026, 10, 1)  # no daylight-saving change at ATL in October


@pytest.fixture
def worked(atl, atl_associate, atl_officer):
    """atl.associate worked 5 Oct 08:00–20:00 (12 h) and 6 Oct 20:00–07:00 (11 h, 8 at night)."""
    staff(atl_associate, atl)
    staff(atl_officer, atl)
    rosters.add_shift(
        atl_officer, atl, staff=atl_associate,
        start=local(atl, dt.date(2026, 10, 5), 8), end=local(atl, dt.date(2026, 10, 5), 20),
    )  # fmt: skip
    rosters.add_shift(
        atl_officer, atl, staff=atl_associate, position=Position.TRANSIT_HOTEL,
        start=local(atl, dt.date(2026, 10, 6), 20), end=local(atl, dt.date(2026, 10, 7), 7),
    )  # fmt: skip
    return atl


def test_it_prefills_regular_overtime_and_night_hours_from_shifts(worked, atl_associate):
    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    days = {e.day.day: e for e in sheet.entries.all()}
    assert len(days) == 31
    assert (days[5].hours, days[5].overtime, days[5].night_hours) == (8, 4, 0)
    assert (days[6].hours, days[6].overtime, days[6].night_hours) == (8, 3, 8)
    assert days[7].hours == 0
    assert ts.open_timesheet(atl_associate, worked, MONTH) == sheet  # opened again: the same
    assert AuditEvent.objects.filter(action="poe.timesheet.created").count() == 1


def test_the_acceptance_flow_submit_approve_and_payroll(client, worked, atl_associate, atl_officer):
    client.force_login(atl_associate)
    response = client.get("/staffing/ATL/timesheets/2026-10/")
    sheet = Timesheet.objects.get(author=atl_associate)
    assert response.url == f"/staffing/timesheets/{sheet.pk}/"
    client.post(
        f"/staffing/timesheets/{sheet.pk}/",
        {"hours-2026-10-09": "6", "overtime-2026-10-09": "0", "night-2026-10-09": "0",
         "notes-2026-10-09": "Airport training"},
    )  # fmt: skip
    client.post(f"/staffing/timesheets/{sheet.pk}/submit/")
    sheet.refresh_from_db()
    assert sheet.status == ReviewStatus.SUBMITTED

    # The officer's inbox holds it, rendered by the row template.
    assert [(s.key, r.pk) for s, r in awaiting(atl_officer)] == [("timesheet", sheet.pk)]
    client.force_login(atl_officer)
    home = client.get("/staffing/").content.decode()
    assert "Timesheet October 2026" in home and "22 h regular" in home

    # The officer approves it from /approvals/, with htmx: only its row comes back.
    inbox = client.get("/approvals/").content.decode()
    assert '<span class="nav-count" aria-label="1 awaiting you">1</span>' in inbox
    assert "Timesheet" in inbox and f"/approvals/timesheet/{sheet.pk}/approve/" in inbox
    row = client.post(f"/approvals/timesheet/{sheet.pk}/approve/", **HTMX).content.decode()
    assert "Approved by you" in row and "<html" not in row
    assert "0 awaiting your decision" in client.get("/approvals/").content.decode()
    sheet.refresh_from_db()
    assert sheet.status == ReviewStatus.APPROVED and sheet.decided_by == atl_officer
    note = Notification.objects.get(kind=NotificationKind.REVIEW)
    assert note.recipient == atl_associate
    assert "approved" in note.subject

    exported = client.get("/staffing/ATL/payroll/2026-10/csv/")
    rows = list(csv.reader(io.StringIO(exported.content.decode())))
    assert rows[0][:8] == [
        "Staff member", "Username", "Port", "Month", "Regular hours", "Overtime hours",
        "Night hours", "Leave days",
    ]  # fmt: skip
    assert rows[1][1:8] == ["atl.associate", "ATL", "2026-10", "22.00", "7.00", "8.00", "0"]


def test_leave_and_timesheets_wait_in_the_inbox_with_incidents_oldest_first(
    client, worked, atl_associate, atl_officer
):
    from tests.scenarios import submitted_incident

    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    ts.submit_timesheet(atl_associate, sheet)
    report = submitted_incident(worked)
    client.force_login(atl_officer)
    inbox = client.get("/approvals/").content.decode()
    assert '<span class="nav-count" aria-label="2 awaiting you">2</span>' in inbox
    assert inbox.index(f"/approvals/timesheet/{sheet.pk}/") < inbox.index(
        f"/approvals/incident/{report.pk}/"
    )
    refused = client.post(
        f"/approvals/timesheet/{sheet.pk}/return/", {"comment": ""}, **HTMX
    ).content.decode()
    assert "Say what needs changing" in refused
    sheet.refresh_from_db()
    assert sheet.status == ReviewStatus.SUBMITTED


def test_an_officer_cannot_approve_their_own_timesheet(client, worked, atl_officer):
    sheet = ts.open_timesheet(atl_officer, worked, MONTH)
    ts.submit_timesheet(atl_officer, sheet)
    assert awaiting(atl_officer) == []
    with pytest.raises(PermissionDenied, match="cannot approve your own"):
        ts.decide_timesheet(atl_officer, sheet, True)
    client.force_login(atl_officer)
    page = client.get(f"/staffing/timesheets/{sheet.pk}/").content.decode()
    assert "Your decision" not in page
    client.post(f"/staffing/timesheets/{sheet.pk}/decide/", {"decision": "approve"})
    sheet.refresh_from_db()
    assert sheet.status == ReviewStatus.SUBMITTED


def test_returning_needs_a_comment_and_the_author_can_fix_and_resubmit(
    client, worked, atl_associate, atl_officer
):
    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    ts.submit_timesheet(atl_associate, sheet)
    client.force_login(atl_officer)
    client.post(f"/staffing/timesheets/{sheet.pk}/decide/", {"decision": "return"})
    sheet.refresh_from_db()
    assert sheet.status == ReviewStatus.SUBMITTED  # no comment: refused
    client.post(
        f"/staffing/timesheets/{sheet.pk}/decide/",
        {"decision": "return", "comment": "6 Oct: you left at 06:00"},
    )
    sheet.refresh_from_db()
    assert sheet.status == ReviewStatus.RETURNED
    client.force_login(atl_associate)
    page = client.get(f"/staffing/timesheets/{sheet.pk}/").content.decode()
    assert "6 Oct: you left at 06:00" in page
    client.post(
        f"/staffing/timesheets/{sheet.pk}/",
        {"hours-2026-10-06": "8", "overtime-2026-10-06": "2", "night-2026-10-06": "8"},
    )
    client.post(f"/staffing/timesheets/{sheet.pk}/submit/")
    sheet.refresh_from_db()
    assert sheet.status == ReviewStatus.SUBMITTED
    actions = [e.action for e in ts.review.history(sheet)]
    assert actions == [
        "poe.timesheet.created", "poe.timesheet.submitted", "poe.timesheet.returned",
        "poe.timesheet.updated", "poe.timesheet.resubmitted",
    ]  # fmt: skip


def test_bad_hours_are_refused_with_the_day_and_nothing_is_saved(client, worked, atl_associate):
    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    client.force_login(atl_associate)
    response = client.post(
        f"/staffing/timesheets/{sheet.pk}/",
        {"hours-2026-10-09": "7", "overtime-2026-10-09": "0", "night-2026-10-09": "0",
         "hours-2026-10-10": "eight", "overtime-2026-10-10": "0", "night-2026-10-10": "0",
         "hours-2026-10-11": "4", "overtime-2026-10-11": "0", "night-2026-10-11": "5"},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 422
    assert "Sat 10 Oct, regular hours: “eight” is not a number of hours." in page
    assert "Sun 11 Oct: night hours are more than the hours worked." in page
    assert sheet.entries.get(day=dt.date(2026, 10, 9)).hours == 0


def test_a_submitted_timesheet_can_no_longer_be_edited(worked, atl_associate):
    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    ts.submit_timesheet(atl_associate, sheet)
    days = {dt.date(2026, 10, 9): ts.DayInput("8", "0", "0", "")}
    with pytest.raises(Conflict, match="can no longer be changed"):
        ts.update_days(atl_associate, sheet, days)


def test_others_may_not_see_a_timesheet(client, worked, atl_associate, atl_senior, jfk_officer):
    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    for user in (atl_senior, jfk_officer):
        client.force_login(user)
        assert client.get(f"/staffing/timesheets/{sheet.pk}/").status_code == 404
        assert (
            client.post(
                f"/staffing/timesheets/{sheet.pk}/decide/", {"decision": "approve"}
            ).status_code
            == 404
        )
    assert client.get("/staffing/ATL/payroll/2026-10/csv/").status_code == 404


def test_the_payroll_page_lists_unapproved_months_before_export(
    client, worked, atl_associate, atl_officer, atl_senior
):
    staff(atl_senior, worked)
    rosters.add_shift(
        atl_officer, worked, staff=atl_senior,
        start=local(worked, dt.date(2026, 10, 12), 8), end=local(worked, dt.date(2026, 10, 12), 16),
    )  # fmt: skip
    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    ts.submit_timesheet(atl_associate, sheet)
    client.force_login(atl_officer)
    page = client.get("/staffing/ATL/payroll/2026-10/").content.decode()
    assert "Not everyone's month is approved" in page
    assert f"{atl_associate.get_full_name()}</a> — Awaiting approval" in page
    assert f"{atl_senior.get_full_name()} — No timesheet yet" in page
    rows = list(
        csv.reader(io.StringIO(client.get("/staffing/ATL/payroll/2026-10/csv/").content.decode()))
    )
    assert len(rows) == 1  # the header only: nothing approved yet


def test_the_xlsx_export_reads_back_with_leave_days_and_safe_cells(
    client, worked, atl_associate, atl_officer
):
    atl_associate.first_name = '=HYPERLINK("http://evil")'
    atl_associate.save()
    LeaveRequest.objects.create(
        port=worked, author=atl_associate, status=ReviewStatus.APPROVED,
        first_day=dt.date(2026, 10, 30), last_day=dt.date(2026, 11, 3),
    )  # fmt: skip
    sheet = ts.open_timesheet(atl_associate, worked, MONTH)
    ts.submit_timesheet(atl_associate, sheet)
    ts.decide_timesheet(atl_officer, sheet, True)
    client.force_login(atl_officer)
    response = client.get("/staffing/ATL/payroll/2026-10/xlsx/")
    assert response["Content-Disposition"] == 'attachment; filename="payroll-ATL-2026-10.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet_rows = list(book.active.iter_rows(values_only=True))
    assert sheet_rows[0][4:8] == ("Regular hours", "Overtime hours", "Night hours", "Leave days")
    name, username, port, month, regular, overtime, night, leave, approver, _ = sheet_rows[1]
    assert name.startswith("'=HYPERLINK")
    assert (username, port, month) == ("atl.associate", "ATL", "2026-10")
    assert (regular, overtime, night, leave) == (16, 7, 8, 2)
    assert approver == atl_officer.get_full_name()
    assert Decimal(str(regular)) == sum(e.hours for e in sheet.entries.all())
