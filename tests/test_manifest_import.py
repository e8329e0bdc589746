"""ABN manifest import: all or nothing, row-and-column messages, re-imports, history, time zones."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from arrivals.models import Flight, ImportBatch, Segment
from arrivals.services.manifest_import import import_manifest
from cases.models import Case, CaseRevision, Individual
from poe_ops.models import AuditEvent
from tests.manifests import manifest_rows, sample_upload, to_csv, to_xlsx, upload

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def counts() -> dict[str, int]:
    return {
        "cases": Case.objects.count(),
        "individuals": Individual.objects.count(),
        "flights": Flight.objects.count(),
        "segments": Segment.objects.count(),
        "revisions": CaseRevision.objects.count(),
    }


def refused_messages(batch: ImportBatch) -> list[str]:
    assert batch.status == ImportBatch.Status.REFUSED, batch.summary
    return [f"Row {e['row']}, {e['column']}: {e['message']}" for e in batch.errors]


def test_it_refuses_a_manifest_with_one_bad_date_naming_row_37_and_changes_nothing(atl, atl_senior):
    import_manifest(atl_senior, atl, sample_upload())
    before = counts()
    rows = manifest_rows(cases=20, people_per_case=2)  # rows 2..41
    rows[35]["date_of_birth"] = "1999-02-30"  # the header is row 1, so this is row 37

    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))

    assert refused_messages(batch) == [
        "Row 37, date_of_birth: “1999-02-30” is not a real date (use YYYY-MM-DD)."
    ]
    assert counts() == before


def test_it_imports_the_sample_csv(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, sample_upload("csv"))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert counts() == {"cases": 6, "individuals": 20, "flights": 8, "segments": 11, "revisions": 0}
    assert len(batch.summary["created"]) == 6


def test_it_imports_the_sample_xlsx_to_the_same_data_as_the_csv(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, sample_upload("xlsx"))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert counts() == {"cases": 6, "individuals": 20, "flights": 8, "segments": 11, "revisions": 0}
    grandfather = Individual.objects.get(person_number="SY260074-03")
    assert grandfather.date_of_birth == dt.date(1946, 10, 30)
    assert Flight.objects.get(carrier="TK", number="33").scheduled_arrival == dt.datetime(
        2026, 4, 14, 22, 55, tzinfo=UTC
    )


def test_it_stores_the_samples_people_needs_and_times(atl, atl_senior):
    import_manifest(atl_senior, atl, sample_upload())

    grandfather = Individual.objects.get(person_number="SY260074-03")
    assert grandfather.needs_wheelchair and grandfather.elderly and grandfather.medical
    # Stored as given: cells are data; only exports defuse formula-like text.
    assert grandfather.vulnerability_notes.startswith("-WCHR")
    assert grandfather.case.agency is not None
    assert grandfather.case.agency.code == "GR"  # LIRS is an alias of Global Refuge
    minor = Individual.objects.get(person_number="AF260355-01")
    assert minor.programme_status == "urm" and "UMNR" in minor.ssr_codes
    assert minor.name_folded == "samiullah noori"
    qr = Flight.objects.get(carrier="QR", number="755")
    # 15:05 in Atlanta (EDT, UTC-4) and 08:05 in Doha (UTC+3).
    assert qr.scheduled_arrival == dt.datetime(2026, 4, 14, 19, 5, tzinfo=UTC)
    assert qr.scheduled_departure == dt.datetime(2026, 4, 14, 5, 5, tzinfo=UTC)
    assert (qr.port, qr.origin, qr.destination) == (atl, "DOH", "ATL")
    onward = [
        s.flight for s in Segment.objects.filter(case__case_number="AF260311", direction="onward")
    ]
    assert [(f.code, f.origin, f.destination) for f in onward] == [
        ("DL1820", "ATL", "SLC"),
        ("DL3875", "SLC", "BOI"),
    ]


def test_it_writes_one_audit_event_per_created_case(atl, atl_senior):
    import_manifest(atl_senior, atl, sample_upload())

    events = AuditEvent.objects.filter(action="poe.case.imported")
    assert events.count() == 6
    assert {e.object_repr for e in events} == set(
        Case.objects.values_list("case_number", flat=True)
    )
    assert all(e.actor == atl_senior and e.port == atl for e in events)


def test_it_creates_nothing_when_the_same_manifest_is_imported_twice(atl, atl_senior):
    import_manifest(atl_senior, atl, sample_upload())
    before = counts()

    batch = import_manifest(atl_senior, atl, sample_upload("xlsx"))

    assert batch.status == ImportBatch.Status.APPLIED
    assert counts() == before
    assert len(batch.summary["unchanged"]) == 6
    assert batch.summary["created"] == batch.summary["updated"] == []
    assert not AuditEvent.objects.filter(action="poe.case.updated").exists()


def test_it_updates_a_case_from_a_newer_abn_version_and_keeps_the_old_values(atl, atl_senior):
    rows = manifest_rows(cases=2, people_per_case=3)
    import_manifest(atl_senior, atl, upload(to_csv(rows)))
    newer = [dict(r, abn_version=2) for r in rows if r["case_number"] == "TC000000"]
    newer[1]["surname"] = "Rahimi-Karimi"
    newer[0]["final_destination"] = "Boise, ID"
    newer = [dict(r, final_destination="Boise, ID") for r in newer]
    newer.append(dict(newer[2], person_number="TC000000-04", given_names="Newborn"))

    batch = import_manifest(atl_senior, atl, upload(to_csv(newer)))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    case = Case.objects.get(case_number="TC000000")
    assert (case.abn_version, case.final_destination) == (2, "Boise, ID")
    assert case.individuals.count() == 4  # three matched by person number, one added
    assert case.individuals.get(person_number="TC000000-02").surname == "Rahimi-Karimi"
    revision = CaseRevision.objects.get(case=case)
    assert revision.abn_version == 1
    assert revision.values["final_destination"] == "Clarkston, GA"
    assert {p["surname"] for p in revision.values["people"]} == {rows[0]["surname"]}
    event = AuditEvent.objects.get(action="poe.case.updated")
    assert event.changes["final_destination"] == ["Clarkston, GA", "Boise, ID"]
    assert event.changes["person TC000000-02 surname"] == [rows[0]["surname"], "Rahimi-Karimi"]


def test_it_replaces_the_segment_when_a_newer_version_changes_the_flight(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=2)
    import_manifest(atl_senior, atl, upload(to_csv(rows)))
    old = Segment.objects.get(direction="inbound")
    rebooked = [dict(r, abn_version=2, inbound_date="2026-04-15") for r in rows]
    for r in rebooked:
        r["inbound_departure_local"] = "2026-04-15 08:05"
        r["inbound_arrival_local"] = "2026-04-15 15:05"
        r["onward_date"], r["onward_departure_local"] = "2026-04-15", "2026-04-15 21:30"

    import_manifest(atl_senior, atl, upload(to_csv(rebooked)))

    old.refresh_from_db()
    current = Segment.objects.get(direction="inbound", replaced_by__isnull=True)
    assert old.replaced_by == current
    assert current.flight.scheduled_date == dt.date(2026, 4, 15)
    assert Segment.objects.filter(direction="onward").count() == 2


def test_it_refuses_an_older_abn_version_naming_its_rows(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=2, version=3)
    import_manifest(atl_senior, atl, upload(to_csv(rows)))
    before = counts()

    batch = import_manifest(atl_senior, atl, upload(to_csv([dict(r, abn_version=2) for r in rows])))

    assert refused_messages(batch) == [
        f"Row {n}, abn_version: version 2 of case TC000000 is older than version 3, which is "
        "already imported. Use the newest ABN."
        for n in (2, 3)
    ]
    assert counts() == before


def _one_arrival(arrival: str, offset: str = "") -> bytes:
    row = manifest_rows(cases=1, people_per_case=1, day=dt.date.fromisoformat(arrival[:10]))[0]
    row.update(inbound_departure_local="", inbound_arrival_local=arrival, onward_flight="")
    row.update(onward_date="", onward_destination="", onward_departure_local="")
    row["inbound_arrival_utc_offset"] = offset
    return to_csv([row])


def test_it_refuses_a_local_time_that_does_not_exist(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(_one_arrival("2026-03-08 02:30")))

    [message] = refused_messages(batch)
    assert message.startswith(
        "Row 2, inbound_arrival_local: 2026-03-08 02:30 does not exist in America/New_York"
    )
    assert "-05:00 or -04:00" in message
    assert counts()["flights"] == 0


def test_it_refuses_a_local_time_that_happens_twice(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(_one_arrival("2026-11-01 01:30")))

    [message] = refused_messages(batch)
    assert message.startswith(
        "Row 2, inbound_arrival_local: 2026-11-01 01:30 happens twice in America/New_York"
    )
    assert "-04:00 for the first, -05:00 for the second" in message


@pytest.mark.parametrize(
    ("arrival", "offset", "instant"),
    [
        ("2026-03-08 02:30", "-05:00", dt.datetime(2026, 3, 8, 7, 30, tzinfo=UTC)),
        ("2026-11-01 01:30", "-04:00", dt.datetime(2026, 11, 1, 5, 30, tzinfo=UTC)),
        ("2026-11-01 01:30", "-05:00", dt.datetime(2026, 11, 1, 6, 30, tzinfo=UTC)),
    ],
)
def test_it_accepts_a_daylight_saving_time_with_its_utc_offset(
    atl, atl_senior, arrival, offset, instant
):
    batch = import_manifest(atl_senior, atl, upload(_one_arrival(arrival, offset)))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert Flight.objects.get().scheduled_arrival == instant


def test_it_refuses_an_offset_the_zone_never_has_then(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(_one_arrival("2026-11-01 01:30", "-07:00")))

    assert refused_messages(batch) == [
        "Row 2, inbound_arrival_utc_offset: the offset -07:00 does not apply in America/New_York "
        "at that time (it is -04:00 or -05:00)."
    ]


def test_it_refuses_rows_for_another_port(atl, atl_senior):
    rows = manifest_rows(cases=2, people_per_case=1)
    rows[1]["poe"] = "JFK"

    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))

    assert refused_messages(batch) == [
        "Row 3, poe: this row is for JFK, but the file is being imported to ATL. "
        "Import JFK's cases at JFK."
    ]
    assert counts()["cases"] == 0


def test_it_refuses_a_case_already_at_another_port(atl, jfk, atl_senior, jfk_officer):
    import_manifest(jfk_officer, jfk, upload(to_csv(manifest_rows(cases=1, poe="JFK"))))

    batch = import_manifest(atl_senior, atl, upload(to_csv(manifest_rows(cases=1, version=2))))

    assert refused_messages(batch) == [
        "Row 2, case_number: this case number cannot be imported here; ask Operations HQ."
    ]
    assert batch.errors[0]["case"] == "TC000000"
    assert "JFK" not in str(batch.errors)  # another port's families are not given away
    assert Case.objects.get().port == jfk


def test_it_reports_every_problem_in_the_file_at_once(atl, atl_senior):
    rows = manifest_rows(cases=3, people_per_case=1)
    rows[0]["sex"] = "Q"
    rows[1]["nationality"] = "Afghanistan"
    rows[2]["inbound_flight"] = "flight 9"

    batch = import_manifest(atl_senior, atl, upload(to_xlsx(rows), "manifest.xlsx"))

    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (2, "sex"),
        (3, "nationality"),
        (4, "inbound_flight"),
    ]


def test_it_refuses_two_rows_of_a_case_that_disagree(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=2)
    rows[1]["final_destination"] = "Boise, ID"

    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))

    assert refused_messages(batch) == [
        "Row 3, final_destination: differs from row 2 of the same case TC000000; every row of "
        "a case must give the same case and flight details."
    ]


def test_an_associate_may_not_import(atl, atl_associate):
    with pytest.raises(PermissionDenied):
        import_manifest(atl_associate, atl, sample_upload())
    assert not ImportBatch.objects.exists()


def test_another_ports_officer_gets_404_importing_here(atl, jfk_officer):
    with pytest.raises(Http404):
        import_manifest(jfk_officer, atl, sample_upload())


def test_operations_hq_imports_for_its_offices_port(atl, dc_ops):
    assert import_manifest(dc_ops, atl, sample_upload()).status == ImportBatch.Status.APPLIED


def test_it_refuses_a_flight_another_port_already_handles(atl, jfk, atl_senior, jfk_officer):
    import_manifest(jfk_officer, jfk, upload(to_csv(manifest_rows(cases=1, poe="JFK", prefix="J"))))

    batch = import_manifest(atl_senior, atl, upload(to_csv(manifest_rows(cases=1))))

    assert refused_messages(batch) == [
        "Row 2, inbound_flight: QR755 on 2026-04-14 cannot be imported here: it is already "
        "known with another route. Check the flight number and date; if they are right, ask "
        "Operations HQ.",
        "Row 2, onward_flight: DL1820 on 2026-04-14 cannot be imported here: it is already "
        "known with another route. Check the flight number and date; if they are right, ask "
        "Operations HQ.",
    ]
