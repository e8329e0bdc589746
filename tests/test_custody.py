"""The chain of custody: a minor is never in nobody's custody between met and handed over, and
documents in the IOM bag are handed over with a record of whom to, when and where."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from arrivals.models import StepEvent
from arrivals.services.checkin import move_case, move_individual
from cases.models.bookings import CustodyHandover
from poe_ops import tasks
from poe_ops.keys import new_key
from poe_ops.models import Document
from tests.factories import CustodyHandoverFactory
from tests.htmx import HTMX
from tests.pdfs import pdf_text
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db


@pytest.fixture
def minor(atl):
    _case, (person,) = family_on_flight(
        atl, size=1, unaccompanied_minor=True, given_names="Aline", surname="Uwase"
    )
    person.current_step = "customs_cleared"
    person.save()
    return person


def test_an_unaccompanied_minor_cannot_be_marked_handed_over_without_a_named_receiver(
    atl_associate, minor
):
    result = move_individual(atl_associate, minor.pk, "handed_over", idempotency_key=new_key())
    assert not result.accepted
    assert "cannot be marked handed over until the receiving person is named" in result.message
    minor.refresh_from_db()
    assert minor.current_step == "customs_cleared"
    assert StepEvent.objects.get().accepted is False


def test_the_tablet_tap_shows_the_refusal_on_the_minors_row(client, atl, atl_associate, minor):
    flight = minor.case.segments.get().flight
    client.force_login(atl_associate)
    response = client.post(
        f"/ports/ATL/individuals/{minor.pk}/step/",
        {"step": "handed_over", "key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    html = response.content.decode()
    assert "receiving person is named" in html and 'role="alert"' in html
    assert f'href="/ports/ATL/individuals/{minor.pk}/hand-over/"' in html


def test_a_handover_kept_within_iom_staff_does_not_count(atl, atl_associate, minor):
    CustodyHandover.objects.create(
        case=minor.case,
        subject="minor",
        individual=minor,
        from_kind="staff",
        from_name="A",
        to_kind="staff",
        to_name="B",
        to_organisation="IOM",
        place="Hall",
        idempotency_key=new_key(),
        recorded_by=atl_associate,
    )
    result = move_individual(atl_associate, minor.pk, "handed_over", idempotency_key=new_key())
    assert not result.accepted


def test_with_a_named_receiver_on_record_the_minor_can_be_handed_over(atl, atl_associate, minor):
    CustodyHandover.objects.create(
        case=minor.case,
        subject="minor",
        individual=minor,
        from_kind="staff",
        from_name="Amina Haidari",
        to_kind="agency",
        to_name="Sam Rivera",
        to_organisation="IRC Atlanta",
        place="Hall",
        idempotency_key=new_key(),
        recorded_by=atl_associate,
    )
    result = move_individual(atl_associate, minor.pk, "handed_over", idempotency_key=new_key())
    assert result.accepted


def test_the_hand_over_form_names_the_receiver_and_moves_the_step_together(
    client, atl, atl_associate, minor
):
    client.force_login(atl_associate)
    url = f"/ports/ATL/individuals/{minor.pk}/hand-over/"
    assert client.get(url).status_code == 200
    data = {
        "key": new_key(),
        "to_kind": "agency",
        "to_name": "Sam Rivera",
        "to_organisation": "IRC Atlanta",
        "place": "Door 3",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302  # a double submit: recorded once
    minor.refresh_from_db()
    assert minor.current_step == "handed_over"
    record = CustodyHandover.objects.get()
    assert (record.to_name, record.to_organisation, record.individual) == (
        "Sam Rivera",
        "IRC Atlanta",
        minor,
    )
    assert record.from_organisation == "IOM"


def test_the_hand_over_form_refuses_without_a_name_and_changes_nothing(
    client, atl, atl_associate, minor
):
    client.force_login(atl_associate)
    data = {
        "key": new_key(),
        "to_kind": "agency",
        "to_name": "",
        "to_organisation": "IRC",
        "place": "Door 3",
    }
    response = client.post(f"/ports/ATL/individuals/{minor.pk}/hand-over/", data)
    assert response.status_code == 400
    assert "Nothing was saved" in response.content.decode()
    minor.refresh_from_db()
    assert minor.current_step == "customs_cleared"
    assert not CustodyHandover.objects.exists()


def test_a_minor_not_yet_through_cbp_is_refused_and_no_handover_is_recorded(
    client, atl, atl_associate, minor
):
    minor.current_step = "met"
    minor.save()
    client.force_login(atl_associate)
    data = {
        "key": new_key(),
        "to_kind": "agency",
        "to_name": "Sam",
        "to_organisation": "IRC",
        "place": "Door 3",
    }
    response = client.post(f"/ports/ATL/individuals/{minor.pk}/hand-over/", data)
    assert response.status_code == 400
    assert "admitted by CBP comes first" in response.content.decode()
    assert not CustodyHandover.objects.exists()


def test_handing_over_a_whole_case_leaves_the_minor_with_the_reason(atl, atl_associate):
    case, people = family_on_flight(atl, size=2)
    people[1].unaccompanied_minor = True
    people[1].save()
    for person in people:
        person.current_step = "customs_cleared"
        person.save()
    result = move_case(atl_associate, case.pk, "handed_over", idempotency_key=new_key())
    assert [r.individual for r in result.moved] == [people[0]]
    ((who, reason),) = result.not_moved
    assert who == people[1] and "receiving person is named" in reason


def test_handing_over_an_adult_asks_nothing_about_custody(atl, atl_associate):
    _case, (adult,) = family_on_flight(atl, size=1)
    adult.current_step = "customs_cleared"
    adult.save()
    with CaptureQueriesContext(connection) as queries:
        move_individual(atl_associate, adult.pk, "handed_over", idempotency_key=new_key())
    assert not any("custodyhandover" in q["sql"] for q in queries.captured_queries)


def test_a_custody_handover_of_documents_is_recorded_from_the_case_page(client, atl, atl_associate):
    case, _people = family_on_flight(atl, size=2, document_in_custody=True)
    client.force_login(atl_associate)
    url = f"/cases/{case.case_number}/custody/"
    assert client.get(url).status_code == 200
    data = {
        "key": new_key(),
        "subject": "documents",
        "from_kind": "staff",
        "from_name": "Amina",
        "from_organisation": "IOM",
        "to_kind": "agency",
        "to_name": "",
        "to_organisation": "",
        "place": "Door 3",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    data.update(to_name="Sam <b>Rivera</b>", to_organisation="IRC Atlanta")
    assert client.post(url, data).status_code == 302
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert "Sam &lt;b&gt;Rivera&lt;/b&gt;" in html and "Chain of custody" in html


def test_the_custody_form_pdf_has_both_parties_and_signature_lines(client, atl, atl_associate):
    case, _people = family_on_flight(atl, size=2, document_in_custody=True)
    record = CustodyHandoverFactory.create(case=case)
    record.to_name = "Sam <Rivera> & Co"
    record.save()
    client.force_login(atl_associate)
    client.post(f"/custody-handovers/{record.pk}/documents/form/")
    document = Document.objects.get(kind="custody_form")
    assert tasks.render_document(document.pk) == "ready"
    document.refresh_from_db()
    text = " ".join(pdf_text(document.file.read())).replace("\n", " ")
    assert "Sam <Rivera> & Co" in text and "IRC Atlanta" in text and "Amina Haidari" in text
    assert text.count("Signature") == 2 and "Documents handed over" in text


def test_a_jfk_associate_gets_404_on_an_atl_minor_and_handover(client, atl, jfk_associate, minor):
    client.force_login(jfk_associate)
    assert client.get(f"/ports/ATL/individuals/{minor.pk}/hand-over/").status_code == 404
    assert client.get(f"/ports/JFK/individuals/{minor.pk}/hand-over/").status_code == 404
    record = CustodyHandoverFactory.create(case__port=atl)
    assert client.post(f"/custody-handovers/{record.pk}/documents/form/").status_code == 404
