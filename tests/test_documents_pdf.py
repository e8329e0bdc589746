"""The PDFs themselves, read back with pypdf: what they list, their pages, and escaping."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrivals.models import Segment
from arrivals.queries.daily_manifest import manifest_context
from poe_ops.models import Document
from poe_ops.pdf import render_pdf, render_pdf_pages
from poe_ops.registry import DocumentKind, DocumentUnavailable, document_kind
from tests.factories import FlightFactory, make_user
from tests.pdfs import pdf_page_sizes, pdf_text
from tests.scenarios import family, port_day

pytestmark = pytest.mark.django_db

MANIFEST = "arrivals/pdf/daily_manifest.html"
SHEET = "arrivals/pdf/case_sheet.html"


def _kind(document: Document) -> DocumentKind:
    kind = document_kind(document.kind)
    assert kind is not None
    return kind


def _manifest(port, day) -> bytes:
    return render_pdf(MANIFEST, manifest_context(port, day), port=port)


def _sheet(case) -> bytes:
    document = Document(
        kind="case_sheet",
        port=case.port,
        object_id=str(case.pk),
        subject=case.case_number,
        requested_by=make_user("sheet.asker"),
    )
    return render_pdf(SHEET, _kind(document).build_context(document), port=case.port)


def test_it_lists_everyone_on_the_days_flights_with_counts_per_flight_and_a_total(atl):
    data = port_day(atl)
    text = "\n".join(pdf_text(_manifest(atl, data.day)))
    for person in data.people:
        assert f"{person.surname.upper()}, {person.given_names}" in text.replace("\n", " ")
    assert re.search(r"QR747 from DOH · Scheduled .* · 5 people", text)
    assert re.search(r"TK33 from IST · Scheduled .* · 2 people", text)
    assert "Total: 7 people on 2 flights." in text


def test_it_lists_flights_in_arrival_order_with_local_times(atl):
    data = port_day(atl)
    text = "\n".join(pdf_text(_manifest(atl, data.day)))
    assert text.index("QR747 from DOH") < text.index("TK33 from IST")
    assert "scheduled 09:00" in text and "scheduled 15:30" in text


def test_it_shows_needs_step_and_onward_leg(atl):
    data = port_day(atl)
    text = "\n".join(pdf_text(_manifest(atl, data.day))).replace("\n", " ")
    assert "WCHR" in text and "Interpreter: Dari" in text and "Document in custody" in text
    assert "URM" in text
    assert "DL1234 → BOI 19:45" in text
    assert "Expected" in text


def test_it_leaves_out_people_whose_inbound_segment_was_replaced(atl):
    data = port_day(atl)
    rahimi_segment = Segment.objects.get(case=data.cases[2], direction="inbound")
    replacement = Segment.objects.create(
        case=data.cases[2],
        flight=FlightFactory.create(port=atl, scheduled_date=data.day + dt.timedelta(days=1)),
        direction="inbound",
    )
    rahimi_segment.replaced_by = replacement
    rahimi_segment.save()
    text = "\n".join(pdf_text(_manifest(atl, data.day)))
    assert "Rahimi" not in text
    assert "Total: 5 people on 2 flights." in text


def test_the_manifest_reads_the_same_number_of_queries_however_many_people(atl):
    data = port_day(atl)
    with CaptureQueriesContext(connection) as small:
        manifest_context(atl, data.day)
    for n in range(4):
        people = family(atl, f"Extra{n}", ["A", "B", "C"])
        Segment.objects.create(case=people[0].case, flight=data.flights[n % 2], direction="inbound")
    with CaptureQueriesContext(connection) as large:
        context = manifest_context(atl, data.day)
    assert context["total"] == 19
    assert len(large) == len(small)


def test_the_case_sheet_lists_the_family_custody_and_signature_lines(atl):
    data = port_day(atl)
    text = "\n".join(pdf_text(_sheet(data.cases[0]))).replace("\n", " ")
    for person in data.people[:4]:
        assert person.given_names in text
    assert "Rahimi" not in text
    assert data.cases[0].abn_number in text and "version 1" in text
    assert "QR747" in text and "DOH → ATL" in text
    assert "Documents held in custody" in text and "Zahra Haidari" in text
    assert "IOM staff" in text and "Receiving agency representative" in text
    assert text.count("Signature") >= 2 and text.count("Date / time") >= 2


def test_the_case_sheet_marks_a_replaced_segment(atl):
    data = port_day(atl)
    old = Segment.objects.get(case=data.cases[0], direction="inbound")
    new_flight = FlightFactory.create(port=atl, carrier="EK", number="201", origin="DXB")
    old.replaced_by = Segment.objects.create(
        case=data.cases[0], flight=new_flight, direction="inbound"
    )
    old.save()
    text = "\n".join(pdf_text(_sheet(data.cases[0])))
    assert "Replaced by EK201" in text


def test_every_page_has_its_number_the_port_and_the_generation_time(atl):
    data = port_day(atl)
    for n in range(12):  # enough people for several pages
        people = family(atl, f"Many{n}", ["Amina", "Yusuf", "Hawa", "Idris", "Leila"])
        Segment.objects.create(case=people[0].case, flight=data.flights[0], direction="inbound")
    rendered = render_pdf_pages(MANIFEST, manifest_context(atl, data.day), port=atl)
    pages = pdf_text(rendered.content)
    assert rendered.page_count == len(pages) > 1
    local_now = atl.local_now()
    for number, text in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in text
        assert "ATL — Hartsfield" in text
        assert f"generated {local_now:%a %-d %b %Y}" in text
        assert "EST" in text or "EDT" in text  # port-local, not UTC
        assert "NAME" in text  # the people table's header repeats on every page


def test_pages_are_us_letter(atl):
    data = port_day(atl)
    for size in pdf_page_sizes(_manifest(atl, data.day)) + pdf_page_sizes(_sheet(data.cases[0])):
        assert size == pytest.approx((612, 792), abs=0.5)


def test_user_text_is_escaped_not_interpreted(atl):
    data = port_day(atl)
    person = data.people[1]
    person.given_names = '<b>Ali</b> & "Co"'
    person.save()
    case = data.cases[0]
    case.local_affiliate = "<script>alert(1)</script>"
    case.save()
    # Compared without white space: a narrow column may wrap the name anywhere.
    manifest = re.sub(r"\s+", "", "".join(pdf_text(_manifest(atl, data.day))))
    sheet = re.sub(r"\s+", "", "".join(pdf_text(_sheet(case))))
    assert '<b>Ali</b>&"Co"' in manifest
    assert '<b>Ali</b>&"Co"' in sheet
    assert "<script>alert(1)</script>" in sheet


def test_a_sheet_for_a_deleted_case_cannot_be_made(atl):
    document = Document(
        kind="case_sheet",
        port=atl,
        subject="AF999999",
        requested_by=make_user("asker"),
    )
    with pytest.raises(DocumentUnavailable, match="AF999999 no longer exists"):
        _kind(document).build_context(document)


def test_an_empty_day_says_so(atl):
    text = "\n".join(pdf_text(_manifest(atl, atl.local_today() + dt.timedelta(days=30))))
    assert "No inbound flights at ATL on this day." in text
    assert "Total: 0 people on 0 flights." in text
