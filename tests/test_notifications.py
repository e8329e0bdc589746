"""The outbox without a worker: claiming, retries with backoff, mutes, recipients, the feed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from poe_ops.models import Notification, NotificationKind
from poe_ops.queries import notifications as notification_queries
from poe_ops.services import notifications
from tests.factories import CaseFactory
from tests.scenarios import DC_LIST, give_dc_a_list

pytestmark = pytest.mark.django_db


def _notice(port, kind=NotificationKind.ARRIVAL, subject="ATL · Arrival: case AF1", **context):
    case = CaseFactory.create(port=port)
    context = {"summary": "Everyone arrived.", "details": [["Case", "AF1"]], **context}
    with transaction.atomic():
        return notifications.notify(kind, port, case, subject, context)


def test_it_writes_the_row_in_the_callers_transaction(atl):
    with pytest.raises(RuntimeError), transaction.atomic():
        _notice(atl)
        raise RuntimeError("the change failed")
    assert not Notification.objects.exists()


def test_it_delivers_one_email_with_text_and_html_to_the_office_list(atl):
    give_dc_a_list()
    notice = _notice(atl, summary="<b>Amina</b> & family")
    assert notifications.deliver(notice.pk).outcome == "sent"
    (email,) = mail.outbox
    assert sorted(email.to) == sorted(DC_LIST)
    assert "<b>Amina</b> & family" in email.body
    html, mime = email.alternatives[0]  # type: ignore[attr-defined]
    assert mime == "text/html"
    assert "&lt;b&gt;Amina&lt;/b&gt; &amp; family" in html and "<b>Amina" not in html
    notice.refresh_from_db()
    assert notice.state == Notification.State.SENT and notice.attempts == 1
    assert notice.attempt_log[0]["outcome"] == "sent"


def test_email_links_are_full_addresses_when_the_site_url_is_set(atl, settings):
    give_dc_a_list()
    settings.POE_SITE_URL = "https://poe-ops.example.org/"
    notice = _notice(atl, path="/cases/AF1/")
    notifications.deliver(notice.pk)
    assert "https://poe-ops.example.org/cases/AF1/" in mail.outbox[0].body


def test_it_sends_once_when_delivered_twice(atl):
    give_dc_a_list()
    notice = _notice(atl)
    assert notifications.deliver(notice.pk).outcome == "sent"
    assert notifications.deliver(notice.pk).outcome == "skipped"
    assert len(mail.outbox) == 1


def test_it_does_not_claim_a_row_another_worker_holds(atl):
    notice = _notice(atl)
    assert notifications.claim(notice.pk) is True
    assert notifications.claim(notice.pk) is False
    assert notifications.due_for_delivery() == []


def test_it_hands_a_stale_claim_to_the_sweep_and_logs_the_lost_attempt(atl):
    give_dc_a_list()
    notice = _notice(atl)
    Notification.objects.filter(pk=notice.pk).update(
        state="sending", attempts=1, claimed_at=timezone.now() - dt.timedelta(minutes=6)
    )
    assert notifications.due_for_delivery() == [notice.pk]
    assert notifications.deliver(notice.pk).outcome == "sent"
    notice.refresh_from_db()
    assert [e["outcome"] for e in notice.attempt_log] == ["lost", "sent"]
    assert len(mail.outbox) == 1


def test_it_marks_sent_with_a_note_when_nobody_is_to_be_emailed(atl):
    notice = _notice(atl)
    assert notifications.deliver(notice.pk).outcome == "sent (no recipients)"
    notice.refresh_from_db()
    assert notice.state == "sent" and "no recipients" in notice.last_error
    assert mail.outbox == []


def test_it_backs_off_after_a_failure_and_gives_up_after_the_last_attempt(atl, settings):
    settings.EMAIL_BACKEND = "tests.failing_email.FailingBackend"
    give_dc_a_list()
    notice = _notice(atl)
    before = timezone.now()
    first = notifications.deliver(notice.pk)
    assert first.outcome == "retry" and first.retry_in == 30
    notice.refresh_from_db()
    assert notice.state == "pending" and notice.attempts == 1
    assert notice.next_attempt_at >= before + dt.timedelta(seconds=30)
    assert "ConnectionRefusedError" in notice.last_error
    assert notifications.deliver(notice.pk).outcome == "skipped", "not due before its backoff"
    waits: list[int | None] = [first.retry_in]
    for _ in range(notifications.MAX_ATTEMPTS - 1):
        Notification.objects.filter(pk=notice.pk).update(next_attempt_at=timezone.now())
        waits.append(notifications.deliver(notice.pk).retry_in)
    notice.refresh_from_db()
    assert notice.state == "failed" and notice.attempts == notifications.MAX_ATTEMPTS
    assert len(notice.attempt_log) == notifications.MAX_ATTEMPTS
    assert waits[:4] == [30, 60, 120, 240] and waits[-1] is None
    assert notifications.due_for_delivery() == []


def test_it_leaves_out_hq_staff_who_muted_the_kind(atl, dc_ops):
    give_dc_a_list()
    dc_ops.email = "dc.ops@example.org"
    dc_ops.save()
    notice = _notice(atl)
    assert "dc.ops@example.org" in notifications.recipients(notice)
    assert notifications.set_muted_kinds(dc_ops, ["arrival"]) == {"arrival"}
    assert "dc.ops@example.org" not in notifications.recipients(notice)
    assert set(DC_LIST) <= set(notifications.recipients(notice))


def test_it_never_mutes_emergencies(atl, dc_ops):
    dc_ops.email = "dc.ops@example.org"
    dc_ops.save()
    assert notifications.set_muted_kinds(dc_ops, NotificationKind.values) == {
        "arrival",
        "transit",
        "transport",
        "flight_change",
        "rebooking",
        "review",
        "credential",
        "delegation",
        "on_call",
        "shift_log",
        "timesheets_due",
        "case_change",
        "report",
    }
    emergency = _notice(atl, kind=NotificationKind.EMERGENCY)
    assert notifications.recipients(emergency) == ["dc.ops@example.org"]


def test_it_shows_the_feed_scoped_to_the_users_ports(client, atl, jfk, dc_ops, ny_ops, jfk_officer):
    _notice(atl, subject="ATL · Arrival: case AF100189")
    client.force_login(dc_ops)
    page = client.get(reverse("notifications"))
    assert "ATL · Arrival: case AF100189" in page.text
    for other in (ny_ops, jfk_officer):
        client.force_login(other)
        page = client.get(reverse("notifications"))
        assert "AF100189" not in page.text
        assert notification_queries.unread_count(other) == 0


def test_it_counts_unread_until_marked_read(client, atl, dc_ops):
    _notice(atl)
    _notice(atl)
    client.force_login(dc_ops)
    page = client.get(reverse("notifications"))
    assert page.context["unread"] == 2
    assert '<span class="nav-count" aria-label="2 unread">2</span>' in page.text
    client.post(reverse("notifications_read"))
    assert notification_queries.unread_count(dc_ops) == 0
    _notice(atl)
    assert notification_queries.unread_count(dc_ops) == 1


def test_it_counts_unread_in_one_query(atl, dc_ops, django_assert_num_queries):
    _notice(atl)
    from poe_ops.scoping import port_permissions, request_permission_cache

    with request_permission_cache():
        port_permissions(dc_ops)  # the navigation has read them already in a request
        with django_assert_num_queries(1):
            assert notification_queries.unread_count(dc_ops) == 1


def test_it_saves_email_mutes_but_keeps_emergencies_on(client, dc_ops):
    client.force_login(dc_ops)
    page = client.get(reverse("notification_settings"))
    assert 'id="id_email_helptext">Those marked “always sent”' in page.text
    assert 'value="incident" id="email-incident" checked disabled' in page.text
    assert (
        'value="emergency" id="email-emergency" checked disabled '
        'aria-describedby="id_email_helptext"> Emergency (always sent)'
    ) in page.text
    client.post(reverse("notification_settings"), {"email": ["arrival", "transit"]})
    assert notification_queries.muted_kinds(dc_ops) == {
        "transport",
        "flight_change",
        "rebooking",
        "review",
        "credential",
        "delegation",
        "on_call",
        "shift_log",
        "timesheets_due",
        "case_change",
        "report",
    }
    page = client.get(reverse("notification_settings"))
    assert 'value="rebooking" id="email-rebooking">' in page.text


def test_it_sends_anonymous_users_to_sign_in(client, db):
    for name in ("notifications", "notification_settings"):
        assert reverse("login") in client.get(reverse(name))["Location"]


def test_a_user_without_ports_sees_an_empty_feed(client, atl, outsider):
    _notice(atl)
    client.force_login(outsider)
    assert "No notifications yet" in client.get(reverse("notifications")).text
