"""A large upload is checked by a real Celery worker while its page shows progress; an upload a
broker outage left waiting is checked once the sweep queues it again."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

from arrivals import tasks
from arrivals.models import ImportBatch
from arrivals.services.manifest_import import confirm_import, upload_manifest
from cases.models import Case
from tests.htmx import HTMX
from tests.manifests import manifest_rows, to_csv, upload
from tests.workers import running_worker

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]
SOON = dt.date.today() + dt.timedelta(days=10)


def big_file(cases: int = 300) -> bytes:
    return to_csv(manifest_rows(cases=cases, people_per_case=4, day=SOON))


def wait_for_check(batch: ImportBatch, seconds: float = 60) -> ImportBatch:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        batch.refresh_from_db()
        if batch.status != ImportBatch.Status.CHECKING:
            return batch
        time.sleep(0.2)
    raise AssertionError(f"upload {batch.pk} still being checked after {seconds} s")


def test_a_worker_checks_a_large_upload_and_the_page_turns_into_the_preview(
    client, atl, atl_senior
):
    content = big_file()
    assert len(content) > 256 * 1024  # past POE_IMPORT_BACKGROUND_BYTES
    client.force_login(atl_senior)
    with running_worker():
        response = client.post(
            "/imports/",
            {"port": atl.pk, "file": upload(content), "scope": "partial"},
        )
        batch = ImportBatch.objects.get()
        assert response["Location"] == f"/imports/{batch.pk}/"
        batch = wait_for_check(batch)

    assert batch.status == ImportBatch.Status.PREVIEW, batch.errors
    assert (batch.row_count, batch.progress) == (1200, 1200)
    assert batch.summary["counts"]["new"] == 300
    assert not Case.objects.exists()
    poll = client.get(f"/imports/{batch.pk}/", HTTP_HX_TARGET=f"import-progress-{batch.pk}", **HTMX)
    assert poll["HX-Refresh"] == "true"  # the poll reloads the page, which shows the preview
    assert "300 new cases" in client.get(f"/imports/{batch.pk}/").content.decode()
    assert confirm_import(atl_senior, batch).status == ImportBatch.Status.APPLIED
    assert Case.objects.count() == 300


def test_the_page_of_an_upload_being_checked_shows_its_progress(client, atl, atl_senior):
    batch = upload_manifest(atl_senior, atl, upload(big_file()), background=True)
    ImportBatch.objects.filter(pk=batch.pk).update(
        row_count=1200, progress=500, check_started_at=timezone.now()
    )
    client.force_login(atl_senior)

    page = client.get(f"/imports/{batch.pk}/").content.decode()
    poll = client.get(
        f"/imports/{batch.pk}/", HTTP_HX_TARGET=f"import-progress-{batch.pk}", **HTMX
    ).content.decode()

    for html in (page, poll):
        assert '<progress max="1200" value="500">' in html
        assert "Checked 500 of 1200 rows" in html
    assert 'hx-trigger="every 2s"' in poll and "<html" not in poll
    assert "Apply this import" not in page


def test_an_upload_left_waiting_by_a_broker_outage_is_checked_after_the_sweep(
    atl, atl_senior, broker
):
    broker.stop()
    started = time.monotonic()
    batch = upload_manifest(atl_senior, atl, upload(big_file(60)), background=True)
    assert time.monotonic() - started < 5, "uploading must not hang on a dead broker"
    assert batch.status == ImportBatch.Status.CHECKING
    broker.start()
    assert tasks.sweep_imports() == 0  # not a minute old yet: its own task may still come
    ImportBatch.objects.filter(pk=batch.pk).update(
        uploaded_at=timezone.now() - dt.timedelta(minutes=2)
    )
    with running_worker():
        assert tasks.sweep_imports() == 1
        batch = wait_for_check(batch)
    assert batch.status == ImportBatch.Status.PREVIEW, batch.errors
    assert batch.summary["counts"]["new"] == 60
