"""The approvals fixes of issue 17: every row under its column, high-severity incidents read
before they are approved, leave that offers to release the shifts it overlaps, constraint errors
in words on their field; and the staffing pages: the roster's week, the payroll's due date."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import models
from django.utils import timezone

from poe_ops.constraints import FieldCheck
from poe_ops.models import AuditEvent, Notification, NotificationKind
from staffing.models import LeaveRequest, Shift
from staffing.queries.payroll import due_date
from staffing.services import leave as leave_services
from staffing.services import rosters, timesheets
from staffing.services.reminders import remind_missing_timesheets
from tests.factories import make_port_user
from tests.scenarios import local, staff, submitted_incident

pytestmark = pytest.mark.django_db


def _now(monkeypatch, port, day, hour=10):
    moment = local(port, day, hour).astimezone(dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def _leave_with_shifts(atl, officer, person):
    start = atl.local_today() + dt.timedelta(days=10)
    for n in range(2):
        rosters.add_shift(
            officer,
            atl,
            staff=person,
            start=local(atl, start + dt.timedelta(days=n), 6),
            end=local(atl, start + dt.timedelta(days=n), 14),
        )
    return leave_services.request_leave(
        person, atl, kind="annual", first_day=start, last_day=start + dt.timedelta(days=1)
    )


def test_every_row_of_the_inbox_has_a_cell_under_each_column(
    client, atl, atl_officer, atl_associate
):
    staff(atl_associate, atl)
    staff(atl_officer, atl)
    submitted_incident(atl)
    leave_services.request_leave(
        atl_associate,
        atl,
        kind="annual",
        first_day=dt.date(2027, 1, 4),
        last_day=dt.date(2027, 1, 5),
    )
    sheet = timesheets.open_timesheet(atl_associate, atl, atl.local_today().replace(day=1))
    timesheets.submit_timesheet(atl_associate, sheet)
    client.force_login(atl_officer)
    html = client.get("/approvals/").content.decode()
    headers = re.findall(r"<th scope=\"col\">(.*?)</th>", html)
    assert headers == ["What", "Who", "Port", "Submitted", "Decision"]
    rows = re.findall(
        r'<tr class="approval-row[^"]*" id="approval-(\w+)-\d+">(.*?)</tr>', html, re.S
    )
    assert sorted(kind for kind, _ in rows) == ["incident", "leave", "timesheet"]
    for kind, row in rows:
        cells = re.findall(r"<td class=\"approval-(\w+)", row) or re.findall(r"<td", row)
        assert len(re.findall(r"<td\b", row)) == len(headers), kind
        assert row.strip().startswith('<td class="approval-what"') or kind == "incident"
        who = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)[1]
        assert atl_associate.get_full_name() in who or kind == "incident", (kind, cells)


def test_a_high_severity_incident_is_approved_only_after_it_is_opened(client, atl, atl_officer):
    high = submitted_incident(atl, category="medical", severity="high")
    low = submitted_incident(atl, category="lost_luggage", severity="low")
    client.force_login(atl_officer)
    inbox = client.get("/approvals/").content.decode()
    rows = dict(re.findall(r'id="approval-incident-(\d+)">(.*?)</tr>', inbox, re.S))
    high_row, low_row = rows[str(high.pk)], rows[str(low.pk)]
    assert "Open to decide" in high_row and "approve/" not in high_row
    assert f"/approvals/incident/{low.pk}/approve/" in low_row
    refused = client.post(f"/approvals/incident/{high.pk}/approve/", HTTP_HX_REQUEST="true")
    assert "open it and read it before approving" in refused.content.decode()
    high.refresh_from_db()
    assert high.status == "submitted"
    page = client.get(f"/incidents/{high.pk}/").content.decode()
    assert f'action="/approvals/incident/{high.pk}/approve/"' in page
    approved = client.post(f"/approvals/incident/{high.pk}/approve/", HTTP_HX_REQUEST="true")
    assert "Approved by you" in approved.content.decode()
    # Returning one from the list stays possible: it asks for changes, it approves nothing.
    other = submitted_incident(atl, category="medical", severity="critical")
    returned = client.post(
        f"/approvals/incident/{other.pk}/return/", {"comment": "Add the EMS unit."},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert "Returned by you" in returned.content.decode()


def test_approving_leave_from_the_inbox_lists_and_releases_the_shifts_it_overlaps(
    client, atl, atl_officer, atl_associate
):
    staff(atl_associate, atl)
    staff(atl_officer, atl)
    leave = _leave_with_shifts(atl, atl_officer, atl_associate)
    client.force_login(atl_officer)
    inbox = client.get("/approvals/").content.decode()
    assert "Rostered on 2 shifts in it:" in inbox
    assert f'id="release_shifts-leave-{leave.pk}" checked' in inbox
    assert "take them off the 2 shifts rostered in it" in inbox
    row = client.post(
        f"/approvals/leave/{leave.pk}/approve/", {"release_shifts": "on"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "Approved by you" in row and "Released 2 shifts" in row
    assert not Shift.objects.filter(staff=atl_associate).exists()
    released = AuditEvent.objects.filter(action="poe.shift.released")
    assert released.count() == 2 and {e.data["leave"] for e in released} == {leave.pk}


def test_leave_approved_without_the_choice_keeps_the_shifts_and_the_page_offers_it_too(
    client, atl, atl_officer, atl_associate, atl_senior
):
    staff(atl_associate, atl)
    staff(atl_senior, atl)
    staff(atl_officer, atl)
    kept = _leave_with_shifts(atl, atl_officer, atl_associate)
    client.force_login(atl_officer)
    client.post(f"/approvals/leave/{kept.pk}/approve/", HTTP_HX_REQUEST="true")
    assert Shift.objects.filter(staff=atl_associate).count() == 2
    on_page = _leave_with_shifts(atl, atl_officer, atl_senior)
    page = client.get(f"/staffing/leave/{on_page.pk}/").content.decode()
    assert "When approving, take them off the 2 shifts rostered in it" in page
    client.post(
        f"/staffing/leave/{on_page.pk}/decide/", {"decision": "approve", "release_shifts": "on"}
    )
    assert LeaveRequest.objects.get(pk=on_page.pk).status == "approved"
    assert not Shift.objects.filter(staff=atl_senior).exists()


def test_a_leave_request_ending_before_it_starts_is_refused_in_words_on_the_last_day(
    client, atl, atl_associate
):
    client.force_login(atl_associate)
    response = client.post(
        "/staffing/ATL/leave/new/",
        {"kind": "annual", "first_day": "2027-01-10", "last_day": "2027-01-05"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "Constraint" not in html
    assert (
        '<div class="field-errors" id="id_last_day_error"><p class="field-error">'
        "The last day of leave is before the first.</p>"
    ) in html
    assert not LeaveRequest.objects.exists()


def test_every_check_constraint_speaks_in_words_on_a_field():
    """A violated check reads as a sentence beside its field, never "Constraint … is
    violated" — issue 15's hand-over, receiver and outbox checks included."""
    mute = [
        f"{model.__name__}.{constraint.name}"
        for config in apps.get_app_configs()
        if config.name in {"poe_ops", "cases", "arrivals", "staffing", "reports"}
        for model in config.get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, models.CheckConstraint) and not isinstance(constraint, FieldCheck)
    ]
    assert mute == []


def test_the_roster_opens_on_next_week_from_friday_and_remembers_the_week_viewed(
    client, monkeypatch, atl, atl_officer
):
    thursday, friday = dt.date(2026, 12, 3), dt.date(2026, 12, 4)
    _now(monkeypatch, atl, thursday)
    client.force_login(atl_officer)
    assert "week 2026-W49" in client.get("/staffing/ATL/roster/").content.decode()
    _now(monkeypatch, atl, friday)
    client.force_login(atl_officer)
    assert "week 2026-W50" in client.get("/staffing/ATL/roster/").content.decode()
    client.get("/staffing/ATL/roster/?week=2026-W52")
    assert "week 2026-W52" in client.get("/staffing/ATL/roster/").content.decode()
    # A remembered week that has passed is no place to open on: at 23:00 on Sunday the week
    # viewed is this one; two hours later it is last week's, and the roster opens on Monday's.
    _now(monkeypatch, atl, dt.date(2026, 12, 6), 23)
    client.force_login(atl_officer)
    client.get("/staffing/ATL/roster/?week=2026-W49")
    assert "week 2026-W49" in client.get("/staffing/ATL/roster/").content.decode()
    monkeypatch.setattr(timezone, "now", lambda: local(atl, dt.date(2026, 12, 7), 1))
    assert "week 2026-W50" in client.get("/staffing/ATL/roster/").content.decode()


def test_the_payroll_page_shows_the_due_date_and_officers_are_reminded_before_it(
    client, atl, atl_officer, atl_associate, atl_senior
):
    staff(atl_associate, atl)
    staff(atl_senior, atl)
    november = dt.date(2026, 11, 1)
    rosters.add_shift(
        atl_officer, atl, staff=atl_associate,
        start=local(atl, dt.date(2026, 11, 30), 6), end=local(atl, dt.date(2026, 11, 30), 14),
    )  # fmt: skip
    assert due_date(november) == dt.date(2026, 12, 3)
    client.force_login(atl_officer)
    page = client.get("/staffing/ATL/payroll/2026-11/").content.decode()
    assert "Timesheets due Thursday 3 December 2026" in page
    # Three days before it, each officer hears once a day of those missing.
    assert remind_missing_timesheets(dt.date(2026, 11, 29)) == 0, "too early"
    assert remind_missing_timesheets(dt.date(2026, 11, 30)) == 1
    assert remind_missing_timesheets(dt.date(2026, 11, 30)) == 0, "once a day"
    notice = Notification.objects.get(kind=NotificationKind.TIMESHEETS_DUE)
    assert notice.recipient == atl_officer
    assert "due in 3 days" in notice.subject
    assert atl_associate.get_full_name() in notice.body and "No timesheet yet" in notice.body
    assert remind_missing_timesheets(dt.date(2026, 12, 3)) == 1, "the due day itself"
    assert remind_missing_timesheets(dt.date(2026, 12, 4)) == 0, "after it, the page says so"
    second = make_port_user("atl.officer2", atl, __import__("poe_ops.roles").roles.Role.OFFICER)
    assert remind_missing_timesheets(dt.date(2026, 12, 2)) == 2
    assert Notification.objects.filter(recipient=second).count() == 1
