"""Asking for paperwork from the port day and the case page, watching it, downloading it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from arrivals.documents import request_case_sheet, request_manifest
from cases.models import Case
from poe_ops import tasks
from poe_ops.models import AuditEvent, Document
from tests.factories import DocumentFactory
from tests.htmx import HTMX
from tests.pdfs import pdf_text
from tests.scenarios import port_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def eager(settings):
    """Tasks run in-process, as in ``make run``."""
    from poe_ops.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_asking_for_the_manifest_without_javascript_leads_to_the_document_page(
    client, atl_associate, atl, django_capture_on_commit_callbacks
):
    client.force_login(atl_associate)
    url = reverse("arrivals:request_manifest", args=["ATL"])
    with django_capture_on_commit_callbacks():
        response = client.post(url, {"date": "2026-03-08"})
    document = Document.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("document", args=[document.pk])
    assert (document.kind, document.day, document.port) == (
        "daily_manifest",
        dt.date(2026, 3, 8),
        atl,
    )
    assert document.requested_by == atl_associate
    assert AuditEvent.objects.filter(action="poe.document.requested", port=atl).count() == 1


def test_the_pending_partial_polls_itself_and_the_ready_one_does_not(client, atl_associate, atl):
    client.force_login(atl_associate)
    document = DocumentFactory.create(port=atl, requested_by=atl_associate)
    url = reverse("document", args=[document.pk])
    pending = client.get(url, **HTMX).content.decode()
    assert "Preparing" in pending
    assert f'hx-get="{url}"' in pending and 'hx-trigger="every 2s"' in pending
    assert 'hx-swap="outerHTML"' in pending
    assert "<html" not in pending  # only the partial
    port_day(atl)
    tasks.render_document(document.pk)
    ready = client.get(url, **HTMX).content.decode()
    assert "hx-trigger" not in ready
    assert reverse("document_download", args=[document.pk]) in ready


def test_the_document_page_refreshes_itself_without_javascript_while_pending(
    client, atl_associate, atl
):
    client.force_login(atl_associate)
    document = DocumentFactory.create(port=atl, requested_by=atl_associate)
    page = client.get(reverse("document", args=[document.pk])).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert "Preparing daily arrival manifest…" in page


@pytest.mark.django_db(transaction=True)
def test_in_eager_mode_the_answer_is_already_the_download_link(client, atl_associate, atl, eager):
    data = port_day(atl)
    client.force_login(atl_associate)
    url = reverse("arrivals:request_manifest", args=["ATL"])
    response = client.post(url, {"date": data.day.isoformat()}, **HTMX)
    document = Document.objects.get()
    assert document.status == Document.Status.READY
    assert reverse("document_download", args=[document.pk]) in response.content.decode()
    assert document.page_count == 1 and document.size and document.size > 1000


def test_a_malformed_date_is_refused_and_asks_for_nothing(client, atl_associate, atl):
    client.force_login(atl_associate)
    url = reverse("arrivals:request_manifest", args=["ATL"])
    response = client.post(url, {"date": "8/3/2026"}, **HTMX)
    assert response.status_code == 400
    assert "“8/3/2026” is not a date in the form YYYY-MM-DD" in response.content.decode()
    assert not Document.objects.exists()


def test_the_case_sheet_is_asked_for_from_the_case_page(
    client, atl_associate, atl, django_capture_on_commit_callbacks
):
    data = port_day(atl)
    case = data.cases[0]
    client.force_login(atl_associate)
    page = client.get(reverse("arrivals:case", args=[case.case_number])).content.decode()
    sheet_url = reverse("arrivals:request_case_sheet", args=[case.case_number])
    assert f'action="{sheet_url}"' in page
    with django_capture_on_commit_callbacks():
        response = client.post(sheet_url, **HTMX)
    document = Document.objects.get()
    assert (document.kind, document.object_id, document.subject) == (
        "case_sheet",
        str(case.pk),
        case.case_number,
    )
    assert "Preparing case arrival sheet" in response.content.decode()


def test_the_port_day_offers_the_manifest_of_the_day_shown(client, atl_associate, atl):
    client.force_login(atl_associate)
    page = client.get(reverse("arrivals:port_today", args=["ATL"]) + "?date=2026-03-08")
    html = page.content.decode()
    assert f'action="{reverse("arrivals:request_manifest", args=["ATL"])}"' in html
    assert 'name="date" value="2026-03-08"' in html
    assert "Daily manifest (PDF)" in html


def test_the_download_is_the_pdf_as_an_attachment_not_cached_and_audited(
    client, atl_associate, atl
):
    data = port_day(atl)
    document = request_case_sheet(atl_associate, data.cases[0])
    tasks.render_document(document.pk)
    client.force_login(atl_associate)
    response = client.get(reverse("document_download", args=[document.pk]))
    content = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="arrival-sheet-{data.cases[0].case_number}.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert "Haidari" in "".join(pdf_text(content))
    assert AuditEvent.objects.filter(
        action="poe.personal_data.viewed",
        object_id=str(document.pk),
        data__purpose="PDF downloaded",
    ).exists()


def test_a_download_of_a_pending_document_leads_to_its_page(client, atl_associate, atl):
    document = DocumentFactory.create(port=atl, requested_by=atl_associate)
    client.force_login(atl_associate)
    response = client.get(reverse("document_download", args=[document.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("document", args=[document.pk])


@pytest.mark.parametrize("who", ["jfk_associate", "jfk_officer", "ny_ops"])
def test_another_ports_staff_get_404_for_an_atl_document(client, request, atl_associate, atl, who):
    port_day(atl)
    document = request_manifest(atl_associate, atl, atl.local_today())
    tasks.render_document(document.pk)
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
    assert client.get(reverse("document", args=[document.pk])).status_code == 404


def test_hq_of_the_ports_office_may_download(client, dc_ops, atl_associate, atl):
    port_day(atl)
    document = request_manifest(atl_associate, atl, atl.local_today())
    tasks.render_document(document.pk)
    client.force_login(dc_ops)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 200


def test_another_ports_user_cannot_ask_for_its_paperwork(client, jfk_associate, atl):
    case = port_day(atl).cases[0]
    client.force_login(jfk_associate)
    assert client.post(reverse("arrivals:request_manifest", args=["ATL"])).status_code == 404
    sheet = reverse("arrivals:request_case_sheet", args=[case.case_number])
    assert client.post(sheet).status_code == 404
    assert not Document.objects.exists()


def test_files_have_no_public_url_and_live_outside_the_static_files(client, atl_associate, atl):
    storage: Any = settings.STORAGES["default"]
    assert storage["OPTIONS"]["base_url"] is None
    port_day(atl)
    document = request_manifest(atl_associate, atl, atl.local_today())
    tasks.render_document(document.pk)
    document.refresh_from_db()
    path = Path(document.file.path).resolve()
    assert path.exists()
    assert not path.is_relative_to(Path(settings.STATIC_ROOT).resolve())
    for static_dir in settings.STATICFILES_DIRS:
        assert not path.is_relative_to(Path(static_dir).resolve())
    client.force_login(atl_associate)
    for guess in (
        f"/{document.file.name}",
        f"/media/{document.file.name}",
        f"/{document.file.url}",
    ):
        assert client.get(guess).status_code == 404, guess


def test_the_real_settings_keep_documents_private():
    from poe_ops import settings as real

    storage: Any = real.STORAGES["default"]
    assert storage["OPTIONS"]["base_url"] is None
    assert Path(storage["OPTIONS"]["location"]).resolve().name == "private"


def test_a_case_deleted_before_rendering_ends_failed_with_a_message(atl_associate, atl):
    case = port_day(atl).cases[1]
    document = request_case_sheet(atl_associate, case)
    Case.objects.filter(pk=case.pk).delete()
    assert tasks.render_document(document.pk) == "failed"
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert f"Case {case.case_number} no longer exists" in document.error
    assert not document.file


def test_the_failure_shows_in_the_partial_as_a_plain_message(client, atl_associate, atl):
    document = DocumentFactory.create(
        port=atl, requested_by=atl_associate, status=Document.Status.FAILED, error="It broke."
    )
    client.force_login(atl_associate)
    html = client.get(reverse("document", args=[document.pk]), **HTMX).content.decode()
    assert "could not be made. It broke." in html
    assert "hx-trigger" not in html


def test_a_document_is_rendered_once_however_often_its_task_runs(atl_associate, atl):
    port_day(atl)
    document = DocumentFactory.create(port=atl, requested_by=atl_associate)
    assert tasks.render_document(document.pk) == "ready"
    first = Document.objects.get(pk=document.pk)
    assert tasks.render_document(document.pk) == "not pending"
    again = Document.objects.get(pk=document.pk)
    assert (again.file.name, again.finished_at, again.attempts) == (
        first.file.name,
        first.finished_at,
        1,
    )


def test_a_claimed_document_is_not_taken_by_a_second_worker_until_the_lease_ends(
    atl_associate, atl
):
    document = DocumentFactory.create(
        port=atl, requested_by=atl_associate, claimed_at=timezone.now()
    )
    assert tasks.render_document(document.pk) == "not pending"
    Document.objects.filter(pk=document.pk).update(
        claimed_at=timezone.now() - tasks.DOCUMENT_CLAIM_LEASE - dt.timedelta(seconds=1)
    )
    assert tasks.render_document(document.pk) == "ready"


def test_the_sweep_gives_up_after_several_attempts(atl_associate, atl):
    long_ago = timezone.now() - dt.timedelta(hours=1)
    document = DocumentFactory.create(
        port=atl, requested_by=atl_associate, attempts=tasks.DOCUMENT_MAX_ATTEMPTS
    )
    Document.objects.filter(pk=document.pk).update(requested_at=long_ago)
    assert tasks.sweep_documents() == 0
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "after several tries" in document.error


def test_the_sweep_runs_every_minute():
    schedule = settings.CELERY_BEAT_SCHEDULE["poe_ops.sweep_documents"]
    assert schedule == {"task": "poe_ops.sweep_documents", "schedule": 60.0}
