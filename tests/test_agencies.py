"""Agencies and their local offices: Operations HQ keeps them on screens of its own; an inactive
agency leaves every list while the cases that name it still show it."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.models import AgencyOffice, ResettlementAgency
from poe_ops.models import AuditEvent
from tests.factories import AgencyOfficeFactory, CaseFactory
from tests.manifests import manifest_rows, to_csv, upload

pytestmark = pytest.mark.django_db


def test_the_agencies_that_ended_federal_resettlement_in_2025_are_inactive(reference_data):
    ended = {a.code: a for a in ResettlementAgency.objects.filter(active=False)}
    assert set(ended) == {"USCCB", "EMM"}
    assert ended["USCCB"].ended_on == dt.date(2025, 4, 7)
    assert ended["EMM"].ended_on == dt.date(2025, 9, 30)


def test_everyone_reads_the_offices_and_their_after_hours_phones(client, atl, jfk_associate):
    AgencyOfficeFactory.create(name="IRC <Atlanta>", after_hours_phone="+1 404 555 0199")
    client.force_login(jfk_associate)
    html = client.get("/agencies/").content.decode()
    assert "IRC &lt;Atlanta&gt;" in html and 'href="tel:+1 404 555 0199"' in html
    assert "New local office" not in html, "only HQ is offered the keeping"
    assert "Announced on 7 Apr 2025" in html


def test_hq_adds_an_office_and_the_change_is_audited(client, atl, dc_ops):
    irc = ResettlementAgency.objects.get(code="IRC")
    client.force_login(dc_ops)
    data = {
        "agency": irc.pk,
        "name": "IRC Atlanta",
        "city": "Decatur",
        "state": "ga",
        "duty_phone": "+1 404 555 0140",
        "after_hours_phone": "+1 404 555 0149",
        "email": "",
        "notify": "on",
        "active": "on",
        "ports": [atl.pk],
    }
    refused = client.post("/agency-offices/new/", data)
    assert refused.status_code == 400
    assert "Give an email address, or untick" in refused.content.decode()
    data["email"] = "atlanta@irc.example.org"
    response = client.post("/agency-offices/new/", data)
    office = AgencyOffice.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/agency-offices/{office.pk}/"
    assert office.state == "GA" and list(office.ports.all()) == [atl]
    event = AuditEvent.objects.get(action="poe.agency_office.created")
    assert event.actor == dc_ops and event.changes["ports"] == [[], ["ATL"]]


def test_an_associate_or_officer_cannot_keep_the_list(client, atl, atl_officer):
    client.force_login(atl_officer)
    irc = ResettlementAgency.objects.get(code="IRC")
    response = client.post(f"/agencies/{irc.pk}/", {"code": "IRC", "name": "x", "active": ""})
    assert response.status_code == 403
    irc.refresh_from_db()
    assert irc.active and irc.name == "International Rescue Committee"


def test_an_inactive_agency_leaves_every_list_but_its_old_cases_still_show_it(
    client, atl, atl_associate, atl_senior, dc_ops
):
    irc = ResettlementAgency.objects.get(code="IRC")
    office = AgencyOfficeFactory.create(name="IRC Atlanta", ports=[atl])
    old = CaseFactory.create(port=atl, agency=irc, agency_office=office)
    fresh = CaseFactory.create(port=atl)
    client.force_login(dc_ops)
    refused = client.post(f"/agencies/{irc.pk}/", {"code": "IRC", "name": irc.name})
    assert "Say why the agency is inactive" in refused.content.decode()
    client.post(
        f"/agencies/{irc.pk}/",
        {"code": "IRC", "name": irc.name, "note": "Stopped resettling in Georgia"},
    )
    irc.refresh_from_db()
    assert not irc.active
    assert AuditEvent.objects.filter(action="poe.agency.deactivated").count() == 1

    client.force_login(atl_associate)
    # The case choice lists: the office of an inactive agency is offered nowhere…
    for page in (
        f"/cases/{fresh.case_number}/agency-office/",
        f"/cases/{fresh.case_number}/expected-receiver/",
    ):
        assert "IRC Atlanta" not in client.get(page).content.decode(), page
    # …while the old case still shows (and keeps) its agency and office.
    html = client.get(f"/cases/{old.case_number}/").content.decode()
    assert "IRC" in html and "IRC Atlanta" in html and "Inactive" in html
    assert "IRC Atlanta" in client.get(f"/cases/{old.case_number}/agency-office/").content.decode()
    # HQ's own office form offers only active agencies for a new office.
    client.force_login(dc_ops)
    form = client.get("/agency-offices/new/").content.decode()
    agencies = form[form.index('name="agency"') : form.index("</select>")]
    assert f'value="{irc.pk}"' not in agencies and "CWS" in agencies
    # The board's agency filter no longer offers it.
    assert 'value="IRC"' not in client.get("/board/").content.decode()
    # A manifest naming it is refused in words.
    from arrivals.services.manifest_import import import_manifest

    rows = manifest_rows(cases=1, people_per_case=1)
    rows[0]["agency"] = "IRC"
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert batch.status == "refused"
    assert "“IRC” is not an active resettlement agency code" in str(batch.errors)


def test_the_agency_list_reads_a_fixed_number_of_queries(
    client, atl, dc_ops, django_assert_max_num_queries
):
    client.force_login(dc_ops)
    client.get("/agencies/")
    for n in range(5):
        AgencyOfficeFactory.create(ports=[atl], name=f"IRC Office {n}")
    with django_assert_max_num_queries(13):
        assert client.get("/agencies/").status_code == 200
