"""The case page: people with needs, itinerary with rebookings struck through, step history,
ABN versions and audit — scoped to the port, audited when viewed, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrivals.models import Segment, StepEvent
from cases.models import CaseRevision
from poe_ops.models import AuditEvent
from poe_ops.services.audit import PERSONAL_DATA_VIEWED, log_action
from tests.factories import CaseFactory, FlightFactory, IndividualFactory

pytestmark = pytest.mark.django_db


def make_case(port, actor, people=2, steps_each=2, case_number="AF200001"):
    case = CaseFactory.create(
        port=port,
        case_number=case_number,
        abn_number="ABN300001",
        abn_version=2,
        local_affiliate="IRC Atlanta",
        final_destination="Boise, ID",
        notes="Mother pregnant.",
    )
    individuals = [
        IndividualFactory.create(
            case=case, given_names=f"Amina{n}", surname="Karimi", ssr_codes=["WCHR"]
        )
        for n in range(people)
    ]
    at = timezone.now() - dt.timedelta(hours=1)
    for person in individuals:
        for step, (before, after) in enumerate([("expected", "met"), ("met", "cbp_cleared")]):
            if step < steps_each:
                StepEvent.objects.create(
                    individual=person,
                    port=port,
                    from_step=before,
                    to_step=after,
                    actor=actor,
                    at=at + dt.timedelta(minutes=step),
                    device="Mozilla/5.0 (iPad)",
                    idempotency_key=f"{person.pk}-{step}",
                )
        log_action(actor, "poe.individual.step.met", person, port=port)
    return case


def page(client, case_number="AF200001"):
    return client.get(f"/cases/{case_number}/")


def test_it_shows_the_case_header_and_people_with_their_needs(client, atl, atl_associate):
    case = make_case(atl, atl_associate)
    IndividualFactory.create(
        case=case,
        given_names="Zainab",
        surname="Karimi",
        programme_status="urm",
        interpreter_needed=True,
        primary_language="pus",
        document_in_custody=True,
        relationship="CH",
        date_of_birth=dt.date.today() - dt.timedelta(days=365 * 15 + 30),
    )
    client.force_login(atl_associate)
    html = page(client).content.decode()
    for text in (
        "AF200001",
        "ABN300001",
        "version 2",
        "IRC Atlanta",
        "Boise, ID",
        "Mother pregnant.",
        "WCHR",
        "URM",
        "Interpreter: Pushto",
        "Child",
        "15 yrs",
        "Document in IOM bag",
    ):
        assert text in html, text


def test_jfk_associate_gets_404_on_an_atl_case(client, atl, atl_associate, jfk_associate):
    make_case(atl, atl_associate)
    client.force_login(jfk_associate)
    assert page(client).status_code == 404
    assert not AuditEvent.objects.filter(action=PERSONAL_DATA_VIEWED).exists()


def test_viewing_it_writes_a_personal_data_access_event(client, atl, atl_associate):
    case = make_case(atl, atl_associate)
    client.force_login(atl_associate)
    page(client)
    event = AuditEvent.objects.for_object(case).get(action=PERSONAL_DATA_VIEWED)
    assert event.actor == atl_associate
    assert event.port == atl
    assert event.data == {"purpose": "case page"}


def test_a_replaced_segment_is_struck_through_and_names_its_replacement(client, atl, atl_associate):
    case = make_case(atl, atl_associate)
    new = Segment.objects.create(
        case=case,
        flight=FlightFactory.create(port=atl, carrier="TK", number="31"),
        direction="inbound",
    )
    Segment.objects.create(
        case=case,
        flight=FlightFactory.create(port=atl, carrier="QR", number="747"),
        direction="inbound",
        replaced_by=new,
    )
    client.force_login(atl_associate)
    html = page(client).content.decode()
    assert "<del>QR747</del>" in html
    assert "Replaced by TK31" in html
    assert "<strong>TK31</strong>" in html


def test_step_history_shows_who_when_device_refusals_and_undos(client, atl, atl_associate):
    case = make_case(atl, atl_associate, people=1, steps_each=1)
    person = case.individuals.get()
    met = person.steps.get()
    at = timezone.now()
    StepEvent.objects.create(
        individual=person,
        port=atl,
        from_step="met",
        to_step="handed_over",
        accepted=False,
        refusal_reason="Cannot mark handed over: not yet CBP cleared.",
        actor=atl_associate,
        at=at,
        idempotency_key="refused-1",
    )
    StepEvent.objects.create(
        individual=person,
        port=atl,
        from_step="met",
        to_step="expected",
        undoes=met,
        actor=atl_associate,
        at=at,
        idempotency_key="undo-1",
    )
    client.force_login(atl_associate)
    html = page(client).content.decode()
    local = timezone.localtime(met.at, atl.zone).strftime("%H:%M")
    assert f"{local}</time>" in html
    assert "Refused" in html and "not yet CBP cleared" in html
    assert "Undo" in html
    # An event from before tablets had names: its user agent, said in words.
    assert '<span class="device">iPad</span>' in html
    assert "Mozilla/5.0" not in html
    assert atl_associate.get_full_name() in html


def test_it_shows_the_earlier_abn_versions(client, atl, atl_associate):
    case = make_case(atl, atl_associate)
    CaseRevision.objects.create(
        case=case,
        abn_version=1,
        values={"final_destination": "Erie, PA", "individuals": [1, 2]},
        replaced_by=atl_associate,
    )
    client.force_login(atl_associate)
    html = page(client).content.decode()
    assert "Version 1 replaced" in html
    assert "Erie, PA" in html


def test_it_shows_the_audit_of_the_case_and_its_people(client, atl, atl_senior, atl_associate):
    case = make_case(atl, atl_associate, people=1)
    log_action(atl_senior, "poe.case.updated", case, changes={"notes": ["", "Pregnant"]})
    client.force_login(atl_associate)
    html = page(client).content.decode()
    assert "poe.case.updated" in html
    assert "notes:  → Pregnant" in html or "notes: — → Pregnant" in html
    assert "poe.individual.step.met" in html


def _queries_for_a_case(client, port, actor, case_number, people):
    case = make_case(port, actor, people=people, case_number=case_number)
    for _n in range(people):
        Segment.objects.create(
            case=case, flight=FlightFactory.create(port=port), direction="inbound"
        )
    page(client, case_number)  # the first view caches content types
    with CaptureQueriesContext(connection) as queries:
        assert page(client, case_number).status_code == 200
    return len(queries)


def test_the_query_count_is_small_and_does_not_grow_with_the_case(
    client, atl, atl_associate, django_assert_max_num_queries
):
    client.force_login(atl_associate)
    small = _queries_for_a_case(client, atl, atl_associate, "AF200001", people=1)
    large = _queries_for_a_case(client, atl, atl_associate, "AF200002", people=8)
    assert small == large, (small, large)
    # 17 for the case itself (with its people's travel papers); 5 more for its bookings, escorts
    # and custody chain (with its people), its expected receiver and its U.S. ties (a fixed
    # number however many there are); 1 more for the step buttons of those who may check people in.
    with django_assert_max_num_queries(23):
        page(client, "AF200002")


def test_a_post_is_refused(client, atl, atl_associate):
    make_case(atl, atl_associate)
    client.force_login(atl_associate)
    assert client.post("/cases/AF200001/").status_code == 405
