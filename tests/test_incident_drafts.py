"""Filing from the tablet: the draft exists from the first autosave, later saves update it,
photos and scans are checked by what they are, and the lists stay cheap."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from poe_ops.models import AuditEvent
from reports.models import IncidentAttachment, IncidentReport
from reports.queries import incident_history
from reports.services import attachments
from tests.htmx import HTMX
from tests.scenarios import JPEG, PDF, PNG, draft_incident, reporter_at, submitted_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]


def _autosave(client, key, **fields):
    return client.post(
        reverse("reports:incident_autosave", args=["ATL"]),
        {"draft_key": str(key), **fields},
        **HTMX,
    )


def test_the_first_keystroke_makes_the_draft_and_later_saves_update_it(client, atl, atl_associate):
    client.force_login(atl_associate)
    key = uuid.uuid4()
    first = _autosave(client, key, narrative="A")
    assert first.status_code == 200 and "Saved" in first.content.decode()
    assert 'aria-labelledby="attachments-title" hx-swap-oob="true"' in first.content.decode()
    _autosave(client, key, narrative="A man")
    _autosave(client, key, narrative="A man")  # a retry of the same save
    second = _autosave(client, key, narrative="A man fell", category="staff_injury")
    assert "incident-attachments" not in second.content.decode()
    report = IncidentReport.objects.get()
    local = report.updated_at.astimezone(atl.zone)
    assert f"Saved {local:%H:%M}" in second.content.decode(), "port-local time"
    assert report.narrative == "A man fell" and report.category == "staff_injury"
    assert report.author == atl_associate and report.status == "draft"
    events = AuditEvent.objects.for_object(report).order_by("pk")
    assert [e.action for e in events] == [
        "poe.incident.created",
        "poe.incident.updated",
        "poe.incident.updated",
    ], "an unchanged save records nothing"
    assert events[2].changes == {
        "category": ["", "staff_injury"],
        "narrative": ["A man", "A man fell"],
    }


def test_an_invalid_field_is_reported_and_the_rest_is_saved(client, atl, atl_associate):
    client.force_login(atl_associate)
    key = uuid.uuid4()
    reply = _autosave(client, key, narrative="Kept", occurred_at="yesterday").content.decode()
    assert "not saved" in reply and "When it happened" in reply
    assert IncidentReport.objects.get().narrative == "Kept"


def test_a_time_that_never_happened_in_the_ports_zone_is_refused(client, atl, atl_associate):
    client.force_login(atl_associate)
    reply = _autosave(client, uuid.uuid4(), occurred_at="2026-03-08T02:30").content.decode()
    assert "does not exist in America/New_York" in reply
    assert IncidentReport.objects.get().occurred_at is None


def test_the_port_local_time_is_stored_as_utc(client, atl, atl_associate):
    client.force_login(atl_associate)
    _autosave(client, uuid.uuid4(), occurred_at="2026-07-01T22:15")
    assert IncidentReport.objects.get().occurred_at == dt.datetime(2026, 7, 2, 2, 15, tzinfo=dt.UTC)


def test_nobody_else_can_write_into_someone_elses_draft(client, atl, atl_associate):
    report = draft_incident(atl, author=atl_associate, narrative="Mine")
    client.force_login(reporter_at(atl, "atl.other"))
    assert _autosave(client, report.draft_key, narrative="Theirs").status_code == 403
    report.refresh_from_db()
    assert report.narrative == "Mine"


def test_a_submitted_report_is_not_changed_by_a_late_autosave(client, atl, atl_associate):
    report = submitted_incident(atl, author=atl_associate)
    client.force_login(atl_associate)
    reply = _autosave(client, report.draft_key, narrative="late").content.decode()
    assert "awaiting approval; changes here were not saved" in reply
    report.refresh_from_db()
    assert report.narrative != "late"


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("photo.jpg", JPEG, "image/jpeg"),
        ("scan.pdf", PDF, "application/pdf"),
        ("IMG_0001.HEIC", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 32, "image/heic"),
        ("renamed.txt", PNG, "image/png"),  # what it is, not what it is called
    ],
)
def test_it_accepts_photos_and_scans_by_their_content(atl, atl_associate, name, content, expected):
    report = draft_incident(atl, author=atl_associate)
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    attachment = attachments.add_attachment(atl_associate, report, upload)
    assert attachment.content_type == expected
    assert attachment.file.read() == content
    last = incident_history.history_rows(report)[-1]
    assert (last.what, last.fields) == ("Photo or scan added", [name])


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("evil.jpg", b"<html><script>alert(1)</script>", "is not a photo or scan POE Ops accepts"),
        ("empty.png", b"", "is empty"),
        ("huge.jpg", JPEG + b"\x00" * (10 * 1024 * 1024), "files can be at most 10 MB"),
    ],
)
def test_a_bad_attachment_is_refused_with_a_clear_message_and_nothing_stored(
    client, atl, atl_associate, private_storage, name, content, message
):
    report = draft_incident(atl, author=atl_associate)
    client.force_login(atl_associate)
    upload = SimpleUploadedFile(name, content, content_type="image/jpeg")
    response = client.post(
        reverse("reports:incident_add_attachment", args=[report.pk]), {"file": upload}, follow=True
    )
    assert message in response.content.decode()
    assert not IncidentAttachment.objects.exists()
    assert not list(private_storage.rglob("*.*"))


def test_only_the_author_adds_photos_while_it_can_change(client, atl, atl_associate, atl_officer):
    report = submitted_incident(atl, author=atl_associate)
    client.force_login(atl_associate)
    upload = SimpleUploadedFile("photo.png", PNG)
    url = reverse("reports:incident_add_attachment", args=[report.pk])
    assert (
        "can no longer be added" in client.post(url, {"file": upload}, follow=True).content.decode()
    )
    client.force_login(atl_officer)
    assert client.post(url, {"file": SimpleUploadedFile("p.png", PNG)}).status_code == 403
    assert not IncidentAttachment.objects.exists()


def test_the_list_filters_and_its_queries_do_not_grow(
    client, atl, jfk, dc_ops, django_assert_max_num_queries
):
    for n in range(3):
        submitted_incident(atl, category="medical", severity="high", narrative=f"m{n}")
        submitted_incident(atl, category="lost_luggage", severity="low")
    submitted_incident(jfk, category="medical", severity="high")
    client.force_login(dc_ops)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("reports:incidents")).content.decode()
    assert page.count('class="severity severity-high"') == 3, "JFK is not DC's"
    for _ in range(20):
        submitted_incident(atl, category="other", severity="medium")
    with django_assert_max_num_queries(12):
        filtered = client.get(
            reverse("reports:incidents"),
            {"port": "ATL", "category": "medical", "severity": "high", "status": "submitted"},
        ).content.decode()
    assert filtered.count("<tr>") == 4  # the header and three reports


def test_the_date_range_is_the_ports_local_day(client, atl, atl_associate):
    late_evening = dt.datetime(2026, 7, 1, 23, 30, tzinfo=atl.zone)  # 03:30 UTC on 2 July
    submitted_incident(atl, author=atl_associate, occurred_at=late_evening, narrative="late one")
    client.force_login(atl_associate)
    on_first = client.get(
        reverse("reports:incidents"), {"date_from": "2026-07-01", "date_to": "2026-07-01"}
    )
    assert "Lost luggage" in on_first.content.decode()
    on_second = client.get(reverse("reports:incidents"), {"date_from": "2026-07-02"})
    assert "No incident reports match" in on_second.content.decode()
    backwards = client.get(
        reverse("reports:incidents"), {"date_from": "2026-07-02", "date_to": "2026-07-01"}
    )
    assert "“To” is before “From”" in backwards.content.decode()


def test_the_inbox_and_the_nav_count_stay_cheap(
    client, atl, jfk, atl_officer, django_assert_max_num_queries
):
    from poe_ops.roles import Role, assign_port_role

    assign_port_role(atl_officer, jfk, Role.OFFICER)
    for port in (atl, jfk):
        for _ in range(3):
            submitted_incident(port)
    client.force_login(atl_officer)
    with django_assert_max_num_queries(12) as captured:
        page = client.get(reverse("approvals")).content.decode()
    few = len(captured.captured_queries)
    assert page.count('class="approval-row') == 6
    assert '<span class="nav-count" aria-label="6 awaiting you">6</span>' in page
    for port in (atl, jfk):
        for _ in range(10):
            submitted_incident(port)
    with django_assert_max_num_queries(few):
        page = client.get(reverse("approvals")).content.decode()
    assert page.count('class="approval-row') == 26


def test_the_inbox_lists_the_oldest_first(client, atl, atl_officer):
    first = submitted_incident(atl, narrative="first")
    second = submitted_incident(atl, narrative="second")
    assert first.submitted_at is not None
    IncidentReport.objects.filter(pk=second.pk).update(
        submitted_at=first.submitted_at - dt.timedelta(hours=1)
    )
    client.force_login(atl_officer)
    page = client.get(reverse("approvals")).content.decode()
    assert page.index(f"approval-incident-{second.pk}") < page.index(
        f"approval-incident-{first.pk}"
    )


def test_associates_get_no_approvals_link(client, atl, atl_associate):
    client.force_login(atl_associate)
    page = client.get(reverse("reports:incidents")).content.decode()
    assert 'href="/approvals/"' not in page
