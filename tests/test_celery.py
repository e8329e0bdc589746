"""Celery: configured for reliability, and a real worker answers through the real Redis."""

from __future__ import annotations

import pytest
from django.db import transaction

from poe_ops.celery import app
from poe_ops.tasks import ping
from tests.workers import running_worker


def test_tasks_are_acknowledged_late_and_requeued_when_a_worker_dies():
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    assert app.conf.task_always_eager is False


@pytest.mark.celery_worker
def test_a_real_worker_answers_ping_through_redis():
    with running_worker():
        result = ping.delay()
        assert result.get(timeout=20) == "pong"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_task_dispatched_on_commit_is_sent_only_when_the_transaction_commits():
    sent = []
    with running_worker():
        with pytest.raises(RuntimeError), transaction.atomic():
            transaction.on_commit(lambda: sent.append(ping.delay()))
            raise RuntimeError("rolled back")
        assert sent == []
        with transaction.atomic():
            transaction.on_commit(lambda: sent.append(ping.delay()))
            assert sent == []
        assert [r.get(timeout=20) for r in sent] == ["pong"]
