"""Who sees what of an incident report (reports.queries.incidents.visibility):

- protection/PSEA reports go to the protection focal points of the port's office — not to the
  port's officers, not to HQ's operations staff — and are decided by them;
- unaccompanied-minor concerns are seen by the reporter, the port's officers, HQ and the
  protection focal points, and by no other associate of the port;
- a member of staff a report names never sees it, whatever their role;
- the medical details of a medical emergency are read by the reporter, the port's officers, the
  medical focal point and HQ only, and every read is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from poe_ops import tasks
from poe_ops.models import AuditEvent, Document, Notification
from poe_ops.queries import notifications as notification_queries
from poe_ops.queries.approvals import awaiting
from poe_ops.roles import Role
from reports.documents import request_incident_pdf
from reports.models import IncidentReport
from reports.queries import incidents as incident_queries
from reports.services import incidents
from tests.factories import make_port_user
from tests.htmx import HTMX
from tests.scenarios import attachment_on, draft_incident, reporter_at, submitted_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def page(report):
    return reverse("reports:incident", args=[report.pk])


@pytest.fixture
def protection(atl, atl_associate, dc_protection):
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


# --- Protection/PSEA: to the office's protection focal points -----------------------------------


@pytest.mark.parametrize("viewer", ["atl_associate", "dc_protection"])
def test_the_reporter_and_the_protection_focal_point_see_all_of_it(
    client, request, protection, viewer
):
    client.force_login(request.getfixturevalue(viewer))
    document = Document.objects.get(object_id=str(protection.pk))
    attachment = protection.attachments.get()
    assert page(protection) in client.get(reverse("reports:incidents")).content.decode()
    assert "asked a child for her phone number" in client.get(page(protection)).content.decode()
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 200
    url = reverse("reports:incident_attachment", args=[protection.pk, attachment.pk])
    assert client.get(url)["Content-Type"] == "image/png"


@pytest.mark.parametrize("viewer", ["atl_officer", "dc_ops", "ny_protection", "jfk_officer"])
def test_the_ports_officer_hq_and_others_see_no_trace_of_it(client, request, protection, viewer):
    user = request.getfixturevalue(viewer)
    client.force_login(user)
    document = Document.objects.get(object_id=str(protection.pk))
    assert page(protection) not in client.get(reverse("reports:incidents")).content.decode()
    assert client.get(page(protection)).status_code == 404
    assert client.get(reverse("document", args=[document.pk])).status_code == 404
    assert client.post(reverse("reports:incident_pdf", args=[protection.pk])).status_code == 404
    assert not notification_queries.feed(user).filter(object_id=str(protection.pk)).exists()
    assert not incident_queries.visible_incidents(user).filter(pk=protection.pk).exists()


def test_only_the_focal_point_is_told_and_by_name(protection, dc_protection, atl_officer):
    (notice,) = Notification.objects.filter(object_id=str(protection.pk), kind="incident")
    assert notice.recipient == dc_protection and notice.restricted
    assert notification_queries.feed(dc_protection).filter(pk=notice.pk).exists()
    assert not notification_queries.feed(atl_officer).filter(pk=notice.pk).exists()


def test_the_focal_point_decides_it_and_the_officer_cannot(
    client, protection, dc_protection, atl_officer, atl_associate
):
    assert [item.pk for _, item in awaiting(dc_protection)] == [protection.pk]
    assert awaiting(atl_officer) == []
    client.force_login(atl_officer)
    refused = client.post(reverse("approvals_approve", args=["incident", protection.pk]), **HTMX)
    assert refused.status_code == 404
    client.force_login(dc_protection)
    # A critical report is approved only once read (issue 17): the focal point opens it first.
    assert client.get(f"/incidents/{protection.pk}/").status_code == 200
    decided = client.post(reverse("approvals_approve", args=["incident", protection.pk]), **HTMX)
    assert decided.status_code == 200 and "Approved by you" in decided.content.decode()
    protection.refresh_from_db()
    assert protection.status == "approved" and protection.decided_by == dc_protection
    told = Notification.objects.get(kind="review", recipient=atl_associate)
    assert told.restricted


def test_an_office_without_a_protection_focal_point_is_told_to_name_one(
    atl, atl_associate, atl_officer, dc_ops
):
    report = submitted_incident(atl, author=atl_associate, category="protection", severity="low")
    (notice,) = Notification.objects.filter(dedupe_key__startswith=f"incident:{report.pk}:")
    assert notice.recipient == dc_ops
    assert "has no protection focal point" in notice.context["summary"]
    assert "suitcase" not in notice.body and notice.object_id == ""
    assert notification_queries.feed(dc_ops).filter(pk=notice.pk).exists()
    assert not notification_queries.feed(atl_officer).filter(pk=notice.pk).exists()


# --- Unaccompanied-minor concerns ----------------------------------------------------------------


def test_another_associate_of_the_port_sees_no_trace_of_a_minor_concern(client, atl, atl_associate):
    report = submitted_incident(
        atl, author=atl_associate, category="minor_concern", severity="high"
    )
    ordinary = submitted_incident(atl, author=atl_associate)
    colleague = reporter_at(atl, "atl.colleague")
    client.force_login(colleague)
    listing = client.get(reverse("reports:incidents")).content.decode()
    assert page(ordinary) in listing and page(report) not in listing
    assert client.get(page(report)).status_code == 404
    notice = Notification.objects.get(object_id=str(report.pk))
    assert notice.restricted
    assert not notification_queries.feed(colleague).filter(pk=notice.pk).exists()


@pytest.mark.parametrize("viewer", ["atl_officer", "dc_ops", "dc_protection"])
def test_a_minor_concern_is_seen_by_the_officer_hq_and_the_protection_focal_point(
    client, request, atl, atl_associate, viewer
):
    report = submitted_incident(
        atl, author=atl_associate, category="minor_concern", severity="high"
    )
    client.force_login(request.getfixturevalue(viewer))
    assert client.get(page(report)).status_code == 200


# --- Staff a report names ---------------------------------------------------------------------


@pytest.mark.parametrize("subject", ["atl_officer", "dc_ops", "atl_senior"])
def test_a_member_of_staff_named_in_a_report_never_sees_it(
    client, request, atl, atl_associate, subject
):
    person = request.getfixturevalue(subject)
    if subject == "dc_ops":  # only a port's staff can be named: HQ who also work there
        make_port_user("dc.ops", atl, Role.ASSOCIATE)
    report = submitted_incident(
        atl, author=atl_associate, category="security", severity="high", staff_concerned=[person]
    )
    attachment = attachment_on(report)
    client.force_login(person)
    assert page(report) not in client.get(reverse("reports:incidents")).content.decode()
    for url in (
        page(report),
        reverse("reports:incident_attachment", args=[report.pk, attachment.pk]),
    ):
        assert client.get(url).status_code == 404
    assert client.post(reverse("reports:incident_pdf", args=[report.pk])).status_code == 404
    assert awaiting(person) == []
    # Another officer of the port sees it, with whom it names, and decides it.
    other = make_port_user("atl.officer2", atl, Role.OFFICER)
    client.force_login(other)
    shown = client.get(page(report)).content.decode()
    assert "Staff the report is about" in shown
    assert [item.pk for _, item in awaiting(other)] == [report.pk]


def test_a_report_cannot_name_its_author_or_someone_from_another_port(
    atl, atl_associate, jfk_officer
):
    with pytest.raises(ValidationError, match="cannot name yourself"):
        draft_incident(atl, atl_associate, staff_concerned=[atl_associate])
    with pytest.raises(ValidationError, match="Not staff of ATL"):
        draft_incident(atl, atl_associate, staff_concerned=[jfk_officer])
    assert not IncidentReport.objects.exists()


def test_the_form_offers_the_ports_staff_to_name(client, atl, atl_associate, atl_officer):
    client.force_login(atl_associate)
    form = client.get(reverse("reports:incident_new", args=["ATL"])).content.decode()
    assert "Is this report about a member of staff?" in form
    assert atl_officer.get_full_name() in form
    assert f'value="{atl_associate.pk}"' not in form.split("staff_concerned")[1][:2000]


# --- Medical details ---------------------------------------------------------------------------


@pytest.fixture
def medical(atl, atl_associate):
    report = draft_incident(
        atl,
        author=atl_associate,
        category="medical",
        severity="high",
        narrative="Fainted in the CBP queue; she is on insulin.",
    )
    attachment_on(report)
    return incidents.submit_incident(atl_associate, report)


def test_another_associate_sees_that_it_happened_not_the_medical_details(client, atl, medical):
    colleague = reporter_at(atl, "atl.colleague")
    client.force_login(colleague)
    shown = client.get(page(medical)).content.decode()
    assert "Medical emergency" in shown
    assert "insulin" not in shown
    assert "only the ATL officers, the medical focal point and Operations HQ read them" in shown
    attachment = medical.attachments.get()
    url = reverse("reports:incident_attachment", args=[medical.pk, attachment.pk])
    assert client.get(url).status_code == 404
    assert client.post(reverse("reports:incident_pdf", args=[medical.pk])).status_code == 403
    assert not AuditEvent.objects.filter(
        action="poe.personal_data.viewed", actor=colleague, data__purpose="medical details"
    ).exists()


@pytest.mark.parametrize("reader", ["atl_associate", "atl_officer", "dc_ops", "dc_medical"])
def test_the_reporter_officer_hq_and_medical_focal_point_read_them_and_it_is_audited(
    client, request, medical, reader
):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    assert "she is on insulin" in client.get(page(medical)).content.decode()
    read = AuditEvent.objects.get(action="poe.personal_data.viewed", actor=user)
    assert read.data == {"purpose": "medical details"}
    assert read.object_id == str(medical.pk)
    document = request_incident_pdf(user, medical)
    tasks.render_document(document.pk)
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 200


def test_another_offices_medical_focal_point_sees_nothing(client, medical, reference_data):
    from poe_ops.models import OperationsOffice
    from poe_ops.roles import add_focal_point
    from tests.factories import make_user

    ny_medical = make_user("ny.medical")
    add_focal_point(ny_medical, OperationsOffice.objects.get(code="NY"), Role.MEDICAL)
    client.force_login(ny_medical)
    assert client.get(page(medical)).status_code == 404


def test_a_draft_is_its_authors_alone(client, atl, atl_associate, atl_officer):
    report = draft_incident(atl, author=atl_associate)
    client.force_login(atl_officer)
    assert client.get(page(report)).status_code == 404
    client.force_login(atl_associate)
    assert client.get(page(report)).status_code == 200
