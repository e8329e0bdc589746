"""A Celery worker that survives its own infrastructure (issue 19): PostgreSQL restarted under a
running worker, a task that meets a database that is away, the worker's heartbeat, and what
/healthz and a waiting PDF page say about them. The real worker, Redis and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from arrivals.documents import request_case_sheet
from arrivals.models import ImportBatch
from arrivals.services.manifest_import import upload_manifest
from arrivals.tasks import check_upload_task
from poe_ops.celery import app
from poe_ops.dispatch import send_now
from poe_ops.models import Document, Heartbeat, Notification
from poe_ops.tasks import deliver_notification, heartbeat
from tests.manifests import manifest_rows, to_csv, upload
from tests.scenarios import (
    THROUGH_CUSTOMS,
    family_on_flight,
    give_dc_a_list,
    receiver_named,
    walk,
)
from tests.workers import running_worker

pytestmark = [
    pytest.mark.celery_worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("private_storage"),
]


def _hand_over(port, user):
    """A family through customs and handed over to its U.S. tie (recorded first, as issue 15's
    hand-over asks): the arrival notice HQ is sent."""
    case, people = family_on_flight(port, size=2)
    walk(user, case, THROUGH_CUSTOMS)
    receiver_named(user, people)
    walk(user, case, ["handed_over"])
    return case


def _arrival_of(case) -> Notification:
    return Notification.objects.get(kind="arrival", subject__contains=case.case_number)


def _wait_for(predicate, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {seconds} s")


def _sent(case):
    return lambda: _arrival_of(case).state == Notification.State.SENT


def _ready(document):
    return lambda: Document.objects.get(pk=document.pk).status == Document.Status.READY


def test_postgresql_restarted_under_a_running_worker_and_the_next_work_is_done(
    atl, atl_senior, atl_associate, database
):
    give_dc_a_list()
    app.control.purge()
    with running_worker():
        first = _hand_over(atl, atl_senior)
        _wait_for(_sent(first), 20, "the first arrival email")  # the worker holds a connection

        database.restart()  # every connection cut, the worker's too; the worker keeps running

        second = _hand_over(atl, atl_senior)
        sheet = request_case_sheet(atl_associate, second)
        _wait_for(_sent(second), 30, "the arrival email after the restart")
        _wait_for(_ready(sheet), 60, "the arrival sheet after the restart")
    assert len(mail.outbox) == 2
    assert _arrival_of(second).attempts == 1


def test_a_delivery_that_meets_a_database_that_is_away_is_retried_not_dropped(
    atl, atl_senior, database
):
    give_dc_a_list()
    case = _hand_over(atl, atl_senior)  # queued; nobody is consuming yet
    notice = _arrival_of(case)
    app.control.purge()
    with running_worker():
        heartbeat.delay()
        _wait_for(lambda: Heartbeat.objects.exists(), 20, "a first task")
        database.stop()
        assert send_now(deliver_notification, notice.pk)  # the broker is up
        time.sleep(3)  # the task runs, fails on the database, is queued again
        database.start()
        _wait_for(_sent(case), 60, "the retried delivery")
    assert len(mail.outbox) == 1
    notice.refresh_from_db()
    assert notice.attempts == 1, "a try the database refused is not counted as an attempt"


def test_an_upload_checked_while_the_database_is_away_is_checked_when_it_returns(
    atl, atl_senior, database
):
    """Not refused as "an unexpected error": the check is retried once PostgreSQL answers."""
    batch = upload_manifest(
        atl_senior, atl, upload(to_csv(manifest_rows(cases=3, people_per_case=2))), background=True
    )
    app.control.purge()  # its first task is dropped: the one sent below meets the outage
    with running_worker():
        heartbeat.delay()
        _wait_for(lambda: Heartbeat.objects.exists(), 20, "a first task")
        database.stop()
        assert send_now(check_upload_task, batch.pk)
        time.sleep(3)  # the task runs, fails on the database, is queued again
        database.start()
        checked = _wait_for(
            lambda: (
                ImportBatch.objects.exclude(status=ImportBatch.Status.CHECKING)
                .filter(pk=batch.pk)
                .first()
            ),
            60,
            "the retried check",
        )
    assert checked.status == ImportBatch.Status.PREVIEW, checked.errors
    assert checked.summary["counts"]["new"] == 3


def test_the_heartbeat_tells_healthz_the_worker_works(client, atl):
    app.control.purge()
    assert client.get("/healthz").json()["worker"] == "none"
    with running_worker():
        heartbeat.delay()
        _wait_for(lambda: Heartbeat.objects.exists(), 20, "the heartbeat")
    health = client.get("/healthz").json()
    assert health["status"] == "ok"
    assert health["worker"] == "ok" and health["worker_heartbeat_age_seconds"] < 20
    call_command("healthcheck", "worker")  # the worker container's check passes


def test_healthz_says_degraded_when_the_heartbeat_is_late_or_work_waits(
    client, atl, atl_senior, settings
):
    Heartbeat.objects.create(name="worker", at=timezone.now() - dt.timedelta(minutes=10))
    health = client.get("/healthz")
    assert health.status_code == 200  # the site still works: taps and approvals go on
    assert health.json()["status"] == "degraded" and health.json()["worker"] == "late"
    with pytest.raises(SystemExit):
        call_command("healthcheck", "worker")

    Heartbeat.objects.update(at=timezone.now())
    give_dc_a_list()
    case = _hand_over(atl, atl_senior)
    Notification.objects.filter(pk=_arrival_of(case).pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=12)
    )
    health = client.get("/healthz").json()
    assert health["status"] == "degraded" and health["backlog"] == "late"
    assert health["oldest_pending_notification_seconds"] >= 12 * 60
    assert health["oldest_pending_document_seconds"] is None


def test_a_pdf_page_that_has_waited_a_minute_says_the_paperwork_is_delayed(
    client, atl, atl_senior, atl_associate
):
    case, _ = family_on_flight(atl, size=1)
    document = request_case_sheet(atl_associate, case)  # nobody is consuming: it waits
    client.force_login(atl_associate)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "Preparing " in page and "delayed" not in page
    Document.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=2)
    )
    page = client.get(f"/documents/{document.pk}/", HTTP_HX_REQUEST="true").content.decode()
    assert "The paperwork is delayed." in page
    assert "has waited 2\xa0minutes" in page
    assert 'hx-trigger="every 10s"' in page
