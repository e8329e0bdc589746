"""The monthly report: beat's task, run by a real worker, makes each office's PDF of the month
just ended (its totals in its text, its charts drawn), tells the office's HQ where to read it,
and is made once however often it runs; any period is asked for the same way from
/statistics/, by those who may read every incident it counts."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from poe_ops.models import Document, Notification, Port
from reports.documents import STATISTICS_REPORT
from reports.tasks import monthly_reports
from tests.pdfs import finished, pdf_text
from tests.statistics_month import build_march
from tests.workers import running_worker

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("private_storage")]


def _made(seconds: float = 30, **lookup: str) -> Document:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = Document.objects.filter(kind=STATISTICS_REPORT, **lookup).first()
        if found is not None:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no report {lookup} after {seconds} s")


@pytest.mark.celery_worker
def test_the_first_of_the_month_makes_each_offices_report_in_the_worker(jfk, atl, ny_ops):
    build_march(jfk, Port.objects.get(iata="ORD"), atl)
    with running_worker():
        monthly_reports.delay("2026-04-01")  # as beat sends it
        ny = finished(_made(object_id__startswith="JFK,LAX,ORD|"))
        dc = finished(_made(object_id__startswith="ATL,"))
    assert ny.status == Document.Status.READY, ny.error
    assert dc.status == Document.Status.READY, dc.error
    assert ny.object_id == "JFK,LAX,ORD|2026-03-01|2026-03-31|month"
    with ny.file.open("rb") as handle:
        content = handle.read()
    text = " ".join(" ".join(pdf_text(content)).split())
    assert "Statistics March 2026" in text
    for words in ("PEOPLE ARRIVED 16 CASES 9 TRANSITS 5 SAME-DAY CONNECTIONS 3 MISCONNECTIONS 3",
                  "HOSPITAL 1 NO-SHOWS 1 HOTEL ROOM-NIGHTS 6 INCIDENTS 3 COST $611.00",
                  "JFK 10 7 1 5 3 3 1 1 0 1 6 2", "All ports 16 9 1 5 3 3 1 1 1 1 6 3",
                  "JFK 4 2 h 15 min 2 h 51 min 2 8 h 40 min 8 h 40 min"):  # fmt: skip
        assert words in text, words
    # The charts are drawn (their axis and legend words are in the PDF's text).
    assert "12 h or more" in text and "Inbound flight landed late" in text
    assert "people" in text
    # HQ is told where to read it, once.
    told = Notification.objects.get(kind="report", port=jfk)
    assert told.context["path"] == reverse("document", args=[ny.pk])
    assert told.restricted
    # Running again makes no second report.
    assert monthly_reports("2026-04-01") == 2
    assert Document.objects.filter(kind=STATISTICS_REPORT).count() == 2
    assert Notification.objects.filter(kind="report").count() == 2


def test_any_period_on_request_for_those_who_may_read_it(client, jfk, atl, ny_ops, jfk_associate):
    url = reverse("reports:statistics_report") + "?period=quarter&start=2026-02-01"
    client.force_login(ny_ops)
    page = client.get(reverse("reports:statistics") + "?period=quarter&start=2026-02-01")
    assert "PDF report" in page.content.decode()
    response = client.post(url)
    document = Document.objects.get(kind=STATISTICS_REPORT)
    assert response.status_code == 302 and response["Location"] == reverse(
        "document", args=[document.pk]
    )
    assert document.object_id == "JFK,LAX,ORD|2026-01-01|2026-03-31|quarter"
    assert document.requested_by == ny_ops
    # An associate sees the statistics but not the report that counts every incident.
    client.force_login(jfk_associate)
    page = client.get(reverse("reports:statistics") + "?period=quarter&start=2026-02-01&port=JFK")
    assert "PDF report" not in page.content.decode()
    assert client.post(url + "&port=JFK").status_code == 404
    assert client.get(reverse("document", args=[document.pk])).status_code == 404


def test_focal_points_are_not_hq_for_the_report(
    client, jfk, atl, ny_ops, ny_protection, dc_protection, dc_medical
):
    # Issue 19's focal points view every port of their office, but the report counts every
    # incident: it stays the officers' and HQ's, and a focal point is neither.
    client.force_login(ny_ops)
    client.post(reverse("reports:statistics_report") + "?period=month&start=2026-03-01")
    document = Document.objects.get(kind=STATISTICS_REPORT)
    for focal, iata in ((ny_protection, "JFK"), (dc_protection, "ATL"), (dc_medical, "ATL")):
        client.force_login(focal)
        query = f"?period=month&start=2026-03-01&port={iata}"
        page = client.get(reverse("reports:statistics") + query)
        assert page.status_code == 200 and "PDF report" not in page.content.decode()
        assert client.post(reverse("reports:statistics_report") + query).status_code == 404
        assert client.get(reverse("document", args=[document.pk])).status_code == 404
    assert Document.objects.filter(kind=STATISTICS_REPORT).count() == 1


def test_beat_asks_for_the_task_that_exists_on_the_first_of_each_month(settings):
    from celery.schedules import crontab

    from poe_ops.celery import app

    entry = settings.CELERY_BEAT_SCHEDULE["reports.make_monthly_reports"]
    # The name beat sends is a task the worker knows (a typo would be a month without a report).
    assert entry["task"] == monthly_reports.name
    assert entry["task"] in app.tasks
    # 12:00 UTC on the 1st: the month has ended at every port, Los Angeles included.
    assert entry["schedule"] == crontab(day_of_month=1, hour=12, minute=0)
