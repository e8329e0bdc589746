"""Medical notes on people: read on the case page only by the port's officers, the medical focal
point and Operations HQ, every read audited; never on the arrival sheet the hall prints."""

from __future__ import annotations

import pytest

from arrivals.documents import request_case_sheet
from arrivals.services.manifest_import import import_manifest
from cases.models import Individual
from poe_ops import tasks
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from tests.factories import CaseFactory, IndividualFactory
from tests.htmx import HTMX
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


def test_a_changed_note_is_applied_but_the_preview_and_history_never_quote_it(
    client, atl, atl_senior, atl_associate
):
    """Coordinators read the import preview and the whole port the case page's history; both
    say that the medical notes changed, not what they say."""
    from arrivals.services.manifest_import import confirm_import, upload_manifest

    rows = manifest_rows(1, 1)
    rows[0]["medical_notes"] = "Asthma; inhaler in the bag."
    import_manifest(atl_senior, atl, upload(to_csv(rows)))
    revised = [dict(rows[0], abn_version=2, medical_notes=NOTE)]

    batch = upload_manifest(atl_senior, atl, upload(to_csv(revised)))

    [change] = batch.summary["updated"]
    person = rows[0]["person_number"]
    assert change["changes"][f"person {person} medical_notes"] == [
        "(medical notes)",
        "(medical notes, changed)",
    ]
    assert "Insulin" not in str(batch.summary) and "Asthma" not in str(batch.summary)
    client.force_login(atl_senior)
    assert "Insulin" not in client.get(f"/imports/{batch.pk}/").content.decode()

    confirm_import(atl_senior, batch)

    assert Individual.objects.get().medical_notes == NOTE
    events = AuditEvent.objects.filter(action__startswith="poe.case.")
    assert events.exists() and not any("Insulin" in str(e.changes) for e in events)
    client.force_login(atl_associate)
    page = client.get(f"/cases/{rows[0]['case_number']}/").content.decode()
    assert "medical notes, changed" in page and "Insulin" not in page and "Asthma" not in page


def tap_on_case_page(client, url, **fields):
    return client.post(url, {"key": new_key(), "view": "case", **fields}, **HTMX)


@pytest.mark.parametrize("whole_case", [False, True], ids=["person", "whole case"])
def test_a_tap_on_the_case_page_redraws_the_notes_as_the_page_showed_them(
    client, case, atl_officer, atl_associate, whole_case
):
    """The case page's buttons (issue 13) redraw the people's rows: the officer still reads the
    notes there (a read, audited), the associate still reads only that there are some."""
    person = case.individuals.get()
    url = (
        f"/ports/ATL/cases/{case.pk}/step/"
        if whole_case
        else f"/ports/ATL/individuals/{person.pk}/step/"
    )
    client.force_login(atl_officer)
    answer = tap_on_case_page(client, url, step="met").content.decode()
    assert NOTE in answer
    assert medical_reads(atl_officer).count() == 1
    client.force_login(atl_associate)
    answer = tap_on_case_page(client, url, step="cbp_cleared").content.decode()
    assert NOTE not in answer
    assert "Medical notes: only the ATL officers" in answer
    assert not medical_reads(atl_associate).exists()
    assert Individual.objects.get(pk=person.pk).current_step == "cbp_cleared"
