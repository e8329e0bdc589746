"""A case's receivers set by staff from the case page: its agency office, its U.S. ties and its
expected receiver — which, for a URM or separated minor, only an officer sets, with a reason."""

from __future__ import annotations

import pytest

from cases.models import ExpectedReceiver, USTie
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from tests.factories import AgencyOfficeFactory, CaseFactory, IndividualFactory, USTieFactory

pytestmark = pytest.mark.django_db


def test_a_us_tie_is_added_once_however_often_the_form_is_sent(client, atl, atl_associate):
    case = CaseFactory.create(port=atl)
    client.force_login(atl_associate)
    url = f"/cases/{case.case_number}/us-ties/"
    data = {"key": new_key(), "name": "Farid <b>Noori</b>", "relationship": "brother"}
    refused = client.post(url, {**data, "phone": "12"})
    assert refused.status_code == 400
    assert "Phone: a number where they can be reached." in refused.content.decode()
    for _ in range(2):
        assert client.post(url, {**data, "phone": "+1 404 555 0123"}).status_code == 302
    tie = USTie.objects.get()
    assert tie.added_by == atl_associate and tie.source == "staff"
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "Farid &lt;b&gt;Noori&lt;/b&gt; (brother)" in html
    assert AuditEvent.objects.filter(action="poe.case.us_tie.added").count() == 1


def test_an_associate_sets_an_adult_familys_expected_receiver_from_its_us_tie(
    client, atl, atl_associate
):
    case = CaseFactory.create(port=atl)
    IndividualFactory.create(case=case)
    tie = USTieFactory.create(case=case)
    client.force_login(atl_associate)
    url = f"/cases/{case.case_number}/expected-receiver/"
    response = client.post(url, {"kind": "us_tie"})
    assert response.status_code == 400
    assert "Choose the U.S. tie" in response.content.decode()
    assert client.post(url, {"kind": "us_tie", "us_tie": tie.pk}).status_code == 302
    receiver = ExpectedReceiver.objects.get()
    assert (receiver.name, receiver.organisation, receiver.phone) == (
        tie.name,
        tie.relationship,
        tie.phone,
    )
    event = AuditEvent.objects.get(action="poe.case.expected_receiver")
    assert event.changes["name"] == [None, tie.name]


def test_a_minors_expected_receiver_is_an_officers_decision_with_a_reason(
    client, atl, atl_associate, atl_officer
):
    case = CaseFactory.create(port=atl)
    IndividualFactory.create(case=case, programme_status="urm")
    office = AgencyOfficeFactory.create(name="IRC Atlanta")
    url = f"/cases/{case.case_number}/expected-receiver/"
    data = {"kind": "agency", "name": "Grace Mutesi", "agency_office": office.pk}
    client.force_login(atl_associate)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "only an officer of the port sets or changes" in response.content.decode()
    client.force_login(atl_officer)
    assert "say why" in client.post(url, data).content.decode()
    assert client.post(url, {**data, "reason": "Foster placement moved"}).status_code == 302
    receiver = ExpectedReceiver.objects.get()
    assert (receiver.name, receiver.agency_office, receiver.set_by) == (
        "Grace Mutesi",
        office,
        atl_officer,
    )
    assert receiver.reason == "Foster placement moved"


def test_the_case_gets_its_agency_office_and_the_page_shows_its_phones(client, atl, atl_associate):
    case = CaseFactory.create(port=atl)
    office = AgencyOfficeFactory.create(
        name="IRC Atlanta", duty_phone="+1 404 555 0140", after_hours_phone="+1 404 555 0149"
    )
    client.force_login(atl_associate)
    url = f"/cases/{case.case_number}/agency-office/"
    assert client.post(url, {"agency_office": office.pk}).status_code == 302
    case.refresh_from_db()
    assert case.agency_office == office
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "after hours" in html and 'href="tel:+1 404 555 0149"' in html


def test_another_ports_staff_cannot_touch_a_cases_receivers(client, atl, jfk_associate):
    case = CaseFactory.create(port=atl)
    client.force_login(jfk_associate)
    for page in ("us-ties", "expected-receiver", "agency-office"):
        assert client.post(f"/cases/{case.case_number}/{page}/", {}).status_code == 404
