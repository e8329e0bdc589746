"""What is notified: each arrival event writes its notification, and nothing else does."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from arrivals.services.checkin import move_case, move_individual
from arrivals.services.flights import update_flight
from arrivals.services.undo import undo_step
from poe_ops.keys import new_key
from poe_ops.models import Notification
from tests.factories import FlightFactory
from tests.scenarios import (
    THROUGH_CUSTOMS,
    TO_THE_GATE,
    family_on_flight,
    onward,
    receiver_named,
    walk,
)

pytestmark = pytest.mark.django_db
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def _cleared(atl, user, size=2, **fields):
    case, people = family_on_flight(atl, size=size, **fields)
    walk(user, case, THROUGH_CUSTOMS)
    return case, people


def _kinds():
    return list(Notification.objects.order_by("id").values_list("kind", flat=True))


def test_it_notifies_arrival_once_when_the_whole_case_is_handed_over(atl, atl_senior):
    case, people = _cleared(atl, atl_senior)
    receiver_named(atl_senior, people)
    move_individual(atl_senior, people[0].pk, "handed_over", idempotency_key=new_key())
    assert _kinds() == [], "not while someone is still in the hall"
    last = move_individual(atl_senior, people[1].pk, "handed_over", idempotency_key=new_key())
    (notice,) = Notification.objects.all()
    assert notice.kind == "arrival" and notice.port == atl and notice.office.code == "DC"
    assert notice.subject == f"ATL · Arrival: case {case.case_number} handed over"
    assert notice.object_id == str(case.pk) and notice.state == "pending"
    undo_step(atl_senior, last.event.pk, idempotency_key=new_key())
    move_individual(atl_senior, people[1].pk, "handed_over", idempotency_key=new_key())
    assert _kinds() == ["arrival"], "an undo and redo does not report the arrival again"


def test_a_connection_reaches_hq_as_departed_with_its_flight_not_at_the_gate(atl, atl_senior):
    case, _people = family_on_flight(atl, size=2)
    leg = onward(case, dt.datetime.now(dt.UTC) + dt.timedelta(hours=2), number="1720")
    walk(atl_senior, case, TO_THE_GATE)
    assert _kinds() == [], "at the gate is not an arrival"
    leg.status, leg.actual_departure = "departed", dt.datetime.now(dt.UTC)
    leg.save()
    walk(atl_senior, case, ["departed"])
    (notice,) = Notification.objects.all()
    assert notice.kind == "arrival"
    assert notice.subject == f"ATL · Arrival: case {case.case_number} departed on DL1720"
    assert "departed on their connection on DL1720" in notice.body


def test_it_notifies_transit_once_per_case_and_night(atl, atl_senior):
    case, _ = _cleared(atl, atl_senior, size=3)
    move_case(atl_senior, case.pk, "hotel", idempotency_key=new_key())
    (notice,) = Notification.objects.all()
    assert notice.kind == "transit"
    assert notice.subject == f"ATL · Transit: case {case.case_number} to hotel overnight"


def test_it_notifies_every_hospital_admission_with_the_hospital_and_who_went(atl, atl_senior):
    case, people = _cleared(atl, atl_senior, given_names="Amina", surname="Haidari")
    for person, with_them in zip(people, ("Farid (IOM)", ""), strict=True):
        move_individual(
            atl_senior,
            person.pk,
            "hospital",
            idempotency_key=new_key(),
            detail={"hospital": "Grady Memorial Hospital", "accompanied_by": with_them},
        )
    notices = list(Notification.objects.order_by("id"))
    expected = (
        f"ATL · Emergency: Amina Haidari taken to Grady Memorial Hospital (case {case.case_number})"
    )
    assert [n.subject for n in notices] == [expected, expected]
    assert _kinds() == ["emergency", "emergency"]
    assert "Accompanied by: Farid (IOM)" in notices[0].body
    assert "Accompanied by: nobody named" in notices[1].body


def test_an_ambulance_at_the_aircraft_takes_someone_still_expected_to_hospital(atl, atl_senior):
    _case, (person,) = family_on_flight(atl, size=1)
    result = move_individual(
        atl_senior,
        person.pk,
        "hospital",
        idempotency_key=new_key(),
        detail={"hospital": "Grady", "accompanied_by": "Cabin crew"},
    )
    assert result.accepted and result.event.from_step == "expected"
    assert "Step before: Expected" in Notification.objects.get().body


def test_cbp_secondary_is_routine_and_tells_nobody(atl, atl_senior):
    case, _people = family_on_flight(atl, size=1, given_names="Amina", surname="Haidari")
    walk(atl_senior, case, ["met", "cbp_secondary", "cbp_cleared"])
    assert _kinds() == []


@pytest.mark.parametrize(
    ("step", "words"),
    [("refused_admission", "refused admission by CBP"), ("detained", "detained by CBP")],
)
def test_refused_admission_and_detention_are_emergencies(atl, atl_senior, step, words):
    case, _people = family_on_flight(atl, size=1, given_names="Amina", surname="Haidari")
    walk(atl_senior, case, ["met", "cbp_secondary", step])
    notice = Notification.objects.get()
    assert notice.kind == "emergency"
    assert notice.subject == f"ATL · Emergency: Amina Haidari {words} (case {case.case_number})"
    assert "Amina Haidari" in notice.body and "ATL time" in notice.body


def test_it_notifies_a_rebooking(atl, atl_senior):
    _case, people = family_on_flight(atl, size=1)
    move_individual(atl_senior, people[0].pk, "rebooked", idempotency_key=new_key())
    assert _kinds() == ["rebooking"]


def test_ordinary_steps_and_a_repeated_tap_notify_nothing(atl, atl_senior):
    case, _people = family_on_flight(atl, size=2)
    tap = new_key()
    move_case(atl_senior, case.pk, "met", idempotency_key=tap)
    move_case(atl_senior, case.pk, "met", idempotency_key=tap)
    move_case(atl_senior, case.pk, "cbp_cleared", idempotency_key=new_key())
    assert _kinds() == []


@pytest.fixture
def flight(atl):
    day = atl.local_today()
    due = dt.datetime.combine(day, dt.time(14, 30), tzinfo=NEW_YORK)
    return FlightFactory.create(
        port=atl, carrier="QR", number="747", scheduled_date=day, scheduled_arrival=due
    )


def test_a_delay_notifies_flight_change(atl, atl_senior, flight):
    update_flight(
        atl_senior, flight, status="delayed", estimated_arrival="15:10", actual_arrival=""
    )
    notice = Notification.objects.get()
    assert notice.kind == "flight_change"
    assert notice.subject.startswith("ATL · Flight change: QR747") and "delayed" in notice.subject
    assert "15:10" in notice.body


def test_a_cancellation_notifies_flight_change(atl, dc_ops, flight):
    update_flight(dc_ops, flight, status="cancelled", estimated_arrival=None, actual_arrival=None)
    assert _kinds() == ["flight_change"]


def test_an_estimate_moved_by_30_minutes_notifies_and_a_smaller_one_does_not(
    atl, atl_senior, flight
):
    update_flight(
        atl_senior, flight, status="scheduled", estimated_arrival="14:50", actual_arrival=""
    )
    assert _kinds() == []
    update_flight(
        atl_senior, flight, status="scheduled", estimated_arrival="15:20", actual_arrival=""
    )
    notice = Notification.objects.get()
    assert "now expected 15:20" in notice.subject


def test_a_landing_notifies_nothing(atl, atl_senior, flight):
    flight.scheduled_arrival -= dt.timedelta(days=1)
    flight.save()
    update_flight(atl_senior, flight, status="landed", estimated_arrival=None, actual_arrival="")
    assert _kinds() == []


def test_another_ports_staff_cannot_cause_a_notification(atl, jfk_officer, flight):
    from django.http import Http404

    with pytest.raises(Http404):
        update_flight(
            jfk_officer, flight, status="delayed", estimated_arrival=None, actual_arrival=None
        )
    assert _kinds() == []
