"""Medical notes on people: read on the case page only by the port's officers, the medical focal
point and Operations HQ, every read audited; never on the arrival sheet the hall prints."""

from __future__ import annotations

import pytest

from arrivals.documents import request_case_sheet
from arrivals.services.manifest_import import import_manifest
from cases.models import Individual
from poe_ops import tasks
from poe_ops.models import AuditEvent
from tests.factories import CaseFactory, IndividualFactory
from tests.manifests import manifest_rows, to_csv, upload
from tests.pdfs import pdf_text

pytestmark = pytest.mark.django_db

NOTE = "Insulin twice a day; keep her medication in the cabin bag."


@pytest.fixture
def case(atl):
    case = CaseFactory.create(port=atl, case_number="AF100777")
    IndividualFactory.create(case=case, given_names="Amina", medical_notes=NOTE)
    return case


def medical_reads(user):
    return AuditEvent.objects.filter(
        action="poe.personal_data.viewed", actor=user, data__purpose="medical details"
    )


def test_an_associate_sees_that_there_are_notes_not_what_they_say(client, case, atl_associate):
    client.force_login(atl_associate)
    page = client.get("/cases/AF100777/").content.decode()
    assert NOTE not in page
    assert "Medical notes: only the ATL officers, the medical focal point" in page
    assert not medical_reads(atl_associate).exists()


@pytest.mark.parametrize("reader", ["atl_officer", "dc_ops", "dc_medical"])
def test_officers_hq_and_the_medical_focal_point_read_them_and_it_is_audited(
    client, request, case, reader
):
    user = request.getfixturevalue(reader)
    client.force_login(user)
    assert NOTE in client.get("/cases/AF100777/").content.decode()
    (read,) = medical_reads(user)
    assert read.object_id == str(case.pk)


def test_another_offices_staff_see_nothing(client, case, ny_ops):
    client.force_login(ny_ops)
    assert client.get("/cases/AF100777/").status_code == 404


def test_the_arrival_sheet_never_carries_them(case, atl_officer, private_storage):
    document = request_case_sheet(atl_officer, case)
    tasks.render_document(document.pk)
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()))
    assert "Amina" in text
    assert "Insulin" not in text


def test_the_manifest_brings_them_in(atl, atl_senior):
    rows = manifest_rows(1, 1)
    rows[0]["medical_notes"] = NOTE
    import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert Individual.objects.get().medical_notes == NOTE
