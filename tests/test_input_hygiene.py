"""What a hostile probe found at the inputs (issue 19), each closed: NUL and other control
characters in addresses, queries and forms; names that search could not fold; case numbers
that break their own page or become formulas; upload names that reduce to nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from arrivals.models import ImportBatch
from arrivals.queries.search import search_cases
from arrivals.services.manifest_import import import_manifest
from cases.models import Case
from poe_ops.models import AuditEvent
from reports.models import IncidentAttachment, IncidentReport
from tests.factories import CaseFactory, IndividualFactory
from tests.htmx import HTMX
from tests.manifests import manifest_rows, to_csv, upload
from tests.scenarios import PNG, draft_incident

pytestmark = pytest.mark.django_db


# --- Control characters, at every input -----------------------------------------------------


@pytest.mark.parametrize("path", ["/cases/X%00Y/", "/ports/AT%00L/today/", "/cases/AF%01123/"])
def test_a_control_character_in_the_address_is_refused_in_words(client, atl_officer, path):
    client.force_login(atl_officer)
    response = client.get(path)
    assert response.status_code == 400
    assert "This address contains a control character" in response.content.decode()


def test_nul_in_a_search_is_refused_in_words_not_a_server_error(client, atl_associate):
    client.force_login(atl_associate)
    response = client.post("/ports/ATL/search/", {"q": "a\x00b"})
    assert response.status_code == 400
    assert "The text in “q” contains a control character" in response.content.decode()


def test_nul_in_a_query_parameter_is_refused(client, atl_associate):
    client.force_login(atl_associate)
    response = client.get("/ports/ATL/today/", {"date": "2026-04-14\x00"})
    assert response.status_code == 400
    assert "“date” in the address contains a control character" in response.content.decode()


def test_an_htmx_autosave_with_a_control_character_saves_nothing_and_says_so(
    client, atl, atl_associate
):
    report = draft_incident(atl, atl_associate, narrative="Before.")
    client.force_login(atl_associate)
    response = client.post(
        "/ports/ATL/incidents/autosave/",
        {"narrative": "Pasted\x1b[31m from a terminal", "draft_key": str(report.draft_key)},
        **HTMX,
    )
    assert response.status_code == 400
    assert response["HX-Retarget"] == "#announcer"
    assert "“narrative” contains a control character" in response.content.decode()
    assert IncidentReport.objects.get(pk=report.pk).narrative == "Before."


def test_tabs_and_line_breaks_are_text_not_control_characters(client, atl, atl_associate):
    report = draft_incident(atl, atl_associate)
    client.force_login(atl_associate)
    client.post(
        "/ports/ATL/incidents/autosave/",
        {"narrative": "Line one\r\n\tLine two", "draft_key": str(report.draft_key)},
        **HTMX,
    )
    assert IncidentReport.objects.get(pk=report.pk).narrative == "Line one\n\tLine two"


def test_a_control_character_in_a_file_name_never_reaches_the_database(
    client, atl, atl_associate, private_storage
):
    report = draft_incident(atl, atl_associate)
    client.force_login(atl_associate)
    photo = SimpleUploadedFile("photo\x00\x07.png", PNG, content_type="image/png")
    response = client.post(f"/incidents/{report.pk}/attachments/", {"file": photo})
    assert response.status_code == 302  # Django's upload parser drops unprintable characters
    assert IncidentAttachment.objects.get().original_name == "photo.png"


# --- Search folds letter forms ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("stored", "typed"),
    [
        ("رحیمی", "رحيمي"),  # Persian yeh stored, Arabic yeh typed
        ("رحيمي", "رحیمی"),  # and the other way round
        ("کریمه", "كريمة"),  # keheh / kaf, heh / teh marbuta
        ("أحمد", "احمد"),  # alef with hamza
        ("Øster", "oster"),  # Nordic letters typed on an English keyboard
        ("Sæther", "saether"),
        ("Łukasz", "lukasz"),
    ],
)
def test_search_finds_a_name_typed_with_another_form_of_its_letters(
    atl, atl_associate, stored, typed
):
    case = CaseFactory.create(port=atl)
    IndividualFactory.create(case=case, given_names="Amina", surname=stored)
    assert [r.case for r in search_cases(atl_associate, typed).results] == [case]


# --- Case numbers -----------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["AF/123456", "=HYPERLINK(1)", "+AF1", "AF 123", "-AF1", ""])
def test_a_case_number_outside_the_pattern_is_refused(number):
    with pytest.raises(ValidationError, match="1 to 32 letters, digits and hyphens"):
        Case._meta.get_field("case_number").run_validators(number or " ")


@pytest.mark.parametrize("number", ["AF260311", "KE-1234567", "af1", "1" * 32])
def test_a_case_number_in_the_pattern_is_taken(number):
    Case._meta.get_field("case_number").run_validators(number)


@pytest.mark.parametrize("number", ["AF/123456", "=HYPERLINK(1)"])
def test_the_import_refuses_a_case_number_outside_the_pattern(atl, atl_senior, number):
    rows = manifest_rows(1, 1)
    rows[0]["case_number"] = number
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert batch.status == ImportBatch.Status.REFUSED
    assert any(
        e["column"] == "case_number" and "1 to 32 letters, digits and hyphens" in e["message"]
        for e in batch.errors
    )
    assert not Case.objects.exists()


# --- Upload names that reduce to nothing -----------------------------------------------------


@pytest.mark.parametrize("name", [".png", "!!!.png", "؟؟.png", "...png"])
def test_a_photo_whose_name_reduces_to_nothing_is_kept_under_a_generated_name(
    client, atl, atl_associate, private_storage, name
):
    report = draft_incident(atl, atl_associate)
    client.force_login(atl_associate)
    photo = SimpleUploadedFile(name, PNG, content_type="image/png")
    response = client.post(f"/incidents/{report.pk}/attachments/", {"file": photo})
    assert response.status_code == 302
    attachment = IncidentAttachment.objects.get()
    assert attachment.original_name == name
    stored = attachment.file.name.rsplit("/", 1)[1]
    assert stored.startswith("attachment-") and stored.endswith(".png")
    assert AuditEvent.objects.filter(action="poe.incident.attachment_added").count() == 1
