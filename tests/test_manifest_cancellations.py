"""Cancellations and people no longer on the ABN: shown as cancelled (or not on the new
version), kept with their history, left out of the day's lists — never deleted."""

from __future__ import annotations

import datetime as dt

import pytest

from arrivals.models import ImportBatch
from arrivals.queries.portday import flights_of_day
from arrivals.services.manifest_import import confirm_import, import_manifest, upload_manifest
from cases.models import Case, Individual
from poe_ops.models import AuditEvent, Notification, NotificationKind
from tests.factories import StepEventFactory
from tests.manifests import manifest_rows, to_csv, upload

pytestmark = pytest.mark.django_db
SOON = dt.date.today() + dt.timedelta(days=10)


def day_rows(cases: int = 3, **kwargs):
    rows = manifest_rows(cases=cases, people_per_case=2, day=SOON, **kwargs)
    for row in rows:  # everyone on QR755, to count one flight
        row.update(inbound_flight="QR755", inbound_origin="DOH")
        row.update(inbound_departure_local=f"{SOON} 08:05", inbound_arrival_local=f"{SOON} 15:05")
    return rows


def people_on_qr755(port) -> int:
    return next(f.people for f in flights_of_day(port, SOON) if f.flight.code == "QR755")


def test_a_case_marked_cancelled_shows_as_cancelled_and_leaves_the_lists(client, atl, atl_senior):
    import_manifest(atl_senior, atl, upload(to_csv(day_rows())))
    assert people_on_qr755(atl) == 6
    newer = [dict(r, abn_version=2, case_status="cancelled") for r in day_rows(1)]

    batch = upload_manifest(atl_senior, atl, upload(to_csv(newer)))
    assert batch.summary["cancelled"] == [
        {"case_number": "TC000000", "version": 2, "people": 2, "why": "cancelled on the ABN"}
    ]
    confirm_import(atl_senior, batch)

    case = Case.objects.get(case_number="TC000000")
    assert case.status == Case.Status.CANCELLED
    assert case.individuals.count() == 2  # kept
    assert people_on_qr755(atl) == 4
    assert AuditEvent.objects.filter(action="poe.case.cancelled", object_id=str(case.pk)).exists()
    client.force_login(atl_senior)
    assert "This case is cancelled" in client.get("/cases/TC000000/").content.decode()
    flight = case.segments.get(direction="inbound").flight
    page = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    assert "Cancelled: not coming on QR755" in page
    assert 'href="/cases/TC000000/">Case TC000000</a>' in page
    assert page.count('class="person-row') == 4


def test_a_case_left_out_of_a_complete_manifest_is_cancelled(atl, atl_senior):
    import_manifest(atl_senior, atl, upload(to_csv(day_rows(3))))
    without_the_last = [r for r in day_rows(3) if r["case_number"] != "TC000002"]

    batch = import_manifest(atl_senior, atl, upload(to_csv(without_the_last)), complete=True)

    assert batch.summary["cancelled"] == [
        {"case_number": "TC000002", "version": 1, "people": 2, "why": "not on this manifest"}
    ]
    assert Case.objects.get(case_number="TC000002").status == Case.Status.CANCELLED
    assert Case.objects.exclude(status=Case.Status.CANCELLED).count() == 2
    event = AuditEvent.objects.get(action="poe.case.cancelled")
    assert event.data["why"] == "not on this manifest"
    [told] = Notification.objects.filter(kind=NotificationKind.CASE_CHANGE)
    assert told.port == atl and "TC000002" in told.context["summary"]


def test_a_partial_manifest_leaves_the_other_cases_alone(atl, atl_senior):
    import_manifest(atl_senior, atl, upload(to_csv(day_rows(3))))
    one = [r for r in day_rows(3) if r["case_number"] == "TC000000"]

    batch = import_manifest(atl_senior, atl, upload(to_csv(one)), complete=False)

    assert batch.summary["cancelled"] == []
    assert not Case.objects.filter(status=Case.Status.CANCELLED).exists()


def test_a_complete_manifest_only_speaks_for_its_own_days(atl, atl_senior):
    later = SOON + dt.timedelta(days=1)
    import_manifest(atl_senior, atl, upload(to_csv(day_rows(1, prefix="D"))))
    import_manifest(atl_senior, atl, upload(to_csv(manifest_rows(cases=1, day=later, prefix="L"))))

    import_manifest(atl_senior, atl, upload(to_csv(day_rows(1, prefix="N"))), complete=True)

    cancelled = set(Case.objects.filter(status="cancelled").values_list("case_number", flat=True))
    assert cancelled == {"D000000"}


def test_a_case_whose_people_were_met_is_not_cancelled_but_warned_about(atl, atl_senior):
    import_manifest(atl_senior, atl, upload(to_csv(day_rows(2))))
    met = Individual.objects.filter(case__case_number="TC000001")[0]
    StepEventFactory.create(individual=met, actor=atl_senior)
    Individual.objects.filter(pk=met.pk).update(current_step="met")

    batch = import_manifest(
        atl_senior, atl, upload(to_csv([r for r in day_rows(2) if r["case_number"] == "TC000000"])),
        complete=True,
    )  # fmt: skip

    assert Case.objects.get(case_number="TC000001").status != Case.Status.CANCELLED
    assert any(
        "case TC000001 is not on this manifest, but some of its people have already been met"
        in w["message"]
        for w in batch.warnings
    )


def test_a_newer_version_that_lists_a_cancelled_case_again_reinstates_it(atl, atl_senior):
    import_manifest(atl_senior, atl, upload(to_csv(day_rows(1))))
    import_manifest(
        atl_senior,
        atl,
        upload(to_csv([dict(r, abn_version=2, case_status="cancelled") for r in day_rows(1)])),
    )
    batch = import_manifest(
        atl_senior, atl, upload(to_csv([dict(r, abn_version=3) for r in day_rows(1)]))
    )

    assert batch.summary["counts"]["reinstated"] == 1
    assert Case.objects.get().status == Case.Status.EXPECTED
    assert people_on_qr755(atl) == 2
    assert AuditEvent.objects.filter(action="poe.case.reinstated").exists()


def test_a_person_left_out_of_a_newer_version_is_kept_but_leaves_the_lists(client, atl, atl_senior):
    import_manifest(atl_senior, atl, upload(to_csv(day_rows(1))))
    newer = [dict(r, abn_version=2) for r in day_rows(1)][:1]

    batch = import_manifest(atl_senior, atl, upload(to_csv(newer)))

    assert batch.summary["counts"]["people_removed"] == 1
    gone = Individual.objects.get(person_number="TC000000-02")
    assert gone.removed_in_version == 2
    assert people_on_qr755(atl) == 1
    client.force_login(atl_senior)
    assert "Not on ABN version 2" in client.get("/cases/TC000000/").content.decode()

    back = import_manifest(
        atl_senior, atl, upload(to_csv([dict(r, abn_version=3) for r in day_rows(1)]))
    )

    assert back.status == ImportBatch.Status.APPLIED
    gone.refresh_from_db()
    assert gone.removed_in_version is None
    assert people_on_qr755(atl) == 2
