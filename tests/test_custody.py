"""The chain of custody: nobody is marked handed over without a receiver named and identified; a
URM or separated minor goes only to the expected receiver (or on an officer's override), with
both sides signing; the database refuses records that break those rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from arrivals.models import StepEvent
from arrivals.services.checkin import move_case, move_individual
from arrivals.services.handover import hand_over
from cases.models import CustodyHandover
from cases.services.custody import (
    EXPECTED_RECEIVER,
    Giver,
    Receiver,
    ReceiverChoice,
    Signatures,
    record_handover,
)
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from poe_ops.refusals import Refusal
from tests.factories import (
    AgencyOfficeFactory,
    CustodyHandoverFactory,
    ExpectedReceiverFactory,
    USTieFactory,
)
from tests.htmx import HTMX
from tests.scenarios import family_on_flight, onward, sign

pytestmark = pytest.mark.django_db

STAFF = Giver("staff", "Amina Haidari", "IOM")
SAM = Receiver(
    "agency",
    "Sam Rivera",
    "IRC Atlanta",
    phone="+1 404 555 0142",
    id_type="badge",
    id_last_digits="7731",
)
GRACE = Receiver(
    "agency",
    "Grace Mutesi",
    "Catholic Charities Atlanta",
    phone="+1 404 555 0177",
    id_type="drivers_license",
    id_last_digits="1290",
)
BOTH = Signatures(sign("Amina"), sign("Sam"))


@pytest.fixture
def minor(atl, private_storage):
    """Aline Uwase, 16, a URM through CBP, expected by Sam Rivera of IRC Atlanta."""
    case, (person,) = family_on_flight(
        atl, size=1, programme_status="urm", given_names="Aline", surname="Uwase"
    )
    ExpectedReceiverFactory.create(case=case)
    person.current_step = "customs_cleared"
    person.save()
    return person


@pytest.fixture
def adults(atl):
    """Two adults through CBP, with a U.S. tie (their brother) expected to receive them."""
    case, people = family_on_flight(atl, size=2)
    tie = USTieFactory.create(case=case)
    ExpectedReceiverFactory.create(
        case=case,
        kind="us_tie",
        name=tie.name,
        organisation=tie.relationship,
        phone=tie.phone,
        us_tie=tie,
    )
    for person in people:
        person.current_step = "customs_cleared"
        person.save()
    return people


def hand(user, people, receiver=SAM, signatures=BOTH, choice=EXPECTED_RECEIVER, key=None):
    return hand_over(
        user,
        people[0].case.port,
        people[0].case_id,
        individual_ids=[p.pk for p in people],
        receiver=receiver,
        giver=STAFF,
        place="Door 3",
        choice=choice,
        signatures=signatures,
        idempotency_key=key or new_key(),
    )


def stored_files(private_storage):
    return sorted(p.name for p in private_storage.rglob("*.png"))


# --- The tap is refused without a receiver -----------------------------------------------------


def test_a_urm_cannot_be_tapped_handed_over_and_the_refusal_says_how(atl_associate, minor):
    result = move_individual(atl_associate, minor.pk, "handed_over", idempotency_key=new_key())
    assert not result.accepted
    assert "Aline Uwase is a URM (unaccompanied refugee minor)" in result.message
    assert "Hand over…" in result.message and "both signatures" in result.message
    minor.refresh_from_db()
    assert minor.current_step == "customs_cleared"
    assert StepEvent.objects.get().accepted is False


def test_an_adult_cannot_be_tapped_handed_over_without_a_receiver(atl_associate, adults):
    result = move_individual(atl_associate, adults[0].pk, "handed_over", idempotency_key=new_key())
    assert not result.accepted
    assert "needs the receiver named" in result.message


def test_the_tablet_row_offers_hand_over_instead_of_a_handed_over_button(
    client, atl, atl_associate, minor
):
    flight = minor.case.segments.get().flight
    client.force_login(atl_associate)
    html = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    assert f'href="/ports/ATL/individuals/{minor.pk}/hand-over/"' in html
    assert 'value="handed_over"' not in html
    response = client.post(
        f"/ports/ATL/individuals/{minor.pk}/step/",
        {"step": "handed_over", "key": new_key(), "flight": flight.pk},
        **HTMX,
    )
    html = response.content.decode()
    assert "Hand over…" in html and 'role="alert"' in html


def test_a_whole_case_tap_leaves_those_without_a_receiver_with_the_reason(atl, atl_associate):
    case, people = family_on_flight(atl, size=2)
    for person in people:
        person.current_step = "customs_cleared"
        person.save()
    result = move_case(atl_associate, case.pk, "handed_over", idempotency_key=new_key())
    assert result.moved == []
    assert all("needs the receiver named" in reason for _who, reason in result.not_moved)


def test_taps_that_do_not_end_the_arrival_ask_nothing_about_custody(atl, atl_associate):
    _case, (adult,) = family_on_flight(atl, size=1)
    with CaptureQueriesContext(connection) as queries:
        move_individual(atl_associate, adult.pk, "met", idempotency_key=new_key())
    assert not any("custodyhandover" in q["sql"] for q in queries.captured_queries)


# --- Handing people over: the receiver, the steps, all or nothing ------------------------------


def test_an_adult_family_is_handed_to_their_us_tie_with_id_and_phone(atl_associate, adults):
    tie = adults[0].case.us_ties.get()
    receiver = Receiver(
        "us_tie",
        "Farid Noori",
        "brother",
        phone="+1 404 555 0123",
        id_type="drivers_license",
        id_last_digits="4821",
        us_tie=tie,
    )
    done = hand(atl_associate, adults, receiver=receiver, signatures=Signatures())
    assert [r.individual for r in done.moved] == adults
    record = done.handover
    assert (record.to_kind, record.to_name, record.receiver_check) == (
        "us_tie",
        "Farid Noori",
        "expected",
    )
    assert (record.to_id_type, record.to_id_last_digits, record.to_phone) == (
        "drivers_license",
        "4821",
        "+1 404 555 0123",
    )
    assert set(record.individuals.all()) == set(adults)
    assert not record.of_minor and not record.signed
    for person in adults:
        person.refresh_from_db()
        assert person.current_step == "handed_over"
    adults[0].case.refresh_from_db()
    assert adults[0].case.status == "completed"


def test_an_adult_given_to_someone_else_needs_a_reason(atl_associate, adults):
    with pytest.raises(Refusal, match=r"is not the expected receiver .*say why"):
        hand(atl_associate, adults, receiver=GRACE, signatures=Signatures())
    done = hand(
        atl_associate,
        adults,
        receiver=GRACE,
        signatures=Signatures(),
        choice=ReceiverChoice(reason="Brother's car broke down; his wife's agency colleague"),
    )
    assert done.handover.receiver_check == "other"
    assert "car broke down" in done.handover.receiver_reason


def test_a_receiver_without_id_or_phone_is_refused_in_words(atl_associate, adults):
    unidentified = Receiver("us_tie", "Farid Noori", "brother", phone="+1 404 555 0123")
    with pytest.raises(Refusal, match="which identity document did Farid Noori show"):
        hand(atl_associate, adults, receiver=unidentified, signatures=Signatures())
    no_phone = Receiver(
        "us_tie", "Farid Noori", "brother", id_type="passport", id_last_digits="12AB"
    )
    with pytest.raises(Refusal, match="a phone number where Farid Noori can be reached"):
        hand(atl_associate, adults, receiver=no_phone, signatures=Signatures())
    whole_number = Receiver(
        "us_tie", "Farid Noori", "brother", phone="404 555 0123", id_type="passport",
        id_last_digits="A12345678",
    )  # fmt: skip
    with pytest.raises(Refusal, match="never the whole number"):
        hand(atl_associate, adults, receiver=whole_number, signatures=Signatures())
    assert not CustodyHandover.objects.exists()
    assert {p.current_step for p in adults} == {"customs_cleared"}


def test_a_urm_handed_to_someone_other_than_the_expected_receiver_is_refused(
    atl_associate, minor, private_storage
):
    with pytest.raises(Refusal) as refused:
        hand(atl_associate, [minor], receiver=GRACE)
    assert str(refused.value) == (
        "Aline Uwase, a URM (unaccompanied refugee minor), may be handed over only to the "
        "expected receiver, Sam Rivera (IRC Atlanta), not to Grace Mutesi. An officer of the "
        "port can authorise another receiver, with a reason."
    )
    assert not CustodyHandover.objects.exists()
    assert stored_files(private_storage) == []
    minor.refresh_from_db()
    assert minor.current_step == "customs_cleared"


def test_a_urm_goes_to_the_expected_receiver_with_both_signatures(
    atl, atl_associate, minor, private_storage
):
    done = hand(atl_associate, [minor])
    record = done.handover
    assert record.of_minor and record.signed and record.receiver_check == "expected"
    assert len(stored_files(private_storage)) == 2
    assert record.from_signature.read().startswith(b"\x89PNG")
    minor.refresh_from_db()
    assert minor.current_step == "handed_over"
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert "poe.custody.handover" in actions and "poe.individual.step.handed_over" in actions


@pytest.mark.parametrize(
    ("signatures", "missing"),
    [
        (Signatures(), "Neither side has signed yet."),
        (Signatures(giver=sign()), "The receiver has not signed yet."),
        (Signatures(receiver=sign()), "You have not signed yet."),
    ],
)
def test_a_urm_is_not_handed_over_unsigned(atl_associate, minor, signatures, missing):
    with pytest.raises(Refusal, match=missing):
        hand(atl_associate, [minor], signatures=signatures)
    assert not CustodyHandover.objects.exists()


def test_a_blank_signature_is_refused(atl_associate, minor):
    import io

    from PIL import Image

    blank = io.BytesIO()
    Image.new("RGBA", (300, 100), (0, 0, 0, 0)).save(blank, format="PNG")
    with pytest.raises(Refusal, match="The receiver's signature is blank"):
        hand(atl_associate, [minor], signatures=Signatures(sign(), blank.getvalue()))


def test_only_an_officer_overrides_the_expected_receiver_and_it_is_audited(
    atl_associate, atl_officer, minor
):
    override = ReceiverChoice(reason="Sam Rivera is ill; IRC sent Grace", override=True)
    with pytest.raises(Refusal, match="Only an officer of this port can authorise"):
        hand(atl_associate, [minor], receiver=GRACE, choice=override)
    with pytest.raises(Refusal, match="say why this receiver"):
        hand(atl_officer, [minor], receiver=GRACE, choice=ReceiverChoice(override=True))
    done = hand(atl_officer, [minor], receiver=GRACE, choice=override)
    assert done.handover.receiver_check == "override"
    assert done.handover.override_by == atl_officer
    event = AuditEvent.objects.get(action="poe.custody.override")
    assert event.data["reason"] == "Sam Rivera is ill; IRC sent Grace"
    assert event.actor == atl_officer


def test_a_double_submit_hands_over_once_and_keeps_one_pair_of_signatures(
    atl_associate, minor, private_storage
):
    key = new_key()
    first = hand(atl_associate, [minor], key=key)
    again = hand(atl_associate, [minor], key=key)
    assert again.repeated and again.handover == first.handover
    assert CustodyHandover.objects.count() == 1
    assert StepEvent.objects.filter(to_step="handed_over").count() == 1
    assert len(stored_files(private_storage)) == 2


def test_a_minor_not_yet_through_cbp_is_refused_by_name_and_nothing_is_kept(
    atl_associate, minor, private_storage
):
    minor.current_step = "met"
    minor.save()
    with pytest.raises(
        Refusal, match=r"Aline Uwase: Cannot mark handed over yet: admitted by CBP comes first"
    ):
        hand(atl_associate, [minor])
    assert not CustodyHandover.objects.exists()
    assert stored_files(private_storage) == []


def test_a_urm_connecting_onward_goes_to_the_airline_with_signatures_first(atl_associate, minor):
    minor.current_step = "at_gate"
    minor.save()
    onward(minor.case, timezone.now() - dt.timedelta(minutes=20), status="departed")
    refused = move_individual(atl_associate, minor.pk, "departed", idempotency_key=new_key())
    assert not refused.accepted and "airline (UMNR) or an IOM escort" in refused.message
    airline = Receiver(
        "airline", "J. Ortiz", "Delta gate B12", phone="+1 404 555 0110", id_type="badge",
        id_last_digits="0042",
    )  # fmt: skip
    record_handover(
        atl_associate,
        minor.case,
        subject="people",
        individuals=[minor],
        giver=STAFF,
        receiver=airline,
        place="Gate B12",
        signatures=BOTH,
        idempotency_key=new_key(),
    )
    assert move_individual(atl_associate, minor.pk, "departed", idempotency_key=new_key()).accepted


# --- The database keeps the rules too ----------------------------------------------------------


def _row(case, user, **fields):
    values = {
        "case": case,
        "subject": "people",
        "from_kind": "staff",
        "from_name": "Amina Haidari",
        "to_kind": "agency",
        "to_name": "Grace Mutesi",
        "to_organisation": "Catholic Charities",
        "to_phone": "+1 404 555 0177",
        "to_id_type": "passport",
        "to_id_last_digits": "1290",
        "place": "Hall",
        "idempotency_key": new_key(),
        "recorded_by": user,
    }
    values.update(fields)
    return CustodyHandover(**values)


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"of_minor": True, "receiver_check": "expected"}, "custody_of_a_minor_is_signed"),
        (
            {
                "of_minor": True,
                "receiver_check": "other",
                "receiver_reason": "x",
                "from_signature": "a.png",
                "to_signature": "b.png",
            },
            "custody_of_a_minor_to_the_expected_receiver",
        ),
        ({"receiver_check": "expected", "to_id_last_digits": ""}, "custody_identifies"),
        ({"receiver_check": "other"}, "custody_another_receiver_has_a_reason"),
        ({"to_name": ""}, "custody_names_the_receiver"),
    ],
)
def test_the_database_refuses_a_record_that_breaks_the_rules(
    atl_associate, minor, fields, constraint
):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        _row(minor.case, atl_associate, **fields).save()


# --- Other links of the chain, the PDF, who may see what ---------------------------------------


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


def test_the_case_page_shows_each_minors_chain_as_a_timeline(client, atl, atl_associate, minor):
    hand(atl_associate, [minor])
    client.force_login(atl_associate)
    html = client.get(f"/cases/{minor.case.case_number}/").content.decode()
    timeline = html[html.index(f'data-timeline="{minor.pk}"') :]
    timeline = timeline[: timeline.index("</ol>")]
    assert "In IOM's care from arrival" in timeline
    assert "Sam Rivera" in timeline and "Employer or agency badge …7731" in timeline
    assert "Signed by both" in timeline


def test_a_signature_is_served_to_the_ports_staff_only(client, atl_associate, jfk_associate, minor):
    record = hand(atl_associate, [minor]).handover
    client.force_login(atl_associate)
    response = client.get(f"/custody-handovers/{record.pk}/signatures/to/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/custody-handovers/{record.pk}/signatures/sideways/").status_code == 404
    client.force_login(jfk_associate)
    assert client.get(f"/custody-handovers/{record.pk}/signatures/to/").status_code == 404


def test_a_jfk_associate_gets_404_on_an_atl_minor_and_handover(client, atl, jfk_associate, minor):
    client.force_login(jfk_associate)
    assert client.get(f"/ports/ATL/individuals/{minor.pk}/hand-over/").status_code == 404
    assert client.get(f"/ports/JFK/individuals/{minor.pk}/hand-over/").status_code == 404
    record = CustodyHandoverFactory.create(case__port=atl)
    assert client.post(f"/custody-handovers/{record.pk}/documents/form/").status_code == 404


def test_the_hand_over_page_names_the_expected_receiver_and_asks_minors_for_signatures(
    client, atl, atl_associate, minor
):
    minor.case.agency_office = AgencyOfficeFactory.create(name="IRC Atlanta")
    minor.case.save()
    client.force_login(atl_associate)
    html = client.get(f"/ports/ATL/individuals/{minor.pk}/hand-over/").content.decode()
    assert "Expected receiver: Sam Rivera (IRC Atlanta, agency worker)" in html
    assert "IRC Atlanta is emailed a confirmation" in html
    assert html.count('class="signature-canvas"') == 2
    assert 'src="/static/js/vendor/signature_pad-5.1.4.umd.min.js"' in html
    assert "<script>" not in html  # no inline script: the CSP allows none


def test_the_hand_over_form_refuses_in_words_and_keeps_what_was_typed(
    client, atl, atl_associate, minor
):
    client.force_login(atl_associate)
    url = f"/ports/ATL/individuals/{minor.pk}/hand-over/"
    data = {
        "key": new_key(),
        "individuals": [minor.pk],
        "receiver": "other",
        "to_kind": "agency",
        "to_name": "Grace Mutesi",
        "to_organisation": "Catholic Charities Atlanta",
        "to_id_type": "drivers_license",
        "to_id_last_digits": "1290",
        "to_phone": "+1 404 555 0177",
        "time": dt.datetime.now(atl.zone).strftime("%H:%M"),
        "place": "Door 3",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Nothing was saved." in html and "Signature of the receiver" in html
    assert 'value="Grace Mutesi"' in html
    assert not CustodyHandover.objects.exists()


def test_the_hand_over_form_hands_a_family_to_their_us_tie(client, atl, atl_associate, adults):
    tie = adults[0].case.us_ties.get()
    client.force_login(atl_associate)
    url = f"/ports/ATL/individuals/{adults[0].pk}/hand-over/"
    page = client.get(url).content.decode()
    assert f"Expected receiver: {tie.name} (brother, U.S. tie)" in page
    data = {
        "key": new_key(),
        "individuals": [p.pk for p in adults],
        "receiver": "expected",
        "to_id_type": "drivers_license",
        "to_id_last_digits": "4821",
        "to_phone": "",
        "time": dt.datetime.now(atl.zone).strftime("%H:%M"),
        "place": "Door 3",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    record = CustodyHandover.objects.get()
    assert record.to_phone == tie.phone, "the phone on record stands in for an empty box"
    assert set(record.individuals.all()) == set(adults)


@pytest.mark.parametrize("size", [1, 6])
def test_the_hand_over_page_reads_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries, size
):
    case, people = family_on_flight(atl, size=size)
    ExpectedReceiverFactory.create(case=case)
    USTieFactory.create(case=case)
    case.agency_office = AgencyOfficeFactory.create()
    case.save()
    client.force_login(atl_associate)
    url = f"/ports/ATL/individuals/{people[0].pk}/hand-over/"
    client.get(url)  # content types and the like, cached once per process
    with django_assert_max_num_queries(16):
        assert client.get(url).status_code == 200
