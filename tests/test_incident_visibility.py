"""Protection/PSEA and unaccompanied-minor concerns: seen by the reporter, the port's officers
and Operations HQ — and by no other associate of the port, anywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from poe_ops import tasks
from poe_ops.models import Document, Notification
from poe_ops.queries import notifications as notification_queries
from poe_ops.queries.approvals import awaiting
from reports.documents import request_incident_pdf
from reports.queries import incidents as incident_queries
from reports.services import incidents
from tests.scenarios import attachment_on, draft_incident, reporter_at, submitted_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


@pytest.fixture
def sensitive(atl, atl_associate):
    """A critical protection concern by atl.associate, with a photo and a PDF asked for."""
    report = draft_incident(
        atl,
        author=atl_associate,
        category="protection",
        severity="critical",
        narrative="A volunteer asked a child for her phone number.",
    )
    attachment_on(report)
    incidents.submit_incident(atl_associate, report)
    document = request_incident_pdf(atl_associate, report)
    tasks.render_document(document.pk)
    return report


@pytest.mark.parametrize("category", ["protection", "minor_concern"])
def test_another_associate_of_the_port_sees_no_trace_of_it(client, atl, category, atl_associate):
    report = submitted_incident(atl, author=atl_associate, category=category, severity="high")
    ordinary = submitted_incident(atl, author=atl_associate)
    colleague = reporter_at(atl, "atl.colleague")
    client.force_login(colleague)
    listing = client.get(reverse("reports:incidents")).content.decode()
    assert reverse("reports:incident", args=[ordinary.pk]) in listing
    assert reverse("reports:incident", args=[report.pk]) not in listing
    assert client.get(reverse("reports:incident", args=[report.pk])).status_code == 404
    assert client.post(reverse("reports:incident_pdf", args=[report.pk])).status_code == 404
    notice = Notification.objects.get(object_id=str(report.pk))
    assert notice.restricted
    assert not notification_queries.feed(colleague).filter(pk=notice.pk).exists()


def test_pdf_attachment_and_feed_are_hidden_too(client, sensitive, atl):
    colleague = reporter_at(atl, "atl.colleague")
    document = Document.objects.get(object_id=str(sensitive.pk))
    attachment = sensitive.attachments.get()
    client.force_login(colleague)
    assert client.get(reverse("document", args=[document.pk])).status_code == 404
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404
    url = reverse("reports:incident_attachment", args=[sensitive.pk, attachment.pk])
    assert client.get(url).status_code == 404
    feed = client.get(reverse("notifications")).content.decode()
    assert "Protection" not in feed


@pytest.mark.parametrize("viewer", ["atl_associate", "atl_officer", "dc_ops"])
def test_the_reporter_the_officer_and_hq_see_all_of_it(client, request, sensitive, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    document = Document.objects.get(object_id=str(sensitive.pk))
    attachment = sensitive.attachments.get()
    listing = client.get(reverse("reports:incidents")).content.decode()
    assert reverse("reports:incident", args=[sensitive.pk]) in listing
    page = client.get(reverse("reports:incident", args=[sensitive.pk]))
    assert "asked a child for her phone number" in page.content.decode()
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 200
    url = reverse("reports:incident_attachment", args=[sensitive.pk, attachment.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    notice = Notification.objects.get(object_id=str(sensitive.pk))
    # The office alert is for HQ and officers; the reporter wrote it and needs no alert.
    in_feed = notification_queries.feed(user).filter(pk=notice.pk).exists()
    assert in_feed == (viewer != "atl_associate")


def test_ny_hq_and_jfk_staff_see_nothing_of_atl(client, sensitive, ny_ops, jfk_officer):
    for user in (ny_ops, jfk_officer):
        client.force_login(user)
        assert client.get(reverse("reports:incident", args=[sensitive.pk])).status_code == 404
        assert not incident_queries.visible_incidents(user).exists()


def test_the_officer_finds_it_in_the_inbox(sensitive, atl_officer, atl):
    assert [item.pk for _, item in awaiting(atl_officer)] == [sensitive.pk]
    colleague = reporter_at(atl, "atl.colleague")
    assert awaiting(colleague) == []


def test_a_draft_is_its_authors_alone(client, atl, atl_associate, atl_officer):
    report = draft_incident(atl, author=atl_associate)
    client.force_login(atl_officer)
    assert client.get(reverse("reports:incident", args=[report.pk])).status_code == 404
    client.force_login(atl_associate)
    assert client.get(reverse("reports:incident", args=[report.pk])).status_code == 200
