"""Building ABN manifests for tests and the benchmark: rows as dicts, written as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from arrivals.manifest.reading import ALL_COLUMNS

SAMPLES = Path(__file__).resolve().parent.parent / "docs" / "samples"
SAMPLE_CSV = SAMPLES / "abn-manifest-sample.csv"
SAMPLE_XLSX = SAMPLES / "abn-manifest-sample.xlsx"

GIVEN = ["Ahmad", "Farzana", "Gul", "Neema", "Baraka", "Amani", "Hiba", "Omar", "Rania", "Sana"]
SURNAMES = ["Rahimi", "Wardak", "Mwamba", "Osman", "Al-Hamwi", "Noori", "Haddad", "Furaha"]
LANGUAGES = ["prs", "ps", "sw", "ar"]
FLIGHTS = [("QR755", "DOH", "08:05", "15:05"), ("DL73", "AMS", "10:20", "13:50"),
           ("TK33", "IST", "14:10", "18:55")]  # fmt: skip


def manifest_rows(
    cases: int = 10,
    people_per_case: int = 3,
    *,
    poe: str = "ATL",
    day: dt.date = dt.date(2026, 4, 14),
    version: int = 1,
    prefix: str = "TC",
) -> list[dict[str, Any]]:
    """``cases`` families of ``people_per_case``, spread over three inbound flights."""
    rows = []
    for c in range(cases):
        flight, origin, departs, lands = FLIGHTS[c % len(FLIGHTS)]
        for p in range(people_per_case):
            rows.append(
                {
                    "case_number": f"{prefix}{c:06d}",
                    "abn_number": f"ABN-{c:06d}",
                    "abn_version": version,
                    "poe": poe,
                    "agency": ["IRC", "CWS", "WR", "LIRS"][c % 4],
                    "local_affiliate": "Affiliate office",
                    "final_destination": "Clarkston, GA",
                    "person_number": f"{prefix}{c:06d}-{p + 1:02d}",
                    "given_names": GIVEN[(c + p) % len(GIVEN)],
                    "surname": SURNAMES[c % len(SURNAMES)],
                    "date_of_birth": f"{1960 + (c + p * 7) % 60}-0{1 + p % 9}-1{p % 10}",
                    "sex": "FM"[p % 2],
                    "nationality": "AF",
                    "primary_language": LANGUAGES[c % len(LANGUAGES)],
                    "interpreter_needed": "yes" if p == 0 else "no",
                    "relationship": "PA" if p == 0 else ("SP" if p == 1 else "CH"),
                    "document_in_custody": "yes",
                    "ssr_codes": "WCHR" if (c + p) % 50 == 0 else "",
                    "vulnerabilities": "elderly" if (c + p) % 50 == 0 else "",
                    "notes": "",
                    "inbound_flight": flight,
                    "inbound_date": day.isoformat(),
                    "inbound_origin": origin,
                    "inbound_departure_local": f"{day} {departs}",
                    "inbound_arrival_local": f"{day} {lands}",
                    "onward_flight": "DL1820" if c % 2 == 0 else "",
                    "onward_date": day.isoformat() if c % 2 == 0 else "",
                    "onward_destination": "BOI" if c % 2 == 0 else "",
                    "onward_departure_local": f"{day} 21:30" if c % 2 == 0 else "",
                }
            )
    return rows


def to_csv(rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str] = ALL_COLUMNS) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def to_xlsx(
    rows: list[dict[str, Any]], columns: tuple[str, ...] | list[str] = ALL_COLUMNS
) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(columns))
    for row in rows:
        sheet.append([row.get(c, "") for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(content: bytes, name: str = "manifest.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def sample_upload(kind: str = "csv") -> SimpleUploadedFile:
    path = SAMPLE_CSV if kind == "csv" else SAMPLE_XLSX
    return SimpleUploadedFile(path.name, path.read_bytes())
