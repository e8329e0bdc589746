"""Incident reports through the web, as the issue checks them: an associate files a critical
medical incident from today's flight, Operations HQ hears at once, an officer returns it, the
associate resubmits, the officer approves, and the official PDF tells the whole story."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse

from poe_ops import tasks
from poe_ops.models import AuditEvent, Document, Notification, NotificationKind
from poe_ops.services import notifications
from reports.models import IncidentReport
from tests.browser.tablet import ARTIFACTS
from tests.htmx import HTMX
from tests.pdfs import pdf_text
from tests.scenarios import DC_LIST, family_on_flight, give_dc_a_list, submitted_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def _form(person, flight, key, **fields):
    local = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=20)).astimezone(person.case.port.zone)
    data = {
        "draft_key": str(key),
        "occurred_at": local.strftime("%Y-%m-%dT%H:%M"),
        "flight": str(flight.pk),
        "case_number": person.case.case_number,
        "individuals": [str(person.pk)],
        "category": "medical",
        "severity": "critical",
        "narrative": "Collapsed at the CBP queue <b>not bold</b>; EMS called.",
        "actions_taken": "First aid; EMS took her to Grady Memorial.",
        "follow_up_needed": "Call the hospital in the morning.",
    }
    data.update(fields)
    return data


def _decide(client, report, verb, comment=""):
    url = reverse(f"approvals_{verb}", args=["incident", report.pk])
    return client.post(url, {"comment": comment}, **HTMX)


def test_the_issues_acceptance_flow(
    client, atl, atl_associate, atl_officer, jfk_officer, dc_ops, mailoutbox
):
    give_dc_a_list()
    dc_ops.email = "dc.ops@example.org"
    dc_ops.save()
    atl_associate.email = "atl.associate@example.org"
    atl_associate.save()
    case, people = family_on_flight(atl, size=2)
    flight = case.segments.get().flight
    person = people[0]

    # Filed from the person's row on the flight page: the link pre-fills flight, case, person.
    client.force_login(atl_associate)
    page = client.get(reverse("arrivals:flight", args=["ATL", flight.pk]))
    new_url = reverse("reports:incident_new", args=["ATL"])
    link = f"{new_url}?flight={flight.pk}&amp;case={case.case_number}&amp;person={person.pk}"
    assert link in page.content.decode()
    form = client.get(link.replace("&amp;", "&"))
    assert re.search(
        rf'name="individuals" value="{person.pk}" id="id_individuals_\d+" checked',
        form.content.decode(),
    )

    key = uuid.uuid4()
    saved = client.post(
        reverse("reports:incident_autosave", args=["ATL"]),
        _form(person, flight, key),
        **HTMX,
    )
    assert "Saved" in saved.content.decode()
    report = IncidentReport.objects.get()
    assert saved["HX-Replace-Url"] == reverse("reports:incident_edit", args=[report.pk])
    assert Notification.objects.count() == 0, "a draft alerts nobody"

    response = client.post(
        reverse("reports:incident_edit", args=[report.pk]),
        {**_form(person, flight, key), "action": "submit"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    assert list(report.individuals.all()) == [person]
    assert report.flight == flight and report.case == case

    # dc.ops (and the DC list) hear at once; the alert cannot be muted.
    alert = Notification.objects.get(kind=NotificationKind.INCIDENT)
    assert alert.port == atl and alert.office.code == "DC" and not alert.restricted
    assert "critical" in alert.subject.lower()
    assert notifications.deliver(alert.pk).outcome == "sent"
    assert set(mailoutbox[-1].to) == {*DC_LIST, "dc.ops@example.org"}
    client.force_login(dc_ops)
    assert alert.subject in client.get(reverse("notifications")).content.decode()

    # jfk.officer: no such report. atl.associate: may not decide it.
    client.force_login(jfk_officer)
    assert client.get(reverse("reports:incident", args=[report.pk])).status_code == 404
    assert _decide(client, report, "approve").status_code == 404
    client.force_login(atl_associate)
    assert _decide(client, report, "approve").status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"

    # The officer returns it with a comment; the reporter is told.
    client.force_login(atl_officer)
    inbox = client.get(reverse("approvals")).content.decode()
    assert f"approval-incident-{report.pk}" in inbox
    row = _decide(client, report, "return", "Name the hospital and the EMS unit.")
    assert "Returned by you" in row.content.decode()
    assert "<tr" in row.content.decode() and "<html" not in row.content.decode()
    told = Notification.objects.get(kind=NotificationKind.REVIEW)
    assert told.recipient == atl_associate
    assert notifications.deliver(told.pk).outcome == "sent"
    assert mailoutbox[-1].to == ["atl.associate@example.org"]

    # The associate sees the comment, changes the report and resubmits.
    client.force_login(atl_associate)
    edit = client.get(reverse("reports:incident_edit", args=[report.pk])).content.decode()
    assert "Name the hospital and the EMS unit." in edit
    client.post(
        reverse("reports:incident_edit", args=[report.pk]),
        {
            **_form(person, flight, report.draft_key),
            "actions_taken": "First aid; EMS unit 14 took her to Grady Memorial.",
            "action": "submit",
        },
    )
    report.refresh_from_db()
    assert report.status == "submitted"
    assert Notification.objects.filter(kind=NotificationKind.INCIDENT).count() == 1

    # A critical report is approved from its page, once read: not from the inbox's list.
    client.force_login(atl_officer)
    inbox = client.get(reverse("approvals")).content.decode()
    assert f'href="/incidents/{report.pk}/">Open to decide</a>' in inbox
    refused = _decide(client, report, "approve").content.decode()
    assert "critical severity: open it and read it before approving" in refused
    report.refresh_from_db()
    assert report.status == "submitted"
    client.get(reverse("reports:incident", args=[report.pk]))
    assert "Approved by you" in _decide(client, report, "approve").content.decode()
    report.refresh_from_db()
    assert report.status == "approved" and report.decided_by == atl_officer

    actions = list(
        AuditEvent.objects.for_object(report).order_by("at", "pk").values_list("action", flat=True)
    )
    opened = {"poe.personal_data.viewed", "poe.incident.opened_to_decide"}
    assert [a for a in actions if a not in opened] == [
        "poe.incident.created",
        "poe.incident.submitted",
        "poe.incident.returned",
        "poe.incident.updated",
        "poe.incident.resubmitted",
        "poe.incident.approved",
    ]

    # The official copy lists the history, the comment, the approver; user text escaped.
    detail = client.get(reverse("reports:incident", args=[report.pk])).content.decode()
    assert "Returned for changes" in detail and "Name the hospital and the EMS unit." in detail
    assert "&lt;b&gt;not bold&lt;/b&gt;" in detail
    client.post(reverse("reports:incident_pdf", args=[report.pk]))
    document = Document.objects.get(kind="incident_report")
    assert tasks.render_document(document.pk) == "ready"
    document.refresh_from_db()
    content = document.file.read()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "incident-report.pdf").write_bytes(content)
    text = " ".join(pdf_text(content)).replace("\n", " ")
    officer = atl_officer.get_full_name()
    for words in (
        "Status: Approved",
        f"approved by {officer}",
        "Medical emergency / hospital",
        "Critical",
        person.surname,
        "Draft started",
        "Submitted for approval",
        "Returned for changes",
        "Name the hospital and the EMS unit.",
        "Resubmitted after changes",
        "EMS unit 14",
        "<b>not bold</b>",
    ):
        assert words in text, words

    client.force_login(jfk_officer)
    assert client.get(reverse("document", args=[document.pk])).status_code == 404
    assert client.get(reverse("document_download", args=[document.pk])).status_code == 404


def test_it_refuses_self_approval(client, atl, atl_officer):
    report = submitted_incident(atl, author=atl_officer)
    client.force_login(atl_officer)
    assert _decide(client, report, "approve").status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"
    inbox = client.get(reverse("approvals")).content.decode()
    assert f"approval-incident-{report.pk}" not in inbox, "one's own report is not in the inbox"


def test_returning_needs_a_comment_and_changes_nothing_without_one(client, atl, atl_officer):
    report = submitted_incident(atl)
    client.force_login(atl_officer)
    row = _decide(client, report, "return", "   ").content.decode()
    assert "Say what needs changing" in row
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_decision_already_made_is_reported_with_who_and_when(
    client, atl, atl_officer, reference_data
):
    from poe_ops.roles import Role
    from tests.factories import make_port_user

    other = make_port_user(
        "atl.officer2", atl, Role.OFFICER, first_name="Grace", last_name="Okafor"
    )
    report = submitted_incident(atl)
    client.force_login(other)
    _decide(client, report, "approve")
    client.force_login(atl_officer)
    row = _decide(client, report, "return", "Too late").content.decode()
    assert "already approved by Grace Okafor at" in row
    assert "Nothing was changed" in row
    report.refresh_from_db()
    assert report.status == "approved" and report.decided_by == other


def test_a_low_incident_notifies_nobody_and_submitting_twice_records_once(
    client, atl, atl_associate
):
    from tests.scenarios import draft_incident

    report = draft_incident(atl, author=atl_associate)
    client.force_login(atl_associate)
    url = reverse("reports:incident_submit", args=[report.pk])
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 302
    assert (
        AuditEvent.objects.for_object(report).filter(action="poe.incident.submitted").count() == 1
    )
    assert not Notification.objects.exists()


def test_submitting_an_incomplete_report_says_what_is_missing(client, atl, atl_associate):
    client.force_login(atl_associate)
    key = uuid.uuid4()
    url = reverse("reports:incident_new", args=["ATL"])
    response = client.post(
        url, {"draft_key": str(key), "narrative": "Someone shouted.", "action": "submit"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Choose what kind of incident this is." in body
    assert "Choose how serious it is." in body
    report = IncidentReport.objects.get()
    assert report.status == "draft" and report.narrative == "Someone shouted."


def test_prefill_from_another_ports_case_is_left_out(client, atl, jfk, atl_associate):
    jfk_case, jfk_people = family_on_flight(jfk, size=1)
    client.force_login(atl_associate)
    url = reverse("reports:incident_new", args=["ATL"])
    response = client.get(f"{url}?case={jfk_case.case_number}&person={jfk_people[0].pk}")
    body = response.content.decode()
    assert response.status_code == 200
    assert f"There is no case {jfk_case.case_number} at ATL" in body
    # Neither the person's name nor a box to tick them (the associate's own name may share
    # the surname: names are generated).
    assert str(jfk_people[0]) not in body
    pk = jfk_people[0].pk
    assert f'name="individuals" value="{pk}"' not in body
    assert f'name="offered" value="{pk}"' not in body
    assert client.get(reverse("reports:incident_new", args=["JFK"])).status_code == 404


def test_an_officer_cannot_link_another_ports_flight_through_a_crafted_post(
    client, atl, jfk, atl_associate
):
    jfk_case, _ = family_on_flight(jfk, size=1)
    client.force_login(atl_associate)
    client.post(
        reverse("reports:incident_autosave", args=["ATL"]),
        {
            "draft_key": str(uuid.uuid4()),
            "flight": str(jfk_case.segments.get().flight_id),
            "narrative": "x",
        },
        **HTMX,
    )
    report = IncidentReport.objects.get()
    assert report.flight is None and report.narrative == "x"


def test_the_case_page_offers_report_incident_to_those_who_may_file(
    client, atl, atl_associate, dc_ops
):
    case, people = family_on_flight(atl, size=1)
    url = reverse("arrivals:case", args=[case.case_number])
    new_url = reverse("reports:incident_new", args=["ATL"])
    client.force_login(atl_associate)
    page = client.get(url).content.decode()
    assert f"{new_url}?case={case.case_number}&amp;person={people[0].pk}" in page
    assert f'{new_url}?case={case.case_number}"' in page
    client.force_login(dc_ops)  # HQ views but does not file at the port
    assert new_url not in client.get(url).content.decode()


def test_deciding_from_the_report_page_without_htmx_comes_back_to_it(client, atl, atl_officer):
    report = submitted_incident(atl)
    client.force_login(atl_officer)
    page = reverse("reports:incident", args=[report.pk])
    assert "Your decision" in client.get(page).content.decode()
    response = client.post(
        reverse("approvals_return", args=["incident", report.pk]),
        {"comment": "Which belt?", "next": page},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == page
    body = response.content.decode()
    assert "returned by you" in body and "Which belt?" in body
    assert "Your decision" not in body
    evil = client.post(
        reverse("approvals_approve", args=["incident", report.pk]),
        {"next": "https://evil.example/"},
    )
    assert evil["Location"] == reverse("approvals")
