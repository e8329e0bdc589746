"""Preview, then apply: an upload writes nothing until a person confirms; the confirmation
applies exactly what was previewed, and refuses in words when a newer upload of the same cases
came in between or the cases changed since; confirming twice applies once."""

from __future__ import annotations

import datetime as dt
import gc

import pytest
from django.utils import timezone

from arrivals.models import Flight, ImportBatch, ImportFile, Segment
from arrivals.services.manifest_import import (
    confirm_import,
    discard_import,
    expire_old_previews,
    import_manifest,
    upload_manifest,
)
from cases.models import Case, CaseRevision, Individual
from poe_ops.models import AuditEvent
from poe_ops.refusals import Conflict, Refusal
from tests.manifests import manifest_rows, sample_upload, to_csv, to_xlsx, upload

pytestmark = pytest.mark.django_db
SOON = dt.date.today() + dt.timedelta(days=10)


def rows(**kwargs):
    return manifest_rows(day=SOON, **kwargs)


def stored() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "people": Individual.objects.count(),
        "flights": Flight.objects.count(),
        "segments": Segment.objects.count(),
        "revisions": CaseRevision.objects.count(),
        "case events": AuditEvent.objects.filter(action__startswith="poe.case.").count(),
    }


def test_an_upload_writes_nothing_but_itself(atl, atl_senior):
    before = stored()

    batch = upload_manifest(atl_senior, atl, sample_upload())

    assert batch.status == ImportBatch.Status.PREVIEW
    assert stored() == before
    assert ImportFile.objects.filter(batch=batch).exists()
    assert batch.summary["counts"]["new"] == 6
    assert [c["case_number"] for c in batch.summary["created"]][:2] == ["AF260311", "AF260342"]
    assert AuditEvent.objects.filter(action="poe.import.previewed", object_id=str(batch.pk))


def test_the_preview_shows_changes_field_by_field_and_people_added_and_removed(atl, atl_senior):
    first = rows(cases=2, people_per_case=3)
    import_manifest(atl_senior, atl, upload(to_csv(first)))
    newer = [dict(r, abn_version=2) for r in first if r["case_number"] == "TC000000"]
    newer[1]["surname"] = "Rahimi-Karimi"
    newer = [*newer[:2], dict(newer[0], person_number="TC000000-09", given_names="Newborn")]

    batch = upload_manifest(atl_senior, atl, upload(to_csv(newer)))

    [change] = batch.summary["updated"]
    assert change["kind"] == "changed"
    assert (change["from_version"], change["to_version"]) == (1, 2)
    assert change["changes"]["person TC000000-02 surname"] == [first[1]["surname"], "Rahimi-Karimi"]
    assert change["people_added"] == [f"TC000000-09 Newborn {first[0]['surname']}"]
    assert change["people_removed"][0].startswith("TC000000-03 ")
    assert batch.summary["counts"] | {"warnings": 0} == {
        "new": 0, "changed": 1, "moved": 0, "cancelled": 0, "reinstated": 0, "unchanged": 0,
        "people_added": 1, "people_removed": 1, "warnings": 0, "flights_created": 0,
        "flights_updated": 0,
    }  # fmt: skip
    assert Individual.objects.get(person_number="TC000000-02").surname == first[1]["surname"]


def test_confirming_applies_exactly_the_preview(atl, atl_senior, atl_officer):
    batch = upload_manifest(atl_senior, atl, sample_upload())

    applied = confirm_import(atl_officer, batch)

    assert applied.status == ImportBatch.Status.APPLIED
    assert applied.confirmed_by == atl_officer
    assert Case.objects.count() == 6 and Individual.objects.count() == 20
    assert not ImportFile.objects.exists()  # the file's content is not kept once applied
    event = AuditEvent.objects.get(action="poe.import.applied")
    assert event.actor == atl_officer and event.data["new"] == 6


def test_confirming_twice_applies_once(atl, atl_senior):
    batch = upload_manifest(atl_senior, atl, sample_upload())
    confirm_import(atl_senior, batch)
    after_first = stored()

    again = confirm_import(atl_senior, batch)

    assert again.status == ImportBatch.Status.APPLIED
    assert stored() == after_first
    assert AuditEvent.objects.filter(action="poe.import.applied").count() == 1


def test_a_newer_upload_of_the_same_cases_makes_the_older_preview_refuse(
    atl, atl_senior, atl_officer
):
    older = upload_manifest(atl_senior, atl, upload(to_csv(rows(cases=3)), "morning.csv"))
    newer = upload_manifest(atl_officer, atl, upload(to_csv(rows(cases=1)), "noon.csv"))

    with pytest.raises(Conflict) as refused:
        confirm_import(atl_senior, older)

    assert "A newer upload of some of the same cases was made after this one (noon.csv, by" in (
        refused.value.message
    )
    assert "Nothing from this file was applied: confirm the newer one" in refused.value.message
    assert not Case.objects.exists()
    older.refresh_from_db()
    assert older.status == ImportBatch.Status.EXPIRED and "noon.csv" in older.note
    assert confirm_import(atl_officer, newer).status == ImportBatch.Status.APPLIED
    assert Case.objects.count() == 1


def test_an_upload_of_other_cases_does_not_make_a_preview_out_of_date(atl, atl_senior):
    first = upload_manifest(atl_senior, atl, upload(to_csv(rows(cases=1, prefix="A"))))
    upload_manifest(atl_senior, atl, upload(to_csv(rows(cases=1, prefix="B"))))
    assert confirm_import(atl_senior, first).status == ImportBatch.Status.APPLIED


def test_a_change_since_the_preview_makes_the_confirmation_refuse_and_write_nothing(
    atl, atl_senior
):
    import_manifest(atl_senior, atl, upload(to_csv(rows(cases=2, people_per_case=2))))
    newer = [dict(r, abn_version=2, final_destination="Boise, ID") for r in rows(cases=2)]
    batch = upload_manifest(atl_senior, atl, upload(to_csv(newer)))
    # Meanwhile someone changes one of the cases by another route (here: its ABN version).
    Case.objects.filter(case_number="TC000001").update(abn_version=3)
    before = stored()

    with pytest.raises(Conflict) as refused:
        confirm_import(atl_senior, batch)

    assert refused.value.message.startswith(
        "Since the preview, the file can no longer be imported: Row 5 (case TC000001, "
    )
    assert "version 2 of case TC000001 is older than version 3" in refused.value.message
    assert stored() == before
    assert Case.objects.get(case_number="TC000000").final_destination == "Clarkston, GA"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.EXPIRED


def test_a_case_imported_by_someone_else_since_the_preview_makes_it_refuse(atl, atl_senior):
    mine = upload_manifest(atl_senior, atl, upload(to_csv(rows(cases=1))))
    # Made meanwhile by another route than an upload (nothing newer is recorded).
    Case.objects.create(case_number="TC000000", abn_number="X", abn_version=1, port=atl)

    with pytest.raises(Conflict) as refused:
        confirm_import(atl_senior, mine)

    assert "what this file would do to case TC000000 has changed" in refused.value.message
    assert Individual.objects.count() == 0


def test_discarding_a_preview_keeps_it_listed_and_writes_nothing(atl, atl_senior):
    batch = upload_manifest(atl_senior, atl, sample_upload())

    discard_import(atl_senior, batch)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert not ImportFile.objects.exists() and not Case.objects.exists()
    with pytest.raises(Refusal, match="was discarded"):
        confirm_import(atl_senior, batch)


def test_an_applied_import_cannot_be_discarded(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, sample_upload())
    with pytest.raises(Refusal, match="only one that awaits confirmation can be discarded"):
        discard_import(atl_senior, batch)


def test_a_preview_nobody_confirms_within_a_day_goes_out_of_date(atl, atl_senior):
    batch = upload_manifest(atl_senior, atl, sample_upload())
    ImportBatch.objects.filter(pk=batch.pk).update(
        checked_at=timezone.now() - dt.timedelta(hours=25)
    )

    assert expire_old_previews() == 1

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.EXPIRED
    assert batch.note == "It was not confirmed within a day."
    assert not ImportFile.objects.exists()


def test_nothing_to_confirm_while_the_file_is_being_checked(atl, atl_senior):
    batch = upload_manifest(atl_senior, atl, sample_upload(), background=True)
    assert batch.status == ImportBatch.Status.CHECKING
    with pytest.raises(Refusal, match="still being checked"):
        confirm_import(atl_senior, batch)


def test_an_associate_may_neither_confirm_nor_discard(atl, atl_senior, atl_associate):
    from django.core.exceptions import PermissionDenied

    batch = upload_manifest(atl_senior, atl, sample_upload())
    with pytest.raises(PermissionDenied):
        confirm_import(atl_associate, batch)
    with pytest.raises(PermissionDenied):
        discard_import(atl_associate, batch)
    assert not Case.objects.exists()


def test_a_confirmation_works_from_the_rows_as_read_for_the_preview(atl, atl_senior):
    batch = upload_manifest(atl_senior, atl, upload(to_xlsx(rows(cases=2)), "day.xlsx"))

    kept = ImportFile.objects.get(batch=batch)
    assert bytes(kept.data) == b""  # the workbook is not read (nor kept) again
    assert kept.table is not None and len(kept.table["rows"]) == 6
    assert confirm_import(atl_senior, batch).status == ImportBatch.Status.APPLIED
    assert Individual.objects.count() == 6


def test_the_cycle_collector_paused_for_an_import_resumes_after_it_even_when_refused(
    atl, atl_senior
):
    # A worker left with it paused would keep every cyclic garbage object it ever made.
    assert gc.isenabled()
    import_manifest(atl_senior, atl, upload(to_csv(rows(cases=2))))
    assert gc.isenabled()
    bad = rows(cases=1)
    bad[0]["inbound_date"] = "2026-02-30"
    assert import_manifest(atl_senior, atl, upload(to_csv(bad))).status == "refused"
    assert gc.isenabled()
    older = upload_manifest(atl_senior, atl, upload(to_csv(rows(cases=1, prefix="N"))))
    upload_manifest(atl_senior, atl, upload(to_csv(rows(cases=1, prefix="N"))))
    with pytest.raises(Conflict):
        confirm_import(atl_senior, older)
    assert gc.isenabled()
    gc.disable()  # paused by someone else: left as it was
    try:
        import_manifest(atl_senior, atl, upload(to_csv(rows(cases=1, prefix="G"))))
        assert not gc.isenabled()
    finally:
        gc.enable()
