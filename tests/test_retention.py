"""Retention (docs/retention.md): what is past its period is anonymised or deleted by the nightly
run — counts kept, one audit event per run — and ``apply_retention --dry-run`` only says what it
would do."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from arrivals.queries.search import search_cases
from cases.models import Case, CaseRevision, CustodyHandover, ExpectedReceiver, Individual, USTie
from poe_ops.models import AuditEvent, Document, Notification
from poe_ops.services import retention
from poe_ops.services.audit import RETENTION_SCRUBBED, log_action
from poe_ops.tasks import apply_retention
from reports.models import IncidentAttachment, IncidentReport
from reports.services import incidents
from tests.factories import (
    CaseFactory,
    CustodyHandoverFactory,
    DocumentFactory,
    IndividualFactory,
    USTieFactory,
)
from tests.scenarios import attachment_on, signed_handover, submitted_incident

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_storage")]

LONG_AGO = timezone.now() - dt.timedelta(days=400)


def closed_case(port, number, *, status="completed", when=LONG_AGO):
    case = CaseFactory.create(
        port=port,
        case_number=number,
        notes="Uncle meets them.",
        medical_escort=True,
        medical_escort_name="Dr. Leyla Demir",
        import_warnings=[{"row": 2, "column": "a_number", "message": "m", "person": "Amina"}],
    )
    IndividualFactory.create(
        case=case,
        given_names="Amina",
        surname="Haidari",
        vulnerability_notes="Pregnant, 7 months.",
        medical_notes="Insulin.",
        a_number="A123456789",
    )
    IndividualFactory.create(case=case, given_names="Yusuf", surname="Haidari")
    CaseRevision.objects.create(case=case, abn_version=1, values={"people": ["Amina Haidari"]})
    CustodyHandoverFactory.create(case=case)
    log_action(None, "poe.case.imported", case, changes={"people": [None, "Amina Haidari"]})
    for person in case.individuals.all():
        log_action(None, "poe.individual.step.met", person)
    Case.objects.filter(pk=case.pk).update(status=status, updated_at=when)
    return case


def test_a_case_closed_past_its_period_loses_its_personal_data_and_keeps_its_counts(atl):
    old = closed_case(atl, "AF100001")
    recent = closed_case(atl, "AF100002", when=timezone.now() - dt.timedelta(days=30))
    open_case = closed_case(atl, "AF100003", status="in_progress")

    outcomes = {o.rule.key: o for o in retention.run()}

    assert outcomes["case_personal_data"].done == 1
    people = list(Individual.objects.filter(case=old))
    assert len(people) == 2, "the people stay, for the counts"
    for person in people:
        assert (person.given_names, person.surname, person.date_of_birth) == (
            "",
            "Anonymised",
            None,
        )
        assert person.vulnerability_notes == "" and person.medical_notes == ""
        assert person.a_number == ""
        assert person.nationality == "AF", "what statistics count stays"
    old.refresh_from_db()
    assert old.notes == "" and old.anonymised_at is not None and old.status == "completed"
    assert (old.medical_escort, old.medical_escort_name, old.import_warnings) == (True, "", [])
    assert not CaseRevision.objects.filter(case=old).exists()
    handover = CustodyHandover.objects.get(case=old)
    assert "Sam Rivera" not in (handover.from_name, handover.to_name)
    assert handover.to_organisation == "IRC Atlanta"
    for event in AuditEvent.objects.for_object(old):
        assert event.object_repr == RETENTION_SCRUBBED and event.changes == {}
    for person in people:
        (event,) = AuditEvent.objects.for_object(person)
        assert event.action == "poe.individual.step.met" and "Amina" not in event.object_repr
    for untouched in (recent, open_case):
        assert Individual.objects.filter(case=untouched, given_names="Amina").exists()
    (run,) = AuditEvent.objects.filter(action="poe.retention.applied")
    assert run.actor is None and run.data["case_personal_data"]["done"] == 1


def test_a_closed_case_loses_its_receivers_ties_and_hand_over_signatures_too(
    client, atl, atl_officer, private_storage
):
    """Issue 15's records about people: the U.S. tie, the expected receiver, the signed
    hand-over of a URM (its signatures are files in private storage)."""
    handover = signed_handover(atl)
    case = handover.case
    tie = USTieFactory.create(case=case, city="Decatur, GA")
    files = [handover.from_signature.name, handover.to_signature.name]
    storage = handover.from_signature.storage
    assert all(storage.exists(name) for name in files)
    Case.objects.filter(pk=case.pk).update(status="completed", updated_at=LONG_AGO)

    retention.run()

    tie.refresh_from_db()
    assert (tie.name, tie.phone, tie.city, tie.relationship) == ("(removed)", "", "", "brother")
    receiver = ExpectedReceiver.objects.get(case=case)
    assert (receiver.name, receiver.phone) == ("(removed)", "")
    assert receiver.organisation == "IRC Atlanta"
    handover.refresh_from_db()
    assert (handover.from_name, handover.to_name) == ("(removed)", "(removed)")
    assert "555" not in handover.to_phone and "7731" not in handover.to_id_last_digits
    assert not any(storage.exists(name) for name in files), "the signature files are deleted"
    assert handover.signed and handover.of_minor, "the record still says it was signed"
    assert handover.to_organisation == "IRC Atlanta"
    client.force_login(atl_officer)
    page = client.get(f"/custody-handovers/{handover.pk}/signatures/from/")
    assert page.status_code == 404
    for record in (tie, receiver, handover):
        for event in AuditEvent.objects.for_object(record):
            assert event.object_repr == RETENTION_SCRUBBED, event.action
    assert USTie.objects.filter(case=case).count() == 1, "the tie stays, for the counts"


def test_search_no_longer_finds_an_anonymised_name_and_the_case_says_why(
    client, atl, atl_associate
):
    closed_case(atl, "AF100001")
    assert search_cases(atl_associate, "amina haidari").results
    retention.run()
    assert not search_cases(atl_associate, "amina haidari").results
    client.force_login(atl_associate)
    page = client.get("/cases/AF100001/").content.decode()
    assert "personal data of this case's people was removed on" in page
    assert "Amina" not in page


def test_a_dry_run_says_what_it_would_do_and_changes_nothing(atl):
    closed_case(atl, "AF100001")
    out = io.StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "dry run, nothing changed" in text
    assert "Personal data of closed cases: 1 would be handled — kept 365 days" in text
    assert Individual.objects.filter(given_names="Amina").exists()
    assert not AuditEvent.objects.filter(action="poe.retention.applied").exists()


def test_each_kind_has_its_own_period(atl, settings):
    settings.POE_RETENTION_DAYS = {**settings.POE_RETENTION_DAYS, "case_personal_data": 500}
    closed_case(atl, "AF100001")  # 400 days: not yet
    assert {o.rule.key: o.due for o in retention.run(dry_run=True)}["case_personal_data"] == 0


def test_old_pdfs_are_deleted_and_their_page_says_so(client, atl, atl_associate):
    document = DocumentFactory.create(port=atl, requested_by=atl_associate, status="ready")
    document.file.save("old.pdf", ContentFile(b"%PDF-1.4 old"), save=True)
    Document.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - dt.timedelta(days=31)
    )
    fresh = DocumentFactory.create(port=atl, requested_by=atl_associate, status="ready")
    fresh.file.save("fresh.pdf", ContentFile(b"%PDF-1.4 new"), save=True)
    storage = document.file.storage
    name = document.file.name

    retention.run()

    document.refresh_from_db()
    assert document.status == "expired" and not document.file
    assert not storage.exists(name)
    fresh.refresh_from_db()
    assert fresh.status == "ready" and storage.exists(fresh.file.name)
    client.force_login(atl_associate)
    page = client.get(f"/documents/{document.pk}/").content.decode()
    assert "removed after its retention period" in page


def test_delivered_notifications_go_after_their_period(atl, atl_senior):
    from tests.scenarios import family_on_flight, give_dc_a_list

    give_dc_a_list()
    case, _ = family_on_flight(atl, size=1)
    from arrivals.services.checkin import move_case
    from poe_ops.keys import new_key

    for step in ("met", "cbp_cleared", "handed_over"):
        move_case(atl_senior, case.pk, step, idempotency_key=new_key())
    Notification.objects.update(state="sent", created_at=timezone.now() - dt.timedelta(days=200))
    retention.run()
    assert not Notification.objects.exists()


def test_an_approved_reports_photos_then_its_words_go_after_their_periods(
    atl, atl_associate, atl_officer
):
    report = submitted_incident(atl, author=atl_associate, narrative="Amina fell on the stairs.")
    attachment = attachment_on(report)
    incidents.decide_incident(atl_officer, report, approve=True, comment="Call Amina's agency.")
    storage, name = attachment.file.storage, attachment.file.name
    IncidentReport.objects.filter(pk=report.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=800)
    )
    outcomes = {o.rule.key: o.done for o in retention.run()}
    assert outcomes["incident_attachments"] == 1 and outcomes["incident_text"] == 0
    assert not IncidentAttachment.objects.exists() and not storage.exists(name)
    report.refresh_from_db()
    assert "Amina" in report.narrative  # five years for what happened

    IncidentReport.objects.filter(pk=report.pk).update(
        decided_at=timezone.now() - dt.timedelta(days=1900)
    )
    assert {o.rule.key: o.done for o in retention.run()}["incident_text"] == 1
    report.refresh_from_db()
    assert "Amina" not in report.narrative and report.decision_comment == ""
    assert (report.category, report.severity, report.status) == ("lost_luggage", "low", "approved")
    assert not report.individuals.exists()
    assert all("Amina" not in str(e.changes) for e in AuditEvent.objects.for_object(report))


def test_the_nightly_task_is_scheduled_and_runs(atl):
    schedule = settings.CELERY_BEAT_SCHEDULE["poe_ops.apply_retention"]
    assert schedule["task"] == "poe_ops.apply_retention"
    closed_case(atl, "AF100001")
    assert apply_retention()["case_personal_data"] == 1


def _sql(*statements: tuple[str, list[int]]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_audit_log_stays_append_only_outside_the_retention_run(atl):
    event = log_action(None, "poe.case.imported", CaseFactory.create(port=atl))
    table = AuditEvent._meta.db_table
    door: tuple[str, list[int]] = ("SET LOCAL poe_ops.retention = 'on'", [])
    with pytest.raises(DatabaseError, match="append-only"):
        _sql((f"UPDATE {table} SET object_repr = 'x' WHERE id = %s", [event.pk]))  # noqa: S608
    # Even inside the retention run, what happened, when and by whom cannot change.
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(door, (f"UPDATE {table} SET action = 'poe.x.y' WHERE id = %s", [event.pk]))  # noqa: S608
    with pytest.raises(DatabaseError, match="append-only"):
        _sql(door, (f"DELETE FROM {table} WHERE id = %s", [event.pk]))  # noqa: S608


def test_an_old_uploads_words_about_people_go_and_its_record_stays(client, atl, atl_senior):
    """A manifest upload's problems, warnings and summary name people; after their period only
    who uploaded which file, when, its outcome and its counts stay — and its page says so."""
    from arrivals.models import ImportBatch

    def upload(name, status, when):
        return ImportBatch.objects.create(
            port=atl,
            uploaded_by=atl_senior,
            uploaded_at=when,
            file_name=name,
            sha256="0" * 64,
            status=status,
            errors=[{"row": 3, "column": "surname", "message": "bad", "person": "Amina Haidari"}],
            warnings=[{"row": 4, "column": "a_number", "message": "m", "person": "Yusuf Haidari"}],
            summary={
                "counts": {"new": 1, "people_added": 2},
                "updated": [{"case_number": "AF1", "people_added": ["P2 Yusuf Haidari"]}],
            },
        )

    old = upload("old.csv", ImportBatch.Status.APPLIED, timezone.now() - dt.timedelta(days=200))
    waiting = upload("waiting.csv", ImportBatch.Status.PREVIEW, old.uploaded_at)
    recent = upload("recent.csv", ImportBatch.Status.APPLIED, timezone.now())

    assert {o.rule.key: o for o in retention.run()}["import_details"].done == 1

    old.refresh_from_db()
    assert old.errors == [] and old.warnings == [] and "Haidari" not in str(old.summary)
    assert old.summary["counts"] == {"new": 1, "people_added": 2}
    assert (old.file_name, old.uploaded_by, old.status) == ("old.csv", atl_senior, "applied")
    for kept in (waiting, recent):
        kept.refresh_from_db()
        assert "Haidari" in str(kept.summary), "open or recent uploads are left alone"
    client.force_login(atl_senior)
    page = client.get(f"/imports/{old.pk}/").content.decode()
    assert "was removed after its retention period" in page and "Haidari" not in page
    assert {o.rule.key: o.done for o in retention.run()}["import_details"] == 0
