"""Queueing after commit: the change always stands, even when the broker is down."""

from __future__ import annotations

import time

import pytest
from django.db import transaction

from poe_ops.dispatch import send_now, send_on_commit
from poe_ops.models import AuditEvent
from poe_ops.services.audit import log_action
from poe_ops.tasks import ping


def test_sending_with_the_broker_down_reports_failure_quickly_instead_of_raising(broker):
    broker.stop()
    started = time.monotonic()
    assert send_now(ping) is False
    assert time.monotonic() - started < 5, "a request must not hang on a dead broker"
    broker.start()
    assert send_now(ping) is True


@pytest.mark.django_db(transaction=True)
def test_a_commit_stands_when_queueing_after_it_fails(broker, atl):
    broker.stop()
    started = time.monotonic()
    with transaction.atomic():
        log_action(None, "poe.test.committed", atl)
        send_on_commit(ping)
    assert time.monotonic() - started < 5, "the commit must not wait long for a dead broker"
    assert AuditEvent.objects.filter(action="poe.test.committed").exists()
