"""Acting officer: who may delegate to whom, the grant the scoping helper reads (for that port,
in that period only), decisions that record whom they acted for, ending early, and what the
delegate may not see."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from poe_ops.keys import new_key
from poe_ops.models import AuditEvent, Delegation, Notification, NotificationKind
from poe_ops.queries.approvals import awaiting, awaiting_count
from poe_ops.refusals import Refusal
from poe_ops.roles import APPROVE, SUPERVISE
from poe_ops.scoping import acting_for, has_port_perm, ports_for
from poe_ops.services.delegations import delegate_approvals, end_delegation
from staffing.services import leave as leave_services
from tests.factories import LeaveRequestFactory, make_port_user
from tests.scenarios import local, submitted_incident

pytestmark = pytest.mark.django_db


def _delegate(actor, port, officer, delegate, first=0, days=2, key=None):
    today = port.local_today()
    return delegate_approvals(
        actor,
        port,
        officer=officer,
        delegate=delegate,
        first_day=today + dt.timedelta(days=first),
        last_day=today + dt.timedelta(days=first + days - 1),
        idempotency_key=key or new_key(),
    ).obj


def _at(monkeypatch, port, day, hour):
    moment = local(port, day, hour).astimezone(dt.UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_the_delegate_may_approve_at_that_port_only_while_it_runs(
    monkeypatch, atl, jfk, atl_officer, atl_senior
):
    from poe_ops.roles import Role

    make_port_user("atl.senior", jfk, Role.SENIOR)  # a senior at JFK too: no grant there
    assert not has_port_perm(atl_senior, atl, APPROVE)
    delegation = _delegate(atl_officer, atl, atl_officer, atl_senior, first=1, days=2)
    today = atl.local_today()
    assert not has_port_perm(atl_senior, atl, APPROVE), "not before its first day"
    _at(monkeypatch, atl, today + dt.timedelta(days=1), 0)
    assert has_port_perm(atl_senior, atl, APPROVE)
    assert list(ports_for(atl_senior, APPROVE)) == [atl]
    assert not has_port_perm(atl_senior, atl, SUPERVISE), "approvals only, not the office"
    assert acting_for(atl_senior, atl) == atl_officer
    _at(monkeypatch, atl, today + dt.timedelta(days=2), 23)
    assert has_port_perm(atl_senior, atl, APPROVE), "to the end of its last day"
    _at(monkeypatch, atl, today + dt.timedelta(days=3), 0)
    assert not has_port_perm(atl_senior, atl, APPROVE), "it ends by itself"
    assert delegation.last_day == today + dt.timedelta(days=2)


def test_a_decision_records_whom_the_delegate_acted_for(
    atl, atl_officer, atl_senior, atl_associate
):
    _delegate(atl_officer, atl, atl_officer, atl_senior)
    leave = leave_services.request_leave(
        atl_associate,
        atl,
        kind="annual",
        first_day=dt.date(2027, 1, 4),
        last_day=dt.date(2027, 1, 5),
    )
    assert [record for _s, record in awaiting(atl_senior)] == [leave]
    assert awaiting_count(atl_senior) == 1
    leave_services.decide_leave(atl_senior, leave, True)
    leave.refresh_from_db()
    assert leave.decided_acting_for == atl_officer
    told = Notification.objects.get(kind=NotificationKind.REVIEW, recipient=atl_associate)
    assert f"acting for {atl_officer.get_full_name()}," in told.body
    # An officer deciding as themselves acts for nobody.
    other = LeaveRequestFactory.create(port=atl, author=atl_senior)
    leave_services.decide_leave(atl_officer, other, True)
    other.refresh_from_db()
    assert other.decided_acting_for is None


def test_only_the_officer_or_hq_delegates_and_only_to_a_senior_of_the_port(
    atl, atl_officer, atl_senior, atl_associate, dc_ops, ny_ops, jfk_officer
):
    from poe_ops.roles import Role

    second = make_port_user("atl.officer2", atl, Role.OFFICER)
    with pytest.raises(Refusal, match="only your own approvals") as refused:
        _delegate(second, atl, atl_officer, atl_senior)
    assert refused.value.field == "officer"
    with pytest.raises(Refusal, match="is not a senior associate of ATL"):
        _delegate(atl_officer, atl, atl_officer, atl_associate)
    with pytest.raises(Refusal, match="is not an officer of ATL"):
        _delegate(dc_ops, atl, atl_senior, atl_senior)
    with pytest.raises(PermissionDenied):
        _delegate(atl_senior, atl, atl_officer, atl_senior)
    from django.http import Http404

    with pytest.raises(Http404):
        _delegate(ny_ops, atl, atl_officer, atl_senior)  # not NY's port
    made = _delegate(dc_ops, atl, atl_officer, atl_senior)  # HQ for an absent officer
    assert made.created_by == dc_ops and made.officer == atl_officer
    assert not Delegation.objects.filter(created_by=second).exists()


def test_days_are_checked_in_words_on_their_field(atl, atl_officer, atl_senior):
    today = atl.local_today()
    cases = [
        (-1, 1, "first_day", "The first day is past"),
        (0, 40, "last_day", "at most 31 days"),
    ]
    for first, days, field, words in cases:
        with pytest.raises(Refusal, match=words) as refused:
            _delegate(atl_officer, atl, atl_officer, atl_senior, first=first, days=days)
        assert refused.value.field == field
    with pytest.raises(Refusal, match="The last day is before the first"):
        delegate_approvals(
            atl_officer,
            atl,
            officer=atl_officer,
            delegate=atl_senior,
            first_day=today + dt.timedelta(days=3),
            last_day=today + dt.timedelta(days=1),
            idempotency_key=new_key(),
        )
    assert not Delegation.objects.exists()


def test_overlapping_delegations_of_one_officer_are_refused_and_a_repeat_is_one(
    atl, atl_officer, atl_senior
):
    from poe_ops.roles import Role

    other = make_port_user("atl.senior2", atl, Role.SENIOR)
    key = new_key()
    first = _delegate(atl_officer, atl, atl_officer, atl_senior, days=3, key=key)
    assert _delegate(atl_officer, atl, atl_officer, atl_senior, days=3, key=key) == first
    with pytest.raises(Refusal, match="already delegated to"):
        _delegate(atl_officer, atl, atl_officer, other, first=2, days=2)
    assert Delegation.objects.count() == 1
    assert AuditEvent.objects.filter(action="poe.delegation.created").count() == 1
    told = Notification.objects.filter(kind=NotificationKind.DELEGATION)
    assert {n.recipient for n in told} == {None, atl_senior}, "the port, and the delegate"


def test_ending_it_early_takes_the_grant_away_at_once(atl, atl_officer, atl_senior):
    delegation = _delegate(atl_officer, atl, atl_officer, atl_senior, days=5)
    assert has_port_perm(atl_senior, atl, APPROVE)
    end_delegation(atl_senior, delegation)  # the delegate may hand it back
    assert not has_port_perm(atl_senior, atl, APPROVE)
    delegation.refresh_from_db()
    assert delegation.ended_by == atl_senior
    assert AuditEvent.objects.filter(action="poe.delegation.ended").count() == 1


def test_sensitive_incidents_stay_with_the_officers(atl, atl_officer, atl_senior):
    """An acting officer decides the ordinary reports; a minor concern stays with the port's
    officers, and a protection/PSEA report goes to the office's protection focal points
    (issue 19), neither to the officer nor to the one acting for them."""
    _delegate(atl_officer, atl, atl_officer, atl_senior)
    plain = submitted_incident(atl)
    minor = submitted_incident(atl, category="minor_concern", severity="medium")
    protection = submitted_incident(atl, category="protection", severity="medium")
    seen = {record.pk for _source, record in awaiting(atl_senior)}
    assert plain.pk in seen
    assert minor.pk not in seen and protection.pk not in seen
    officers = {record.pk for _s, record in awaiting(atl_officer)}
    assert minor.pk in officers and protection.pk not in officers


def test_the_page_shows_running_and_coming_delegations_and_refuses_in_place(
    client, atl, atl_officer, atl_senior, atl_associate
):
    _delegate(atl_officer, atl, atl_officer, atl_senior, first=3, days=2)
    client.force_login(atl_officer)
    page = client.get("/ports/ATL/acting-officer/").content.decode()
    assert "coming" in page and atl_senior.get_full_name() in page
    assert 'name="officer"' not in page, "an officer delegates their own approvals"
    refused = client.post(
        "/ports/ATL/acting-officer/",
        {
            "key": new_key(),
            "delegate": atl_senior.pk,
            "first_day": atl.local_today().isoformat(),
            "last_day": (atl.local_today() + dt.timedelta(days=4)).isoformat(),
        },
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert "Nothing was saved" in html and "already delegated to" in html
    client.force_login(atl_associate)
    assert client.get("/ports/ATL/acting-officer/").status_code == 403
