"""Files that are not a usable manifest get one clear message; exports never run formulas."""

from __future__ import annotations

import pytest

from arrivals.models import ImportBatch
from arrivals.services.manifest_import import import_manifest
from poe_ops.exports import safe_cell, safe_row
from tests.manifests import manifest_rows, to_csv, upload

pytestmark = pytest.mark.django_db


def file_message(batch: ImportBatch) -> str:
    assert batch.status == ImportBatch.Status.REFUSED
    [error] = batch.errors
    assert error["row"] is None
    return error["message"]


def test_it_refuses_a_file_that_is_neither_csv_nor_xlsx(atl, atl_senior):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
    batch = import_manifest(atl_senior, atl, upload(png, "photo.csv"))
    assert file_message(batch) == "This is not a CSV or XLSX file. Upload the ABN manifest itself."


def test_it_refuses_a_fake_xlsx(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(b"case_number\nX", "manifest.xlsx"))
    assert file_message(batch) == "The file is named .xlsx but is not an Excel workbook."


def test_it_refuses_an_old_xls_file(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "m.xls"))
    assert "old Excel .xls file" in file_message(batch)


def test_it_names_the_missing_required_columns(atl, atl_senior):
    columns = [c for c in to_csv(manifest_rows(1)).decode().splitlines()[0].split(",")]
    columns = [c for c in columns if c not in {"surname", "inbound_date"}]
    batch = import_manifest(atl_senior, atl, upload(to_csv(manifest_rows(1), columns)))
    assert "missing required column(s): surname, inbound_date" in file_message(batch)


def test_it_names_an_unknown_column(atl, atl_senior):
    content = to_csv(manifest_rows(1)).replace(b"date_of_birth", b"date_of_brith", 1)
    assert "unknown column(s) date_of_brith" in file_message(
        import_manifest(atl_senior, atl, upload(content))
    )


def test_it_refuses_text_that_is_not_utf8(atl, atl_senior):
    content = to_csv(manifest_rows(1)).replace(b"Rahimi", "Rahimé".encode("latin-1"))
    message = file_message(import_manifest(atl_senior, atl, upload(content)))
    assert message.startswith("The file is not UTF-8 text (first bad character on line 2)")


def test_it_accepts_a_byte_order_mark_and_semicolons(atl, atl_senior):
    content = b"\xef\xbb\xbf" + to_csv(manifest_rows(1, people_per_case=1)).replace(b",", b";")
    content = content.replace(b"Clarkston; GA", b"Clarkston GA")
    batch = import_manifest(atl_senior, atl, upload(content))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors


def test_it_refuses_an_empty_file(atl, atl_senior):
    assert file_message(import_manifest(atl_senior, atl, upload(b""))) == "The file is empty."


def test_it_refuses_a_header_without_people(atl, atl_senior):
    content = to_csv([])
    message = file_message(import_manifest(atl_senior, atl, upload(content)))
    assert message == "The manifest has a header row but no people in it."


@pytest.mark.parametrize("text", ['=HYPERLINK("x")', "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_safe_cell_defuses_formula_text(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Rahimi", "", "Al-Hamwi", 42, -3, None, "1 = 1"])
def test_safe_cell_leaves_other_values_alone(value):
    assert safe_cell(value) == value


def test_safe_row_defuses_each_cell():
    assert safe_row(["=1+1", "ok", 5]) == ["'=1+1", "ok", 5]
