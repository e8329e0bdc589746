"""The agency office is told: the hand-over, a delay or rebooking with the new time, a night in a
hotel, a hospital admission, an approved incident — through the outbox (one message per case,
only what that office needs), delivered once by the worker to the office's address alone, and
seen by HQ."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo

import pytest
from django.core import mail

from arrivals.models import Segment
from arrivals.services import flights as flight_services
from arrivals.services.checkin import move_case, move_individual
from arrivals.services.handover import hand_over
from arrivals.services.rebooking import NewFlight, rebook
from cases.services.custody import Giver, Receiver, ReceiverChoice
from poe_ops.celery import app
from poe_ops.keys import new_key
from poe_ops.models import Notification
from poe_ops.refusals import Refusal
from poe_ops.services import notifications
from reports.services.incidents import decide_incident
from tests.factories import AgencyOfficeFactory, FlightFactory, USTieFactory
from tests.scenarios import (
    THROUGH_CUSTOMS,
    family_on_flight,
    give_dc_a_list,
    onward,
    submitted_incident,
    walk,
)
from tests.workers import running_worker

STAFF = Giver("staff", "Amina Haidari", "IOM")


def office(**fields):
    defaults = {"name": "IRC Atlanta", "email": "atlanta@irc.example.org"}
    return AgencyOfficeFactory.create(**{**defaults, **fields})


def cleared_family(atl, user, size=2, **case_fields):
    case, people = family_on_flight(atl, size=size)
    for field, value in case_fields.items():
        setattr(case, field, value)
    case.save()
    walk(user, case, THROUGH_CUSTOMS)
    return case, people


def tie_of(case):
    tie = USTieFactory.create(case=case)
    return Receiver(
        "us_tie",
        tie.name,
        tie.relationship,
        phone=tie.phone,
        id_type="drivers_license",
        id_last_digits="4821",
        us_tie=tie,
    )


def to_agency():
    return list(Notification.objects.filter(kind="agency").order_by("id"))


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_family_handed_to_its_us_tie_is_confirmed_to_the_office_by_the_worker(atl, atl_senior):
    give_dc_a_list()
    case, people = cleared_family(atl, atl_senior, agency_office=office())
    receiver = tie_of(case)
    nobody = Receiver("us_tie", "", "")
    with pytest.raises(Refusal, match="name the person who receives them"):
        hand_over(
            atl_senior, atl, case.pk, individual_ids=[p.pk for p in people], receiver=nobody,
            giver=STAFF, place="Door 3", idempotency_key=new_key(),
        )  # fmt: skip
    assert to_agency() == []
    app.control.purge()
    with running_worker():
        done = hand_over(
            atl_senior,
            atl,
            case.pk,
            individual_ids=[p.pk for p in people],
            receiver=receiver,
            giver=STAFF,
            place="Door 3",
            choice=ReceiverChoice(reason="Their brother, on the ABN"),
            idempotency_key=new_key(),
        )
        (notice,) = to_agency()
        deadline = time.monotonic() + 15
        while notice.state != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
            notice.refresh_from_db()
    assert notice.state == "sent" and notice.attempts == 1
    (email,) = [m for m in mail.outbox if m.to == ["atlanta@irc.example.org"]]
    local = done.handover.at.astimezone(atl.zone)
    assert f"{local:%a %d %b %Y %H:%M} ATL time" in email.body
    assert "Farid Noori" in email.body and str(people[0]) in email.body
    assert "Open in POE Ops" not in email.body, "the office cannot sign in: no link"
    assert "4821" not in email.body, "never the receiver's identity document"


@pytest.mark.django_db
def test_each_message_goes_to_the_office_alone_and_hq_sees_it(
    client, atl, atl_senior, atl_associate, dc_ops, ny_ops
):
    give_dc_a_list()
    case, people = cleared_family(atl, atl_senior, agency_office=office())
    hand_over(
        atl_senior, atl, case.pk, individual_ids=[p.pk for p in people], receiver=tie_of(case),
        giver=STAFF, place="Door 3", choice=ReceiverChoice(reason="brother"),
        idempotency_key=new_key(),
    )  # fmt: skip
    (notice,) = to_agency()
    assert notice.restricted and notice.recipient_email == "atlanta@irc.example.org"
    assert notifications.recipients(notice) == ["atlanta@irc.example.org"]
    for user, sees in ((dc_ops, True), (ny_ops, False), (atl_associate, False)):
        client.force_login(user)
        feed = client.get("/notifications/").content.decode()
        assert (f"case {case.case_number}: handed over" in feed) is sees, user
    client.force_login(dc_ops)
    page = client.get(f"/agency-offices/{case.agency_office_id}/").content.decode()
    assert "handed over" in page and "Pending" in page


@pytest.mark.django_db
def test_an_office_that_opted_out_or_has_no_address_is_not_written_to(atl, atl_senior):
    case, _ = cleared_family(atl, atl_senior, agency_office=office(notify=False))
    move_case(atl_senior, case.pk, "hotel", idempotency_key=new_key())
    other, _ = cleared_family(atl, atl_senior, agency_office=office(name="x", email=""))
    move_case(atl_senior, other.pk, "hotel", idempotency_key=new_key())
    assert to_agency() == []
    assert Notification.objects.filter(kind="transit").count() == 2, "HQ still hears"


@pytest.mark.django_db
def test_a_delay_tells_each_case_on_the_flight_only_its_own_case(atl, atl_senior):
    flight = FlightFactory.create(
        port=atl, scheduled_arrival=dt.datetime.now(dt.UTC) + dt.timedelta(hours=3)
    )
    first, _ = family_on_flight(atl, flight, size=2)
    second, _ = family_on_flight(atl, flight, size=1)
    first.agency_office = office()
    second.agency_office = office(name="IRC Decatur", email="decatur@irc.example.org")
    first.save()
    second.save()
    eta = (flight.scheduled_arrival + dt.timedelta(hours=2)).astimezone(atl.zone)
    flight_services.update_flight(
        atl_senior,
        flight,
        status="delayed",
        estimated_arrival=eta.strftime("%Y-%m-%dT%H:%M"),
        actual_arrival=None,
    )
    sent = {n.recipient_email: n for n in to_agency()}
    assert set(sent) == {"atlanta@irc.example.org", "decatur@irc.example.org"}
    mine = sent["atlanta@irc.example.org"]
    assert first.case_number in mine.body and second.case_number not in mine.body
    assert f"{eta:%a %d %b %H:%M} ATL time" in mine.body


BOISE = zoneinfo.ZoneInfo("America/Boise")


def soon(hours: float) -> dt.datetime:
    return (dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)).replace(second=0, microsecond=0)


def depart(user, flight, status, estimated=None):
    """Save the departing flight's status and estimate (given as an aware time)."""
    flight_services.update_departure(
        user,
        flight,
        status=status,
        estimated_departure=estimated.astimezone(flight.port.zone).strftime("%Y-%m-%dT%H:%M")
        if estimated
        else None,
        actual_departure=None,
        gate=flight.gate,
    )


@pytest.fixture
def leaving_for_boise(atl):
    """DL1234 ATL → BOI in three hours (landing in six): the Haidari family (2) booked on it
    whole, the Rahimi family booked with Omid only (his sister flies on UA55), and the Nyiramana
    family on another flight; each case with its own office."""
    haidari, haidari_people = family_on_flight(atl, size=2, surname="Haidari")
    leg = onward(haidari, soon(3), scheduled_arrival=soon(6))
    rahimi, (omid, sister) = family_on_flight(atl, size=2, surname="Rahimi")
    omid.given_names, sister.given_names = "Omid", "Laleh"
    omid.save()
    sister.save()
    Segment.objects.create(case=rahimi, flight=leg, direction="onward").individuals.set([omid])
    nyiramana, _ = family_on_flight(atl, size=1, surname="Nyiramana")
    other = onward(nyiramana, soon(3), carrier="UA", number="55", individuals=[])
    Segment.objects.create(case=rahimi, flight=other, direction="onward").individuals.set([sister])
    haidari.agency_office = office()
    rahimi.agency_office = office(name="IRC Decatur", email="decatur@irc.example.org")
    nyiramana.agency_office = office(name="USCRI Atlanta", email="atlanta@uscri.example.org")
    for case in (haidari, rahimi, nyiramana):
        case.save()
    return leg, other, haidari, haidari_people, rahimi, omid, sister, nyiramana


@pytest.mark.django_db
def test_a_delayed_departure_tells_each_case_on_it_its_own_people_and_new_times(
    client, atl, atl_senior, dc_ops, leaving_for_boise
):
    leg, _other, haidari, haidari_people, rahimi, omid, sister, nyiramana = leaving_for_boise
    later = leg.scheduled_departure + dt.timedelta(hours=2)
    depart(atl_senior, leg, "delayed", later)
    sent = {n.recipient_email: n for n in to_agency()}
    assert set(sent) == {"atlanta@irc.example.org", "decatur@irc.example.org"}, "not UA55's"
    leaves = f"{later.astimezone(atl.zone):%a %d %b %H:%M} ATL time"
    lands = f"{(leg.scheduled_arrival + dt.timedelta(hours=2)).astimezone(BOISE):%a %d %b %H:%M}"
    for notice in sent.values():
        assert f"flight DL1234 delayed, now leaves {leaves}" in notice.subject
        assert f"Leaves: {leaves}" in notice.body
        assert f"Arrives: {lands} BOI time" in notice.body, "Boise's own clock"
    family, omid_only = sent["atlanta@irc.example.org"], sent["decatur@irc.example.org"]
    assert haidari.case_number in family.subject and rahimi.case_number not in family.body
    assert all(str(p) in family.body for p in haidari_people)
    assert str(omid) in omid_only.body and str(sister) not in omid_only.body, "not on DL1234"
    assert nyiramana.case_number not in family.body + omid_only.body
    client.force_login(dc_ops)
    feed = client.get("/notifications/").content.decode()
    assert f"case {haidari.case_number}: flight DL1234 delayed" in feed, "HQ sees what was sent"
    page = client.get(f"/agency-offices/{rahimi.agency_office_id}/").content.decode()
    assert "flight DL1234 delayed" in page
    listed = client.get("/agencies/messages/").content.decode()
    assert f"case {rahimi.case_number}: flight DL1234 delayed" in listed

    depart(atl_senior, leg, "scheduled", later)
    depart(atl_senior, leg, "delayed", later)  # the same delay saved again
    depart(atl_senior, leg, "delayed", later + dt.timedelta(minutes=20))  # under 30 min
    assert len(to_agency()) == 2
    assert Notification.objects.filter(kind="flight_change").count() == 2, "HQ hears the redo"
    latest = later + dt.timedelta(minutes=50)  # 30 min from the last estimate
    depart(atl_senior, leg, "delayed", latest)
    assert len(to_agency()) == 4
    assert f"now leaves {latest.astimezone(atl.zone):%a %d %b %H:%M} ATL time" in (
        to_agency()[-1].subject
    )


@pytest.mark.django_db
def test_a_departure_is_not_told_to_an_office_that_opted_out_nor_when_nothing_is_news(
    atl, atl_senior, leaving_for_boise
):
    leg, _other, haidari, *_ = leaving_for_boise
    type(haidari.agency_office).objects.filter(pk=haidari.agency_office_id).update(notify=False)
    depart(atl_senior, leg, "on_time", leg.scheduled_departure + dt.timedelta(minutes=25))
    assert to_agency() == [], "under 30 min is no news"
    depart(atl_senior, leg, "delayed", leg.scheduled_departure + dt.timedelta(minutes=90))
    (notice,) = to_agency()
    assert notice.recipient_email == "decatur@irc.example.org", "the Haidaris' office opted out"


@pytest.mark.django_db
def test_a_delay_without_a_new_time_says_so_and_the_new_time_follows(
    atl, atl_senior, leaving_for_boise
):
    leg, *_ = leaving_for_boise
    depart(atl_senior, leg, "delayed")
    first, _ = to_agency()
    assert "flight DL1234 delayed, new time not known yet" in first.subject
    assert "Leaves: not known yet" in first.body and "Arrives: not known yet" in first.body
    later = leg.scheduled_departure + dt.timedelta(minutes=40)
    depart(atl_senior, leg, "delayed", later)
    then = [n for n in to_agency() if n.recipient_email == first.recipient_email][-1]
    assert f"now leaves {later.astimezone(atl.zone):%a %d %b %H:%M} ATL time" in then.subject


@pytest.mark.django_db
def test_a_cancelled_departure_tells_each_office_iom_is_rebooking_them_once(
    atl, atl_senior, leaving_for_boise
):
    leg, _other, haidari, haidari_people, rahimi, omid, *_ = leaving_for_boise
    walk(atl_senior, haidari, THROUGH_CUSTOMS)
    depart(atl_senior, leg, "cancelled")
    family, omid_only = to_agency()
    assert family.recipient_email == "atlanta@irc.example.org"
    assert family.subject == (
        f"IOM ATL · case {haidari.case_number}: flight DL1234 cancelled — IOM is rebooking them"
    )
    assert all(str(p) in family.body for p in haidari_people)
    assert "will tell you the new flight and time" in family.body
    assert rahimi.case_number in omid_only.subject and str(omid) in omid_only.body
    assert haidari.case_number not in omid_only.body
    depart(atl_senior, leg, "cancelled")  # saved again: nothing changes
    assert len(to_agency()) == 2


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_a_delayed_departure_reaches_the_office_through_the_worker(atl, atl_senior):
    case, _people = family_on_flight(atl, size=1)
    case.agency_office = office()
    case.save()
    leaves = soon(3)
    leg = onward(case, leaves, scheduled_arrival=soon(6))
    later = leaves + dt.timedelta(minutes=75)
    app.control.purge()
    with running_worker():
        depart(atl_senior, leg, "delayed", later)
        (notice,) = to_agency()
        deadline = time.monotonic() + 15
        while notice.state != "sent" and time.monotonic() < deadline:
            time.sleep(0.05)
            notice.refresh_from_db()
    assert notice.state == "sent" and notice.attempts == 1
    (email,) = [m for m in mail.outbox if m.to == ["atlanta@irc.example.org"]]
    assert f"{later.astimezone(atl.zone):%a %d %b %H:%M} ATL time" in email.body
    assert case.case_number in email.subject


@pytest.mark.django_db
def test_a_rebooking_tells_the_office_the_new_flight_and_time(atl, atl_senior):
    case, _people = cleared_family(atl, atl_senior, agency_office=office())
    inbound = case.segments.get()
    departs = dt.datetime(2030, 5, 1, 9, 15, tzinfo=atl.zone)
    rebook(
        atl_senior,
        case,
        segment_id=inbound.pk,
        new_flight=NewFlight("QR", "757", departs.date(), atl.iata, departure=departs),
        idempotency_key=new_key(),
        reason="Missed connection",
    )
    (notice,) = to_agency()
    assert "rebooked on QR757" in notice.subject
    assert "Wed 01 May 09:15 ATL time" in notice.body


@pytest.mark.django_db
def test_a_hotel_night_is_told_once_and_a_hospital_without_medical_details(atl, atl_senior):
    _case, people = cleared_family(atl, atl_senior, agency_office=office())
    type(people[0]).objects.filter(pk=people[0].pk).update(vulnerability_notes="Insulin-dependent")
    move_individual(atl_senior, people[0].pk, "hotel", idempotency_key=new_key())
    move_individual(atl_senior, people[1].pk, "hotel", idempotency_key=new_key())
    move_individual(
        atl_senior,
        people[0].pk,
        "hospital",
        idempotency_key=new_key(),
        detail={"hospital": "Grady Memorial"},
    )
    hotel, hospital = to_agency()
    assert "staying overnight in a hotel" in hotel.subject
    assert "taken to hospital" in hospital.subject and str(people[0]) in hospital.body
    assert "Grady Memorial" in hospital.body, "the office needs to know where"
    assert "Insulin" not in hospital.body


@pytest.mark.django_db
def test_an_approved_incident_is_told_without_protection_details(atl, atl_officer, dc_protection):
    case, _people = family_on_flight(atl, size=1)
    case.agency_office = office()
    case.save()
    report = submitted_incident(atl, case=case, narrative="Secret narrative")
    decide_incident(atl_officer, report, approve=True)
    sensitive = submitted_incident(atl, case=case, category="protection", narrative="PSEA details")
    # A protection report is decided by the office's protection focal point (issue 19).
    decide_incident(dc_protection, sensitive, approve=True)
    ordinary, protection = to_agency()
    assert "Secret narrative" not in ordinary.body
    assert report.get_category_display() in ordinary.body
    assert "PSEA" not in protection.body and "Protection" not in protection.body
    assert "will contact you about it directly" in protection.body


@pytest.mark.django_db
def test_the_outbox_keeps_one_addressee_and_outside_messages_restricted(atl, atl_associate):
    from django.db import IntegrityError, transaction

    from poe_ops.services.notifications import notify

    context = {"summary": "x", "details": [], "path": ""}
    with pytest.raises(ValueError, match="one user or to one outside address"):
        notify(
            "agency", atl, None, "x", context, recipient=atl_associate, recipient_email="a@b.org"
        )
    sent = notify("agency", atl, None, "x", context, recipient_email="a@b.org")
    assert sent is not None and sent.restricted, "an outside addressee's message is restricted"
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=sent.pk).update(restricted=False)
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.filter(pk=sent.pk).update(recipient=atl_associate)
