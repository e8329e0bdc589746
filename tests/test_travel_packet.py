"""The travel packet: A-number, immigration category, papers in the IOM bag, TB class and
follow-up, an IOM medical escort on board — imported, shown on the case page and the arrival
sheet, searchable by A-number (audited), and each paper marked taken by CBP or returned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from arrivals.models import ImportBatch
from arrivals.services.manifest_import import import_manifest
from cases.models import CarriedDocument, Case, Individual
from cases.services.travel_packet import set_document_status
from poe_ops.models import AuditEvent, Document
from poe_ops.pdf import render_pdf
from poe_ops.registry import document_kind
from poe_ops.roles import Role
from poe_ops.services.audit import PERSONAL_DATA_VIEWED
from tests.concurrency import run_together
from tests.factories import make_port_user
from tests.htmx import HTMX
from tests.manifests import manifest_rows, sample_upload, to_csv, upload
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db
SOON = dt.date.today() + dt.timedelta(days=10)


@pytest.fixture
def sample(atl, atl_senior) -> Case:
    batch = import_manifest(atl_senior, atl, sample_upload())
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    return Case.objects.get(case_number="SY260074")


def grandfather() -> Individual:
    return Individual.objects.get(person_number="SY260074-03")


def test_the_packet_is_imported(sample):
    person = grandfather()
    assert (person.a_number, person.immigration_category) == ("A201734517", "follow_to_join")
    assert (person.tb_class, person.tb_followup) == ("B2", True)
    assert [d.label for d in person.carried_documents.all()] == [
        "Medical forms",
        "Chest X-rays",
        "Oxygen prescription",
        "Cardiology letter",
    ]
    assert {d.status for d in person.carried_documents.all()} == {"carried"}
    assert (sample.medical_escort, sample.medical_escort_name) == (
        True,
        "Dr. Leyla Demir (IOM Istanbul)",
    )


@pytest.mark.parametrize(
    ("written", "stored"),
    [("A-012-345-678", "A012345678"), ("12345678", "A012345678"), ("a 123 456 789", "A123456789")],
)
def test_an_a_number_is_stored_in_one_form(atl, atl_senior, written, stored):
    rows = manifest_rows(cases=1, people_per_case=1, day=SOON)
    rows[0]["a_number"] = written
    assert import_manifest(atl_senior, atl, upload(to_csv(rows))).status == "applied"
    assert Individual.objects.get().a_number == stored


def test_a_bad_a_number_category_or_tb_class_refuses_the_file_quoting_it(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=1, day=SOON)
    rows[0].update(a_number="B123", immigration_category="tourist", tb_class="C")
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert {e["column"]: e["message"] for e in batch.errors} == {
        "a_number": "“B123” is not an A-number (A and seven to nine digits, e.g. A012345678).",
        "immigration_category": "“tourist” is not one of refugee, SIV, parolee, follow-to-join.",
        "tb_class": "“C” is not a TB class (A, B0, B1, B2, B3).",
    }


def test_a_paper_not_in_the_list_is_kept_as_another_with_a_warning(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=1, day=SOON)
    rows[0]["documents_carried"] = "xrays; birth certificate"
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert batch.status == ImportBatch.Status.APPLIED
    assert [d.label for d in CarriedDocument.objects.all()] == ["Chest X-rays", "birth certificate"]
    assert "“birth certificate” is not in the list" in batch.warnings[0]["message"]


def test_a_newer_version_keeps_a_paper_staff_already_marked(atl, atl_senior):
    rows = manifest_rows(cases=1, people_per_case=1, day=SOON)
    rows[0]["documents_carried"] = "cbp_packet; xrays"
    import_manifest(atl_senior, atl, upload(to_csv(rows)))
    packet = CarriedDocument.objects.get(kind="cbp_packet")
    set_document_status(atl_senior, packet, "taken_by_cbp")

    newer = [dict(rows[0], abn_version=2, documents_carried="medical_forms")]
    batch = import_manifest(atl_senior, atl, upload(to_csv(newer)))

    assert batch.summary["updated"][0]["changes"]["person TC000000-01 documents"] == [
        "Sealed CBP packet, Chest X-rays",
        "Medical forms",
    ]
    assert sorted(CarriedDocument.objects.values_list("kind", "status")) == [
        ("cbp_packet", "taken_by_cbp"),  # marked by staff: kept with its history
        ("medical_forms", "carried"),
    ]


def test_the_case_page_shows_the_packet_and_the_escort(client, sample, atl_associate):
    client.force_login(atl_associate)
    html = client.get(f"/cases/{sample.case_number}/").content.decode()
    assert "A201734517" in html and "Follow-to-join" in html
    assert "Class B2 · <strong>follow-up needed</strong>" in html
    assert "Oxygen prescription" in html and "In the IOM bag" in html
    assert "IOM medical escort on board" in html and "Dr. Leyla Demir (IOM Istanbul)" in html
    assert "MEQT — not a known code" in html and "OXYG — oxygen on board (with MEDA)" in html
    assert ">Taken by CBP</button>" in html


def test_the_case_page_stays_within_its_query_budget_with_papers(
    client, sample, atl_associate, django_assert_max_num_queries
):
    client.force_login(atl_associate)
    client.get(f"/cases/{sample.case_number}/")
    with django_assert_max_num_queries(25):
        assert client.get(f"/cases/{sample.case_number}/").status_code == 200


def test_the_arrival_sheet_shows_the_packet(sample, atl_associate):
    document = Document(
        kind="case_sheet", port=sample.port, object_id=str(sample.pk),
        subject=sample.case_number, requested_by=atl_associate,
    )  # fmt: skip
    kind = document_kind("case_sheet")
    assert kind is not None
    text = " ".join(
        pdf_text(render_pdf(kind.template, kind.build_context(document), port=sample.port))
    )
    text = " ".join(text.split())
    assert "Travel packet" in text
    assert "A201734517" in text and "Follow-to-join" in text and "B2 · follow-up" in text
    assert "Oxygen prescription (In the IOM bag)" in text
    assert "iom medical escort on board yes — dr. leyla demir (iom istanbul)" in text.lower()


def test_an_a_number_finds_the_person_and_the_search_is_audited(client, sample, atl_associate):
    client.force_login(atl_associate)
    response = client.post("/ports/ATL/search/", {"q": "A-201-734-517"})
    html = response.content.decode()
    assert "SY260074" in html and "A201734517" in html
    assert "AF260311" not in html
    event = AuditEvent.objects.get(action=PERSONAL_DATA_VIEWED, actor=atl_associate)
    assert (event.object_repr, event.data["purpose"]) == ("SY260074", "search by A-number")


def test_a_name_search_is_not_an_a_number_search(client, sample, atl_associate):
    client.force_login(atl_associate)
    client.post("/ports/ATL/search/", {"q": "Al-Hamwi"})
    assert not AuditEvent.objects.filter(action=PERSONAL_DATA_VIEWED).exists()


def test_another_ports_user_does_not_find_the_a_number(client, sample, jfk_associate):
    client.force_login(jfk_associate)
    html = client.post("/ports/JFK/search/", {"q": "A201734517"}).content.decode()
    assert "SY260074" not in html
    assert not AuditEvent.objects.filter(action=PERSONAL_DATA_VIEWED).exists()


def test_marking_a_paper_taken_by_cbp_then_returned(client, sample, atl_associate):
    xrays = grandfather().carried_documents.get(kind="xrays")
    url = reverse("cases:document_status", args=[sample.case_number, xrays.pk])
    client.force_login(atl_associate)

    response = client.post(url, {"status": "taken_by_cbp"}, **HTMX)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Chest X-rays: taken by cbp." in html
    assert ">Returned</button>" in html and ">Back in the bag</button>" in html
    client.post(url, {"status": "returned"})
    xrays.refresh_from_db()
    assert (xrays.status, xrays.status_changed_by) == ("returned", atl_associate)
    events = AuditEvent.objects.filter(action__startswith="poe.individual.document.")
    assert [e.action for e in events.order_by("pk")] == [
        "poe.individual.document.taken_by_cbp",
        "poe.individual.document.returned",
    ]
    assert events.order_by("pk")[0].changes == {
        "document Chest X-rays": ["carried", "taken_by_cbp"]
    }


def test_the_same_mark_twice_is_recorded_once_and_says_who_was_first(client, sample, atl_associate):
    xrays = grandfather().carried_documents.get(kind="xrays")
    url = reverse("cases:document_status", args=[sample.case_number, xrays.pk])
    client.force_login(atl_associate)
    client.post(url, {"status": "taken_by_cbp"}, **HTMX)

    again = client.post(url, {"status": "taken_by_cbp"}, **HTMX).content.decode()

    assert "was already marked “taken by cbp” by" in again
    assert AuditEvent.objects.filter(action="poe.individual.document.taken_by_cbp").count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_tablets_marking_at_once_record_one_change(reference_data, atl):
    senior = make_port_user("atl.senior", atl, Role.SENIOR)
    import_manifest(senior, atl, sample_upload())
    xrays = Individual.objects.get(person_number="SY260074-03").carried_documents.get(kind="xrays")
    first, second = (make_port_user(f"atl.tablet{i}", atl, Role.ASSOCIATE) for i in (1, 2))

    results = run_together(
        lambda: set_document_status(first, xrays, "taken_by_cbp"),
        lambda: set_document_status(second, xrays, "taken_by_cbp"),
    )

    assert sorted(r.changed for r in results) == [False, True]
    assert AuditEvent.objects.filter(action="poe.individual.document.taken_by_cbp").count() == 1


def test_an_associate_of_another_port_gets_404_and_a_viewer_403(
    client, sample, jfk_associate, ny_ops, dc_ops
):
    xrays = grandfather().carried_documents.get(kind="xrays")
    url = reverse("cases:document_status", args=[sample.case_number, xrays.pk])
    client.force_login(jfk_associate)
    assert client.post(url, {"status": "taken_by_cbp"}).status_code == 404
    client.force_login(dc_ops)  # HQ sees the port but does not operate it
    assert client.post(url, {"status": "taken_by_cbp"}).status_code == 403
    with pytest.raises(PermissionDenied):
        set_document_status(dc_ops, xrays, "taken_by_cbp")
    xrays.refresh_from_db()
    assert xrays.status == "carried"


def test_a_paper_of_another_case_is_404_through_this_case(client, sample, atl_associate):
    other = Individual.objects.get(person_number="AF260311-01").carried_documents.all()[0]
    url = reverse("cases:document_status", args=[sample.case_number, other.pk])
    client.force_login(atl_associate)
    assert client.post(url, {"status": "taken_by_cbp"}).status_code == 404


def test_an_unknown_status_is_refused_in_words(client, sample, atl_associate):
    xrays = grandfather().carried_documents.get(kind="xrays")
    url = reverse("cases:document_status", args=[sample.case_number, xrays.pk])
    client.force_login(atl_associate)
    response = client.post(url, {"status": "lost"}, **HTMX)
    assert response.status_code == 400
    assert "Choose where the document is" in response.content.decode()
