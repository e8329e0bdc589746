"""Two officers at once, two autosaves at once: PostgreSQL with real concurrent connections."""

from __future__ import annotations

import uuid

import pytest

from poe_ops.models import AuditEvent, Notification, NotificationKind
from poe_ops.refusals import Conflict
from poe_ops.roles import Role
from reports.models import IncidentReport
from reports.services import incidents
from tests.concurrency import run_together
from tests.factories import make_port_user
from tests.scenarios import submitted_incident

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(3))
def test_two_officers_deciding_at_once_make_one_decision(atl, atl_officer, attempt):
    other = make_port_user(
        "atl.officer2", atl, Role.OFFICER, first_name="Grace", last_name="Okafor"
    )
    report = submitted_incident(atl)
    results = run_together(
        lambda: incidents.decide_incident(
            atl_officer, IncidentReport.objects.get(pk=report.pk), approve=True
        ),
        lambda: incidents.decide_incident(
            other, IncidentReport.objects.get(pk=report.pk), approve=False, comment="Add times"
        ),
    )
    conflicts = [r for r in results if isinstance(r, Conflict)]
    wins = [r for r in results if isinstance(r, IncidentReport)]
    assert len(conflicts) == 1 and len(wins) == 1, results
    report.refresh_from_db()
    winner = wins[0]
    assert report.status == winner.status and report.decided_by == winner.decided_by
    assert winner.decided_by is not None
    who = winner.decided_by.get_full_name()
    verb = "approved" if report.status == "approved" else "returned"
    assert f"already {verb} by {who} at" in str(conflicts[0])
    decisions = AuditEvent.objects.for_object(report).filter(
        action__in=["poe.incident.approved", "poe.incident.returned"]
    )
    assert decisions.count() == 1
    assert Notification.objects.filter(kind=NotificationKind.REVIEW).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_two_autosaves_of_a_new_form_at_once_make_one_draft(atl, atl_associate, attempt):
    key = uuid.uuid4()
    results = run_together(
        lambda: incidents.create_draft(atl_associate, atl, {"narrative": "A"}, draft_key=key),
        lambda: incidents.create_draft(atl_associate, atl, {"narrative": "AB"}, draft_key=key),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert IncidentReport.objects.count() == 1
    assert IncidentReport.objects.get().narrative in {"A", "AB"}
    assert AuditEvent.objects.filter(action="poe.incident.created").count() == 1
