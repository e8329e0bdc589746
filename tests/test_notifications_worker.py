"""Delivery by a real Celery worker through the real Redis: after a check-in, after a worker
died mid-delivery, and after a broker outage — each notification emailed exactly once."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.utils import timezone

from poe_ops.celery import app
from poe_ops.dispatch import send_now
from poe_ops.models import Notification
from poe_ops.services import notifications
from poe_ops.tasks import deliver_notification, sweep_notifications
from tests.scenarios import (
    DC_LIST,
    THROUGH_CUSTOMS,
    family_on_flight,
    give_dc_a_list,
    receiver_named,
    walk,
)
from tests.workers import running_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker():
    app.control.purge()  # tasks other tests queued for rows that no longer exist
    with running_worker() as w:
        yield w


def _wait_until_sent(pk: int, timeout: float = 15) -> Notification:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notice = Notification.objects.get(pk=pk)
        if notice.state == Notification.State.SENT:
            return notice
        time.sleep(0.05)
    raise AssertionError(f"notification {pk} still {notice.state} after {timeout} s")


def _hand_over_a_case(atl, user):
    case, people = family_on_flight(atl, size=2)
    walk(user, case, THROUGH_CUSTOMS)
    receiver_named(user, people)
    walk(user, case, ["handed_over"])
    return case


def test_a_worker_emails_the_arrival_once_and_hq_sees_it_in_the_feed(
    client, atl, atl_senior, dc_ops, worker
):
    give_dc_a_list()
    case = _hand_over_a_case(atl, atl_senior)
    notice = _wait_until_sent(Notification.objects.get(kind="arrival").pk)
    assert notice.attempts == 1
    (email,) = mail.outbox
    assert sorted(email.to) == sorted(DC_LIST)
    assert case.case_number in email.subject and case.case_number in email.body
    assert email.alternatives[0][1] == "text/html"  # type: ignore[attr-defined]
    client.force_login(dc_ops)
    page = client.get("/notifications/")
    assert case.case_number in page.text
    assert page.context["unread"] == 1


def test_a_task_queued_twice_sends_once(atl, atl_senior, worker):
    give_dc_a_list()
    _hand_over_a_case(atl, atl_senior)
    pk = Notification.objects.get().pk
    send_now(deliver_notification, pk)
    send_now(deliver_notification, pk)
    _wait_until_sent(pk)
    time.sleep(0.5)  # let the extra tasks run
    assert len(mail.outbox) == 1


def test_the_sweep_delivers_what_a_killed_worker_left_sending(atl, atl_senior):
    give_dc_a_list()
    _hand_over_a_case(atl, atl_senior)  # its task is queued; the "killed" worker took it
    pk = Notification.objects.get().pk
    app.control.purge()
    # What a worker killed mid-delivery leaves behind: claimed, counted, never finished.
    Notification.objects.filter(pk=pk).update(
        state="sending",
        attempts=1,
        claimed_at=timezone.now() - notifications.CLAIM_TIMEOUT - dt.timedelta(seconds=1),
    )
    with running_worker():
        assert sweep_notifications.delay() is not None
        notice = _wait_until_sent(pk)
        sweep_notifications()  # a second sweep finds nothing to do
        time.sleep(0.5)
    assert len(mail.outbox) == 1
    assert notice.attempts == 2
    assert [e["outcome"] for e in notice.attempt_log] == ["lost", "sent"]


def test_a_change_made_while_the_broker_is_down_is_delivered_once_it_is_back(
    atl, atl_senior, broker
):
    give_dc_a_list()
    broker.stop()
    case = _hand_over_a_case(atl, atl_senior)
    case.refresh_from_db()
    assert case.status == "completed", "the change commits without the broker"
    notice = Notification.objects.get()
    assert notice.state == "pending"
    broker.start()
    app.control.purge()
    with running_worker():
        assert sweep_notifications() == 1
        _wait_until_sent(notice.pk)
        assert sweep_notifications() == 0
        time.sleep(0.3)
    assert len(mail.outbox) == 1
