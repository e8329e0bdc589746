"""Who reads and who is emailed: the port's viewers by default, one person when addressed, and
only HQ and the port's officers when the notification is sensitive."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from poe_ops.models import NotificationKind
from poe_ops.queries import notifications as notification_queries
from poe_ops.services import notifications
from tests.factories import CaseFactory
from tests.scenarios import DC_LIST, give_dc_a_list

pytestmark = pytest.mark.django_db


def _notice(port, **audience):
    case = CaseFactory.create(port=port)
    context = {"summary": "Something happened.", "details": [], "path": "/"}
    with transaction.atomic():
        return notifications.notify(
            NotificationKind.INCIDENT, port, case, "ATL · Incident", context, **audience
        )


def _readers(*users):
    return {user.username for user in users if notification_queries.feed(user).exists()}


def test_everyone_who_views_the_port_reads_an_ordinary_one(
    atl, atl_associate, atl_officer, dc_ops, ny_ops, jfk_officer
):
    _notice(atl)
    assert _readers(atl_associate, atl_officer, dc_ops, ny_ops, jfk_officer) == {
        "atl.associate",
        "atl.officer",
        "dc.ops",
    }


def test_a_sensitive_one_is_kept_from_the_ports_associates(
    atl, atl_associate, atl_senior, atl_officer, dc_ops, ny_ops
):
    give_dc_a_list()
    notice = _notice(atl, restricted=True)
    assert _readers(atl_associate, atl_senior, atl_officer, dc_ops, ny_ops) == {
        "atl.officer",
        "dc.ops",
    }
    notifications.deliver(notice.pk)
    assert set(DC_LIST) <= set(mail.outbox[0].to)


def test_one_addressed_to_a_person_reaches_only_them(atl, atl_associate, atl_officer, dc_ops):
    give_dc_a_list()
    atl_associate.email = "associate@atl.example.org"
    atl_associate.save()
    notice = _notice(atl, recipient=atl_associate)
    assert _readers(atl_associate, atl_officer, dc_ops) == {"atl.associate"}
    assert notification_queries.unread_count(atl_associate) == 1
    notifications.deliver(notice.pk)
    assert mail.outbox[0].to == ["associate@atl.example.org"]


def test_incident_notifications_cannot_be_muted(atl, dc_ops):
    dc_ops.email = "dc.ops@iom.example.org"
    dc_ops.save()
    notifications.set_muted_kinds(dc_ops, ["incident", "arrival"])
    assert notification_queries.muted_kinds(dc_ops) == {"arrival"}
    notice = _notice(atl)
    notifications.deliver(notice.pk)
    assert "dc.ops@iom.example.org" in mail.outbox[0].to
