"""Manifest uploads for the demo, so ``make run`` shows the import at work: the guide's sample
applied at ATL (with its warnings, papers and A-numbers), and two uploads awaiting confirmation —
atl.senior's revised manifest for tomorrow (a case changed with a person left out, one cancelled,
one new with two onward legs and an unknown code) and dc.ops's move of a case from IAD to ATL.
Idempotent: an upload already seeded (by file name) is not seeded again."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from arrivals.manifest.columns import ALL_COLUMNS
from arrivals.models import ImportBatch, Segment
from arrivals.services.manifest_import import import_manifest, upload_manifest
from cases.models import Case
from poe_ops import demo
from poe_ops.models import Port

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "abn-manifest-sample.csv"


def _local(moment: dt.datetime | None, iata: str) -> str:
    if moment is None:
        return ""
    record = Port.airport_record(iata)
    zone = zoneinfo.ZoneInfo(record["tz"]) if record else dt.UTC
    return f"{moment.astimezone(zone):%Y-%m-%d %H:%M}"


def rows_of(case: Case, version: int, poe: str = "") -> list[dict[str, Any]]:
    """The manifest rows of a stored case, as its next ABN version would give them."""
    segments = list(
        Segment.objects.filter(case=case, replaced_by__isnull=True).select_related("flight")
    )
    inbound = next(s.flight for s in segments if s.direction == Segment.Direction.INBOUND)
    onward = [s.flight for s in segments if s.direction == Segment.Direction.ONWARD]
    itinerary = {
        "inbound_flight": inbound.code,
        "inbound_date": f"{inbound.scheduled_date}",
        "inbound_origin": inbound.origin,
        "inbound_departure_local": _local(inbound.scheduled_departure, inbound.origin),
        "inbound_arrival_local": _local(inbound.scheduled_arrival, inbound.destination),
    }
    for leg, flight in zip(("onward", "onward2"), onward, strict=False):
        itinerary |= {
            f"{leg}_flight": flight.code,
            f"{leg}_date": f"{flight.scheduled_date}",
            f"{leg}_destination": flight.destination,
            f"{leg}_departure_local": _local(flight.scheduled_departure, flight.origin),
        }
    rows = []
    for person in case.individuals.order_by("person_number"):
        rows.append(
            {
                "case_number": case.case_number,
                "abn_number": case.abn_number,
                "abn_version": version,
                "poe": poe or case.port.iata,
                "agency": case.agency.code if case.agency else "",
                "local_affiliate": case.local_affiliate,
                "final_destination": case.final_destination,
                "person_number": person.person_number,
                "given_names": person.given_names,
                "surname": person.surname,
                "date_of_birth": f"{person.date_of_birth or ''}",
                "sex": person.sex,
                "nationality": str(person.nationality),
                "primary_language": person.primary_language,
                "interpreter_needed": "yes" if person.interpreter_needed else "no",
                "relationship": person.relationship,
                "document_in_custody": "yes" if person.document_in_custody else "no",
                "ssr_codes": " ".join(person.ssr_codes),
                "programme_status": person.programme_status,
                "vulnerabilities": " ".join(
                    word
                    for word, flag in (
                        ("medical", person.medical),
                        ("pregnancy", person.pregnancy),
                        ("elderly", person.elderly),
                        ("single_parent", person.single_parent),
                        ("other", person.other_vulnerability),
                    )
                    if flag
                ),
                "notes": person.vulnerability_notes,
                "medical_notes": person.medical_notes,
                "a_number": person.a_number,
                "immigration_category": person.immigration_category,
                "documents_carried": "; ".join(
                    d.kind for d in person.carried_documents.all() if d.kind != "other"
                ),
                "tb_class": person.tb_class,
                "tb_followup": "yes" if person.tb_followup else "",
                **itinerary,
            }
        )
    return rows


def _file(rows: list[dict[str, Any]], name: str) -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(ALL_COLUMNS), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode())


def _seeded(name: str) -> bool:
    return ImportBatch.objects.filter(file_name=name).exists()


def seed_demo_imports() -> int:
    """Returns how many uploads were seeded now."""
    senior, hq = demo.user("atl.senior"), demo.user("dc.ops")
    atl = Port.objects.filter(iata="ATL").first()
    if senior is None or hq is None or atl is None:
        return 0
    seeded = 0
    if not _seeded(SAMPLE.name):
        import_manifest(senior, atl, SimpleUploadedFile(SAMPLE.name, SAMPLE.read_bytes()))
        seeded += 1
    tomorrow = atl.local_today() + dt.timedelta(days=1)
    name = f"ATL-{tomorrow:%Y-%m-%d}-revised.csv"
    cases = list(
        Case.objects.filter(port=atl, case_number__startswith=f"DEMO-ATL-{tomorrow:%Y%m%d}-")
        .select_related("port", "agency")
        .order_by("case_number")
    )
    if not _seeded(name) and len(cases) >= 3:
        # The largest family is the one whose newer version leaves someone behind.
        cases.sort(key=lambda c: -c.individuals.count())
        changed = rows_of(cases[0], 2)
        changed[0]["surname"] = changed[0]["surname"].upper()
        changed[0]["ssr_codes"] = " ".join(filter(None, [changed[0]["ssr_codes"], "WCBD"]))
        if len(changed) > 2:
            changed = changed[:-1]  # one person stays behind
        cancelled = [dict(r, case_status="cancelled") for r in rows_of(cases[1], 2)]
        template = rows_of(cases[2], 1)[0]
        new = [
            dict(
                template,
                case_number=f"DEMO-ATL-{tomorrow:%Y%m%d}-NEW",
                abn_number=f"ABN-{tomorrow:%y%m%d}-NEW",
                person_number=f"P0{n}",
                given_names=given,
                surname="Habibi",
                relationship=relationship,
                date_of_birth=born,
                ssr_codes=codes,
                a_number=f"A24681357{n}",
                immigration_category="SIV",
                documents_carried="cbp_packet; medical_forms" if n == 1 else "medical_forms",
                documents_other="Oxygen prescription" if codes else "",
                inbound_flight="EK221",
                inbound_date=f"{tomorrow}",
                inbound_origin="DXB",
                inbound_departure_local=f"{tomorrow} 03:10",
                inbound_arrival_local=f"{tomorrow} 09:40",
                onward_flight="DL1820",
                onward_date=f"{tomorrow}",
                onward_destination="SLC",
                onward_departure_local=f"{tomorrow} 13:30",
                onward_arrival_local=f"{tomorrow} 15:35",
                onward2_flight="DL3875",
                onward2_date=f"{tomorrow}",
                onward2_destination="BOI",
                onward2_departure_local=f"{tomorrow} 16:40",
                onward2_arrival_local=f"{tomorrow} 17:50",
                final_destination="Boise, ID",
            )
            for n, given, relationship, codes, born in (
                (1, "Nasrin", "PA", "MEDA OXYG MEQT", f"{tomorrow.year - 41}-03-02"),
                (2, "Omid", "CH", "", f"{tomorrow.year - 9}-07-19"),
            )
        ]
        upload_manifest(senior, atl, _file(changed + cancelled + new, name), background=False)
        seeded += 1
    iad = Port.objects.filter(iata="IAD").first()
    moved_name = f"IAD-to-ATL-{tomorrow:%Y-%m-%d}.csv"
    iad_case = (
        Case.objects.filter(port=iad, case_number__startswith="DEMO-IAD-")
        .order_by("-case_number")
        .first()
    )
    if iad_case is not None and not _seeded(moved_name):
        day = atl.local_today() + dt.timedelta(days=1)
        rows = [
            dict(
                r,
                inbound_flight="QR955",
                inbound_date=f"{day}",
                inbound_origin="DOH",
                inbound_departure_local=f"{day} 08:40",
                inbound_arrival_local=f"{day} 15:50",
                onward_flight="",
                onward_date="",
                onward_destination="",
                onward_departure_local="",
                onward2_flight="",
                onward2_date="",
                onward2_destination="",
                onward2_departure_local="",
            )
            for r in rows_of(iad_case, 2, poe="ATL")
        ]
        upload_manifest(hq, atl, _file(rows, moved_name), background=False)
        seeded += 1
    return seeded
