"""Warnings apart from problems: an unknown special service code, a travel date months ago, a
connection shorter than the port plans — the rows import, the warnings are shown and kept on the
case. Problems name the row, the case and the person, and quote the cell as the file wrote it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from arrivals.manifest.columns import ALL_COLUMNS
from arrivals.models import ImportBatch
from arrivals.services.manifest_import import import_manifest, upload_manifest
from cases import ssr
from cases.models import Case, Individual
from tests.manifests import manifest_rows, sample_upload, to_csv, upload

pytestmark = pytest.mark.django_db
SOON = dt.date.today() + dt.timedelta(days=10)
DOCS = Path(__file__).resolve().parent.parent / "docs" / "abn-manifest.md"
SAMPLE = DOCS.parent / "samples" / "abn-manifest-sample.csv"


def one_person(**cells: str) -> list[dict[str, object]]:
    rows = manifest_rows(cases=1, people_per_case=1, day=SOON)
    rows[0].update(cells)
    return rows


def warnings_of(batch: ImportBatch) -> list[str]:
    return [f"Row {w['row']}, {w['column']}: {w['message']}" for w in batch.warnings]


def test_the_sample_with_an_unknown_code_oxyg_and_two_onward_legs_imports_with_warnings(
    atl, atl_senior
):
    batch = import_manifest(atl_senior, atl, sample_upload())

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    grandfather = Individual.objects.get(person_number="SY260074-03")
    assert grandfather.ssr_codes == ["WCHR", "MEDA", "OXYG", "MEQT"]  # MEQT kept as given
    assert grandfather.needs_wheelchair and "OXYG" in grandfather.flags
    assert (
        "Row 18, ssr_codes: MEQT is not a code the manifest guide lists; kept as given. Check "
        "with the airline what it means."
    ) in warnings_of(batch)
    assert grandfather.case.segments.filter(direction="onward").count() == 1
    assert Case.objects.get(case_number="AF260311").segments.filter(direction="onward").count() == 2
    kept = grandfather.case.import_warnings
    assert [w["person"] for w in kept if w["column"] == "ssr_codes"] == ["Mahmoud Al-Hamwi"]


def test_an_unknown_code_is_a_warning_not_a_refusal_and_is_kept_verbatim(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(to_csv(one_person(ssr_codes="wchr, XYZQ"))))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    person = Individual.objects.get()
    assert person.ssr_codes == ["WCHR", "XYZQ"]
    assert person.needs_wheelchair
    assert ("XYZQ", "XYZQ — not a known code", False) in person.service_codes
    assert warnings_of(batch) == [
        "Row 2, ssr_codes: XYZQ is not a code the manifest guide lists; kept as given. Check "
        "with the airline what it means."
    ]
    assert person.case.import_warnings[0]["case"] == person.case.case_number


@pytest.mark.parametrize(
    "code", ["OXYG", "MAAS", "INFT", "BSCT", "SVAN", "WCBD", "WCBW", "WCMP", "WCOB", "ESAN", "LANG"]
)
def test_codes_real_bookings_carry_are_known(atl, atl_senior, code):
    batch = import_manifest(atl_senior, atl, upload(to_csv(one_person(ssr_codes=code))))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert batch.warnings == []
    assert Individual.objects.get().ssr_codes == [code]


def test_what_is_not_a_code_at_all_still_refuses_the_file(atl, atl_senior):
    rows = one_person(ssr_codes="wheelchair-needed-at-the-gate")
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert batch.status == ImportBatch.Status.REFUSED
    assert batch.errors[0]["column"] == "ssr_codes"
    assert (
        "“WHEELCHAIR-NEEDED-AT-THE-GATE” is not a special service code"
        in (batch.errors[0]["message"])
    )


def test_a_manifest_for_a_day_seven_months_past_imports_with_a_word(atl, atl_senior):
    long_ago = atl.local_today() - dt.timedelta(days=214)
    rows = manifest_rows(cases=2, people_per_case=2, day=long_ago)

    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    dated = [w for w in batch.warnings if w["column"] == "inbound_date"]
    assert [w["case"] for w in dated] == ["TC000000", "TC000001"]  # once per case
    assert dated[0]["message"].startswith(f"{long_ago:%Y-%m-%d} is 214 days ago")
    assert "check that this is the right manifest and year" in dated[0]["message"]
    assert Case.objects.get(case_number="TC000001").import_warnings[0]["column"] == "inbound_date"


def test_the_preview_shows_the_same_warning_of_many_cases_once(client, atl, atl_senior):
    long_ago = atl.local_today() - dt.timedelta(days=214)
    rows = manifest_rows(cases=12, people_per_case=1, day=long_ago)
    batch = upload_manifest(atl_senior, atl, upload(to_csv(rows)))
    client.force_login(atl_senior)

    html = client.get(f"/imports/{batch.pk}/").content.decode()

    assert html.count("214 days ago") == 1
    assert "TC000000, TC000001" in html and "and 4 more" in html
    assert "Warnings (12)" in html


def test_a_connection_shorter_than_the_port_plans_is_a_warning(atl, atl_senior):
    # Lands 15:05; the onward flight leaves 16:20: 1 h 15 min, where ATL plans 2 h 30 min.
    rows = one_person(onward_departure_local=f"{SOON} 16:20")
    rows[0].update(onward_flight="DL1820", onward_date=str(SOON), onward_destination="BOI")

    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert warnings_of(batch) == [
        "Row 2, onward_departure_local: leaves 1 h 15 min after QR755 lands; ATL plans 2 h 30 min "
        "(CBP 1 h 00 min and the minimum connection 1 h 30 min). Check the booking."
    ]


def test_an_unusual_birth_year_is_a_warning(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(to_csv(one_person(date_of_birth="1900-01-01"))))
    assert batch.status == ImportBatch.Status.APPLIED
    assert "makes this person over 110 years old" in warnings_of(batch)[0]


def test_an_error_row_names_the_case_and_the_person_and_quotes_the_value_as_written(
    atl, atl_senior
):
    rows = manifest_rows(cases=2, people_per_case=2, day=SOON)
    rows[3].update(sex="femme", given_names="Hiba", surname="Haddad")

    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))

    [error] = batch.errors
    assert error == {
        "row": 5,
        "column": "sex",
        "message": "“femme” is not one of F, M, X (or female, male, unspecified).",
        "case": "TC000001",
        "person": "Hiba Haddad",
    }


def test_female_and_male_in_words_are_accepted(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=2, day=SOON)
    rows[0]["sex"], rows[1]["sex"] = "female", "Male"
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert sorted(Individual.objects.values_list("sex", flat=True)) == ["F", "M"]


def test_other_choices_are_quoted_as_written_too(atl, atl_senior):
    rows = one_person(relationship="Spouse", interpreter_needed="Perhaps", agency="Red Cross")
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    messages = {e["column"]: e["message"] for e in batch.errors}
    assert messages["relationship"].startswith("“Spouse” is not one of")
    assert messages["interpreter_needed"] == "“Perhaps” is neither yes nor no."
    assert messages["agency"].startswith("“Red Cross” is not an active resettlement agency code")


def test_the_guide_lists_every_code_of_the_vocabulary():
    guide = DOCS.read_text()
    listed = set(re.findall(r"`([A-Z]{4})`", guide))
    assert set(ssr.VOCABULARY) <= listed, sorted(set(ssr.VOCABULARY) - listed)


def test_the_guide_names_every_column_the_import_reads_and_the_sample_uses_only_those():
    guide = DOCS.read_text()
    named = set(re.findall(r"\b[a-z0-9_]+\b", guide))
    assert set(ALL_COLUMNS) <= named, sorted(set(ALL_COLUMNS) - named)
    header = SAMPLE.read_text().splitlines()[0].split(",")
    assert set(header) <= set(ALL_COLUMNS), sorted(set(header) - set(ALL_COLUMNS))


def test_the_rules_read_the_vocabulary_by_kind():
    assert {"WCHR", "WCHS", "WCHC", "WCMP", "WCBD", "WCBW"} <= ssr.WHEELCHAIR_CODES
    assert {"MEDA", "STCR"} == ssr.ESCORT_CODES  # a URM needs one by programme status
    assert {"UMNR"} == ssr.MINOR_CODES
    assert "OXYG" in ssr.MEDICAL_CODES
    assert ssr.has_wheelchair(["WCMP"]) and not ssr.has_wheelchair(["XYZQ"])
