"""Queueing after commit: the change always stands, even when the broker is unreachable."""

from __future__ import annotations

import socket

import pytest
from django.db import transaction

from poe_ops.celery import app
from poe_ops.dispatch import send_now, send_on_commit
from poe_ops.tasks import ping


@pytest.fixture
def broker_down(settings):
    """Point Celery at a loopback port nobody listens on, for the length of one test."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    original = app.conf.broker_url
    app.conf.broker_url = f"redis://127.0.0.1:{closed}/0"
    app.pool.force_close_all()
    yield
    app.conf.broker_url = original
    app.pool.force_close_all()


def test_sending_with_the_broker_down_reports_failure_instead_of_raising(broker_down):
    assert send_now(ping) is False


@pytest.mark.django_db(transaction=True)
def test_a_commit_stands_when_queueing_after_it_fails(broker_down, atl):
    from poe_ops.audit import log_action
    from poe_ops.models import AuditEvent

    with transaction.atomic():
        log_action(None, "poe.test.committed", atl)
        send_on_commit(ping)
    assert AuditEvent.objects.filter(action="poe.test.committed").exists()
