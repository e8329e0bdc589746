"""Staff kept by the port's officers and HQ instead of the admin: the staff list with phones,
languages, credentials added and renewed with a private scan, and their history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from poe_ops.refusals import Conflict, Refusal
from staffing.models import Credential, StaffLanguage
from staffing.services.credentials import add_credential, renew_credential
from staffing.services.staff import remove_language, set_language
from tests.factories import CredentialFactory, make_user
from tests.scenarios import PDF, PNG, staff

pytestmark = pytest.mark.django_db


def _png(name="badge.png", content=PNG):
    return SimpleUploadedFile(name, content, content_type="image/png")


def test_the_staff_list_shows_phones_languages_and_credentials_to_renew(
    client, atl, atl_officer, atl_associate, django_assert_max_num_queries
):
    today = atl.local_today()
    profile = staff(
        atl_associate, atl, languages=("prs", "ps"), badge_expires=today - dt.timedelta(days=3)
    )
    profile.phone = "+1 404 555 0110"
    profile.save()
    client.force_login(atl_associate)
    page = client.get("/staffing/ATL/staff/").content.decode()
    assert 'href="tel:+1 404 555 0110"' in page and "Dari (Fluent)" in page
    assert "expired" not in page, "credentials are for those who keep them"
    client.force_login(atl_officer)
    client.get("/staffing/ATL/staff/")
    for n in range(10):
        staff(make_user(f"extra{n}"), atl, languages=("ar",))
    with django_assert_max_num_queries(13):
        page = client.get("/staffing/ATL/staff/").content.decode()
    assert f"Airport badge (SIDA/ID) expired {profile.credentials.get().expires:%-d %b %Y}" in page
    assert page.count('class="staff-card') == 11


def test_languages_are_added_by_name_or_code_and_a_level_changed_not_doubled(
    atl, atl_officer, atl_associate
):
    profile = staff(atl_associate, atl)
    assert set_language(atl_officer, atl, profile, "Dari", "working").code == "prs"
    set_language(atl_officer, atl, profile, "prs", "native")
    set_language(atl_officer, atl, profile, "fa", "basic")
    set_language(atl_officer, atl, profile, "fas", "fluent")  # Persian again, by its other code
    assert sorted(profile.languages.values_list("code", "level")) == [
        ("fa", "fluent"),
        ("prs", "native"),
    ]
    with pytest.raises(Refusal, match="“Xyzzy” is not a language POE Ops knows") as bad:
        set_language(atl_officer, atl, profile, "Xyzzy", "fluent")
    assert bad.value.field == "code"
    remove_language(atl_officer, atl, profile, "fa")
    assert list(StaffLanguage.objects.values_list("code", flat=True)) == ["prs"]
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))
    assert actions == [
        "poe.staff.language.added",
        "poe.staff.language.changed",
        "poe.staff.language.added",
        "poe.staff.language.changed",
        "poe.staff.language.removed",
    ]


def test_a_renewal_keeps_the_old_credential_as_history_and_its_scan_private(
    client, private_storage, atl, atl_officer, atl_associate, jfk_officer
):
    today = atl.local_today()
    profile = staff(atl_associate, atl, badge_expires=today - dt.timedelta(days=3))
    old = profile.credentials.get()
    with pytest.raises(Refusal, match="must be after the old one") as early:
        renew_credential(atl_officer, atl, old, expires=old.expires, scan=_png())
    assert early.value.field == "expires"
    renewal = renew_credential(
        atl_officer, atl, old, expires=today + dt.timedelta(days=700), scan=_png()
    )
    assert (renewal.kind, renewal.number, renewal.renews) == (old.kind, old.number, old)
    with pytest.raises(Conflict, match="was already renewed by"):
        renew_credential(atl_officer, atl, old, expires=today + dt.timedelta(days=800))
    assert Credential.objects.filter(profile=profile).count() == 2
    stored = list(private_storage.rglob("*.png"))
    assert len(stored) == 1, "the refused second renewal left no file behind"

    url = f"/staffing/ATL/staff/{atl_associate.pk}/credentials/{renewal.pk}/scan/"
    client.force_login(atl_officer)
    page = client.get(f"/staffing/ATL/staff/{atl_associate.pk}/").content.decode()
    assert f'href="{url}"' in page and "History (1 earlier)" in page
    scan = client.get(url)
    assert scan.status_code == 200 and b"".join(scan.streaming_content) == PNG
    assert "no-store" in scan["Cache-Control"] and scan["X-Content-Type-Options"] == "nosniff"
    client.force_login(atl_associate)
    assert client.get(url).status_code == 403
    client.force_login(jfk_officer)
    assert client.get(url.replace("/ATL/", "/JFK/")).status_code == 404


def test_a_file_that_is_not_a_scan_is_refused_in_words_and_nothing_is_kept(
    client, private_storage, atl, atl_officer, atl_associate
):
    staff(atl_associate, atl, badge_expires=None)
    client.force_login(atl_officer)
    response = client.post(
        f"/staffing/ATL/staff/{atl_associate.pk}/credentials/new/",
        {
            "key": new_key(),
            "kind": "cbp_seal",
            "expires": "2027-06-30",
            "scan": SimpleUploadedFile("seal.pdf", b"MZ\x90\x00 not a scan", "application/pdf"),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "is not a photo or scan POE Ops accepts" in html and 'id="id_scan_error"' in html
    assert not Credential.objects.exists()
    assert not list(private_storage.rglob("*.*"))
    ok = client.post(
        f"/staffing/ATL/staff/{atl_associate.pk}/credentials/new/",
        {
            "key": new_key(),
            "kind": "cbp_seal",
            "number": "CBP-77",
            "expires": "2027-06-30",
            "scan": SimpleUploadedFile("seal.pdf", PDF, "application/pdf"),
        },
    )
    assert ok.status_code == 302
    added = Credential.objects.get()
    assert (added.kind, added.scan_type, added.recorded_by) == (
        "cbp_seal",
        "application/pdf",
        atl_officer,
    )
    assert AuditEvent.objects.get(action="poe.credential.added").changes["kind"] == [
        None,
        "cbp_seal",
    ]


def test_only_the_ports_officers_and_hq_keep_its_staff(
    client, atl, jfk, atl_senior, atl_associate, dc_ops, ny_ops
):
    staff(atl_associate, atl)
    url = f"/staffing/ATL/staff/{atl_associate.pk}/"
    client.force_login(atl_senior)
    assert client.get(url).status_code == 403
    assert client.post(url, {"phone": "1"}).status_code == 403
    client.force_login(ny_ops)
    assert client.get(url).status_code == 404
    client.force_login(dc_ops)
    assert client.post(url, {"phone": "+1 404 555 0199"}).status_code == 302
    assert atl_associate.staff_profile.phone == ""  # cached instance; read afresh below
    atl_associate.staff_profile.refresh_from_db()
    assert atl_associate.staff_profile.phone == "+1 404 555 0199"
    # Someone who is not on ATL's staff has no page there.
    jfk_person = make_user("jfk.person")
    staff(jfk_person, jfk)
    assert client.get(f"/staffing/ATL/staff/{jfk_person.pk}/").status_code == 404
    with pytest.raises(Refusal, match="is not on the staff of ATL"):
        add_credential(dc_ops, atl, jfk_person.staff_profile, kind="training_psea")


def test_a_credential_that_expires_before_it_was_issued_is_refused_on_its_field(
    client, atl, atl_officer, atl_associate
):
    staff(atl_associate, atl, badge_expires=None)
    client.force_login(atl_officer)
    response = client.post(
        f"/staffing/ATL/staff/{atl_associate.pk}/credentials/new/",
        {"key": new_key(), "kind": "medical", "issued": "2026-10-01", "expires": "2026-09-01"},
    )
    assert response.status_code == 400
    assert 'id="id_expires_error"' in response.content.decode()
    assert "It expires before it was issued." in response.content.decode()
    # The database says the same in words, on the same field, to anything that validates.
    credential = CredentialFactory.build(
        profile=atl_associate.staff_profile,
        issued=dt.date(2026, 10, 1),
        expires=dt.date(2026, 9, 1),
    )
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as invalid:
        credential.full_clean()
    assert invalid.value.message_dict["expires"] == ["It expires before it was issued."]


def test_a_double_submit_of_a_credential_keeps_one_and_one_scan(
    client, private_storage, atl, atl_officer, atl_associate
):
    staff(atl_associate, atl, badge_expires=None)
    client.force_login(atl_officer)
    key = "0b7e4f1c-double-submit"
    for _ in range(2):
        response = client.post(
            f"/staffing/ATL/staff/{atl_associate.pk}/credentials/new/",
            {"key": key, "kind": "training_urm", "expires": "2027-06-30", "scan": _png("c.png")},
        )
        assert response.status_code == 302
    assert Credential.objects.count() == 1
    assert len(list(private_storage.rglob("*.png"))) == 1
