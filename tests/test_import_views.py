"""The import screens: who may upload, what the result page shows, and the upload form's checks."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from arrivals.manifest.files import MAX_UPLOAD_BYTES
from arrivals.models import ImportBatch, ImportFile
from arrivals.services.manifest_import import import_manifest
from cases.models import Case
from tests.manifests import manifest_rows, sample_upload, to_csv, upload

pytestmark = pytest.mark.django_db
IMPORTS = "/imports/"


def post_upload(client, port, file, scope="partial", **more):
    return client.post(IMPORTS, {"port": port.pk, "file": file, "scope": scope, **more})


def test_an_upload_shows_what_it_would_do_and_writes_nothing(client, atl, atl_senior):
    client.force_login(atl_senior)
    response = post_upload(client, atl, sample_upload())
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("arrivals:import_detail", args=[batch.pk])

    content = client.get(response["Location"]).content.decode()

    assert batch.status == ImportBatch.Status.PREVIEW
    assert not Case.objects.exists()
    assert "What this file would do" in content
    assert "6 new cases" in content
    assert "Nothing has been written yet." in content
    assert "AF260355" in content
    assert "<li>QR755 2026-04-14</li>" in content


def test_confirming_applies_the_preview_and_shows_what_was_created(client, atl, atl_senior):
    client.force_login(atl_senior)
    post_upload(client, atl, sample_upload())
    batch = ImportBatch.objects.get()

    response = client.post(reverse("arrivals:import_confirm", args=[batch.pk]), follow=True)

    content = response.content.decode()
    assert Case.objects.count() == 6
    assert "Applied: 6 new cases." in content
    assert "What this import did" in content
    assert "Created: 6 cases" in content
    assert "Apply this import" not in content


def test_discarding_writes_nothing_and_keeps_the_upload_listed(client, atl, atl_senior):
    client.force_login(atl_senior)
    post_upload(client, atl, sample_upload())
    batch = ImportBatch.objects.get()

    response = client.post(reverse("arrivals:import_discard", args=[batch.pk]), follow=True)

    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.DISCARDED
    assert not Case.objects.exists()
    assert not ImportFile.objects.exists()
    assert "was discarded; nothing was imported" in response.content.decode()
    assert "Discarded" in response.content.decode()


def test_the_upload_asks_whether_the_file_lists_every_arrival_of_its_days(client, atl, atl_senior):
    client.force_login(atl_senior)
    response = client.post(IMPORTS, {"port": atl.pk, "file": sample_upload()})
    assert response.status_code == 400
    assert "Say whether the file lists every arrival of its days." in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_it_shows_the_errors_table_of_a_refused_import(client, atl, atl_senior):
    rows = manifest_rows(cases=20, people_per_case=2)
    rows[35]["date_of_birth"] = "1999-02-30"
    client.force_login(atl_senior)
    response = client.post(
        IMPORTS, {"port": atl.pk, "file": upload(to_csv(rows)), "scope": "partial"}, follow=True
    )

    content = response.content.decode()
    assert "Nothing was imported" in content
    # The row, the column, and which case and person it is.
    assert (
        f"<td>37</td><td>date_of_birth</td><td>TC000017</td><td>{rows[35]['given_names']} "
        f"{rows[35]['surname']}</td>" in content
    )
    assert "is not a real date (use YYYY-MM-DD)" in content


def test_the_upload_form_offers_only_ports_the_user_coordinates(client, atl, dc_ops):
    client.force_login(dc_ops)
    queryset = client.get(IMPORTS).context["form"].fields["port"].queryset
    assert {p.iata for p in queryset} == {"ATL", "EWR", "IAD", "IAH"}


def test_it_refuses_a_port_the_user_does_not_coordinate(client, jfk, atl_senior):
    client.force_login(atl_senior)
    response = post_upload(client, jfk, sample_upload())
    assert response.status_code == 400
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_file_of_the_wrong_type_with_a_clear_message(client, atl, atl_senior):
    client.force_login(atl_senior)
    file = SimpleUploadedFile("manifest.pdf", b"%PDF-1.7")
    response = post_upload(client, atl, file)
    assert response.status_code == 400
    assert "is not a .csv or .xlsx file" in response.content.decode()


def test_it_refuses_a_file_over_the_size_limit(client, atl, atl_senior):
    client.force_login(atl_senior)
    file = SimpleUploadedFile("big.csv", b"x" * (MAX_UPLOAD_BYTES + 1))
    response = post_upload(client, atl, file)
    assert response.status_code == 400
    assert "the limit is 5 MB" in response.content.decode()


def test_an_associate_sees_who_imports_and_may_not_post(client, atl, atl_associate):
    client.force_login(atl_associate)
    page = client.get(IMPORTS)
    assert "done by senior associates, officers and Operations HQ" in page.content.decode()
    assert '<form method="post" enctype' not in page.content.decode()
    response = post_upload(client, atl, sample_upload())
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_an_associate_gets_403_on_an_import_of_their_port(client, atl, atl_senior, atl_associate):
    batch = import_manifest(atl_senior, atl, sample_upload())
    client.force_login(atl_associate)
    assert client.get(reverse("arrivals:import_detail", args=[batch.pk])).status_code == 403


@pytest.mark.parametrize("user", ["jfk_associate", "jfk_officer", "ny_ops", "outsider"])
def test_another_ports_user_gets_404_on_an_atl_import(client, request, atl, atl_senior, user):
    batch = import_manifest(atl_senior, atl, sample_upload())
    client.force_login(request.getfixturevalue(user))
    assert client.get(reverse("arrivals:import_detail", args=[batch.pk])).status_code == 404


def test_recent_imports_list_only_the_users_ports(client, atl, jfk, atl_senior, jfk_officer):
    import_manifest(atl_senior, atl, upload(to_csv(manifest_rows(1)), "atl-day.csv"))
    jfk_rows = manifest_rows(1, poe="JFK", prefix="J", day=dt.date(2026, 5, 1))
    import_manifest(jfk_officer, jfk, upload(to_csv(jfk_rows), "jfk-day.csv"))
    client.force_login(atl_senior)
    content = client.get(IMPORTS).content.decode()
    assert "atl-day.csv" in content
    assert "jfk-day.csv" not in content


def test_the_imports_link_shows_only_to_those_who_may_import(
    client, atl, atl_senior, atl_associate
):
    client.force_login(atl_senior)
    assert 'href="/imports/"' in client.get("/ports/ATL/today/").content.decode()
    client.force_login(atl_associate)
    assert 'href="/imports/"' not in client.get("/ports/ATL/today/").content.decode()
