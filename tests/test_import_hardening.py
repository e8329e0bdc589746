"""What a hostile probe tried on the import: a zip bomb, forged workbook sizes, huge cells, NUL
and other control characters, UTF-16. Each is refused in words, the refused upload is recorded,
and nothing else is written (on PostgreSQL, where a NUL used to be a 500)."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import pytest

from arrivals.manifest.files import MAX_CELL_CHARS
from arrivals.models import ImportBatch, ImportFile
from arrivals.services.manifest_import import import_manifest
from cases.models import Case, Individual
from poe_ops.models import AuditEvent
from tests.manifests import (
    manifest_rows,
    rewrite_xlsx,
    to_csv,
    to_xlsx,
    upload,
    xlsx_bomb,
)

pytestmark = pytest.mark.django_db
SHEET = "xl/worksheets/sheet1.xml"


def refused(batch: ImportBatch) -> list[str]:
    assert batch.status == ImportBatch.Status.REFUSED, batch.summary
    assert not Case.objects.exists()
    assert not ImportFile.objects.exists()  # the upload's content is not kept once refused
    assert AuditEvent.objects.filter(action="poe.import.refused", object_id=str(batch.pk))
    return [f"{e['row'] or 'File'} {e['column']}: {e['message']}" for e in batch.errors]


def test_a_4_mb_workbook_that_unpacks_to_3_9_gb_is_refused_in_words_in_bounded_memory(
    atl, atl_senior
):
    bomb = xlsx_bomb(3_900_000_000)
    assert len(bomb) < 4 * 1024 * 1024  # under the upload limit, as the probe's was

    tracemalloc.start()
    try:
        batch = import_manifest(atl_senior, atl, upload(bomb, "manifest.xlsx"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    [message] = refused(batch)
    assert message.startswith("File File: This workbook would take 3,719 MB once unpacked")
    assert "an ABN manifest needs far less (at most 64 MB)" in message
    # The probe saw 2.6–4.2 GB; the file itself is 4 MB and is held a few times over.
    assert peak < 40 * 1024 * 1024, peak
    assert batch.size == len(bomb) and batch.file_name == "manifest.xlsx"


def test_a_workbook_just_over_the_unpacked_limit_is_refused_before_it_is_opened(atl, atl_senior):
    [message] = refused(import_manifest(atl_senior, atl, upload(xlsx_bomb(70_000_000), "m.xlsx")))
    assert "once unpacked" in message


def test_a_workbook_that_claims_a_huge_sheet_imports_what_it_holds(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=2)
    workbook = to_xlsx(rows)
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read(SHEET)
    found = re.search(rb'<dimension ref="[A-Z0-9:]+"', sheet)
    assert found is not None
    claimed = found.group()
    forged = rewrite_xlsx(workbook, SHEET, claimed, b'<dimension ref="A1:XFD1048576"')
    batch = import_manifest(atl_senior, atl, upload(forged, "forged.xlsx"))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert Individual.objects.count() == 2


def test_a_row_of_thousands_of_cells_is_refused(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=1)
    columns = [*rows[0].keys(), *(f"extra{i}" for i in range(300))]
    content = to_csv(rows, columns)
    [message] = refused(import_manifest(atl_senior, atl, upload(content)))
    assert f"Row 1 has {len(columns)} cells; a manifest has at most 200" in message


def test_a_cell_longer_than_any_manifest_needs_is_refused_naming_its_row(atl, atl_senior):
    rows = manifest_rows(cases=2, people_per_case=1)
    rows[1]["notes"] = "x" * (MAX_CELL_CHARS + 1)
    [message] = refused(import_manifest(atl_senior, atl, upload(to_xlsx(rows), "m.xlsx")))
    assert message == "3 notes: is 5,001 characters long; no manifest cell needs more than 5,000."


def test_a_nul_past_the_first_4_kb_of_a_csv_is_refused_and_the_upload_recorded(atl, atl_senior):
    rows = manifest_rows(cases=40, people_per_case=1)
    rows[30]["surname"] = "Rah\x00imi"
    content = to_csv(rows)
    assert content.index(b"\x00") > 4096

    messages = refused(import_manifest(atl_senior, atl, upload(content)))

    assert messages == [
        "32 surname: contains the control character U+0000 (NUL), which is not text: the file "
        "may be damaged. Remove it (or export the manifest again) and upload again."
    ]
    assert "\x00" not in str(ImportBatch.objects.get().errors)


@pytest.mark.parametrize("character", ["\x1b", "\x07", "\x7f", "\x85"])
def test_other_control_characters_in_csv_cells_are_refused(atl, atl_senior, character):
    rows = manifest_rows(cases=1, people_per_case=1)
    rows[0]["given_names"] = f"Ah{character}mad"
    [message] = refused(import_manifest(atl_senior, atl, upload(to_csv(rows))))
    assert message.startswith(
        f"2 given_names: contains the control character U+{ord(character):04X}"
    )


def test_a_control_character_excel_escaped_in_a_workbook_cell_is_refused(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=1)
    rows[0]["surname"] = "Rahimi"
    workbook = rewrite_xlsx(to_xlsx(rows), SHEET, b">Rahimi<", b">Rah_x0000_imi<")
    [message] = refused(import_manifest(atl_senior, atl, upload(workbook, "m.xlsx")))
    assert message.startswith("2 surname: contains the control character U+0000 (NUL)")


def test_an_escaped_underscore_in_a_workbook_stays_text(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=1)
    rows[0]["notes"] = "NOTES"
    workbook = rewrite_xlsx(to_xlsx(rows), SHEET, b">NOTES<", b">see _x005F_x0041_ file<")
    batch = import_manifest(atl_senior, atl, upload(workbook, "m.xlsx"))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert Individual.objects.get().vulnerability_notes == "see _x0041_ file"


def test_a_workbook_with_xml_entities_is_refused_without_expanding_them(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=1)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet'
    )
    workbook = rewrite_xlsx(to_xlsx(rows), SHEET, b"<worksheet", laughs)
    [message] = refused(import_manifest(atl_senior, atl, upload(workbook, "m.xlsx")))
    assert "could not be read as an Excel workbook" in message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_answered_with_save_as_utf8(atl, atl_senior, encoding):
    content = to_csv(manifest_rows(cases=1)).decode().encode(encoding)
    [message] = refused(import_manifest(atl_senior, atl, upload(content)))
    assert message == (
        "File File: This file is saved as Unicode text (UTF-16), which the import does not "
        "read. Save it as UTF-8: In Excel, choose Save As → “CSV UTF-8 (Comma delimited)”, or "
        "upload the .xlsx."
    )


def test_an_upload_name_with_control_characters_is_stored_printable(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(b"", "day\x00one.csv"))
    assert batch.file_name == "dayU+0000one.csv"
    refused(batch)


def test_a_workbook_with_more_rows_than_a_manifest_may_have_is_refused_before_it_is_parsed(
    atl, atl_senior
):
    rows = manifest_rows(cases=1, people_per_case=1)
    workbook = to_xlsx(rows)
    sheet = zipfile.ZipFile(io.BytesIO(workbook)).read(SHEET)
    found = re.search(rb'<row r="2".*?</row>', sheet)
    assert found is not None
    many = rewrite_xlsx(workbook, SHEET, found.group(), found.group() * 20_600)
    assert len(many) < 1024 * 1024  # small, so it passes the size limit

    [message] = refused(import_manifest(atl_senior, atl, upload(many, "many.xlsx")))

    assert message == (
        "File File: The sheet has 20,601 rows; a manifest has at most 20,000 people. Split it "
        "into smaller files."
    )
