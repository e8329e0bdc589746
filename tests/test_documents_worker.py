"""A real Celery worker against the real Redis renders the paperwork, also after an outage."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from arrivals.documents import request_case_sheet, request_manifest
from poe_ops import tasks
from poe_ops.models import Document
from tests.pdfs import finished, pdf_text
from tests.scenarios import port_day
from tests.workers import running_worker

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def test_a_worker_renders_a_requested_manifest(atl, atl_associate):
    data = port_day(atl)
    with running_worker():
        document = request_manifest(atl_associate, atl, data.day)
        document = finished(document)
    assert document.status == Document.Status.READY, document.error
    with document.file.open("rb") as handle:
        text = "".join(pdf_text(handle.read()))
    assert "Total: 7 people on 2 flights." in text
    assert document.page_count == 1 and document.attempts == 1


def test_a_document_asked_for_while_the_broker_is_down_is_rendered_once_it_is_back(
    atl, atl_associate, broker
):
    data = port_day(atl)
    broker.stop()
    started = time.monotonic()
    document = request_case_sheet(atl_associate, data.cases[0])
    assert time.monotonic() - started < 5, "asking must not hang on a dead broker"
    document.refresh_from_db()
    assert document.status == Document.Status.PENDING and document.attempts == 0

    assert tasks.sweep_documents() == 0  # not a minute old yet: its own task may still come
    Document.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - tasks.DOCUMENT_SWEEP_AFTER - dt.timedelta(seconds=1)
    )
    assert tasks.sweep_documents() == 0  # still down: nothing queued, nothing lost
    document.refresh_from_db()
    assert document.status == Document.Status.PENDING

    broker.start()
    with running_worker():
        assert tasks.sweep_documents() == 1
        document = finished(document)
    assert document.status == Document.Status.READY, document.error
    with document.file.open("rb") as handle:
        assert "Haidari" in "".join(pdf_text(handle.read()))
