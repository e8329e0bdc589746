"""Building ABN manifests for tests and the benchmark: rows as dicts, written as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from arrivals.manifest.columns import ALL_COLUMNS

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


def rewrite_xlsx(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    """``data`` (an XLSX) with ``old`` replaced by ``new`` in one of its parts: how a test
    writes what openpyxl itself would not (a forged size, an escaped control character)."""
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == member:
                assert old in content, (member, old)
                content = content.replace(old, new)
            target.writestr(info.filename, content)
    return out.getvalue()


def xlsx_bomb(inflated: int, rows: list[dict[str, Any]] | None = None) -> bytes:
    """A real workbook (the manifest ``rows``) plus a shared-strings part that inflates to
    ``inflated`` bytes of one repeated string: the probe's 4 MB file that unpacks to 3.9 GB.

    Built without compressing gigabytes: one deflate block of a megabyte of "A", ended with a
    full flush (which makes the block independent of what came before), is repeated; the part's
    checksum is not worked out (nothing may read that far)."""
    import struct
    import zlib

    base = []
    for name, content, size in zipfile_members(
        to_xlsx(rows or manifest_rows(cases=1, people_per_case=1))
    ):
        # Make the workbook read the shared strings, as Excel's own files do.
        if content is not None and name == "xl/_rels/workbook.xml.rels":
            content = content.replace(
                b"</Relationships>",
                b'<Relationship Id="rIdBomb" Type="http://schemas.openxmlformats.org/'
                b'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>'
                b"</Relationships>",
            )
        elif content is not None and name == "[Content_Types].xml":
            content = content.replace(
                b"</Types>",
                b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
            )
        base.append((name, content, len(content) if content is not None else size))
    chunk = b"A" * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml'
        b'/2006/main" count="1" uniqueCount="1"><si><t>'
    )
    head += compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(b"</t></si></sst>") + compressor.flush(zlib.Z_FINISH)
    repeats = max(1, inflated // len(chunk))
    bomb_size = len(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                    b'count="1" uniqueCount="1"><si><t>') + repeats * len(chunk) + len(
        b"</t></si></sst>"
    )  # fmt: skip
    members = [*base, ("xl/sharedStrings.xml", None, bomb_size)]
    out = io.BytesIO()
    directory = b""
    for name, content, size in members:
        raw_name = name.encode()
        offset = out.tell()
        if content is not None:
            packed = zlib.compress(content, 9)[2:-4]  # raw deflate
            crc, size = zlib.crc32(content), len(content)
            pieces = [packed]
        else:
            crc = 0
            pieces = [head, *([block] * repeats), tail]
        compressed = sum(len(p) for p in pieces)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, compressed,
                              size, len(raw_name), 0) + raw_name)  # fmt: skip
        for piece in pieces:
            out.write(piece)
        directory += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, compressed, size,
            len(raw_name), 0, 0, 0, 0, 0, offset,
        ) + raw_name  # fmt: skip
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                          len(directory), start, 0))  # fmt: skip
    return out.getvalue()


def zipfile_members(data: bytes) -> list[tuple[str, bytes | None, int]]:
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(data))
    return [(i.filename, archive.read(i.filename), i.file_size) for i in archive.infolist()]
