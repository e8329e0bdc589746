"""Moving people through the arrival steps: the rules, a repeated tap, undo, a whole case,
and who may do it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404

from arrivals.models import StepEvent
from arrivals.services.checkin import move_case, move_individual
from arrivals.services.undo import undo_step
from cases.models import Case
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from poe_ops.refusals import Refusal
from poe_ops.services.audit import current_request_id, log_action
from tests.factories import IndividualFactory
from tests.scenarios import THROUGH_CUSTOMS, family_on_flight, receiver_named, walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(atl):
    return IndividualFactory.create(case__port=atl, given_names="Amina", surname="Karimi")


def test_it_moves_a_person_and_records_the_event_and_the_audit(atl_associate, person):
    result = move_individual(
        atl_associate, person.pk, "met", idempotency_key=new_key(), device="iPad"
    )
    assert result.accepted
    person.refresh_from_db()
    assert person.current_step == "met"
    assert person.current_step_at == result.event.at
    event = StepEvent.objects.get()
    assert (event.from_step, event.to_step, event.actor, event.device) == (
        "expected",
        "met",
        atl_associate,
        "iPad",
    )
    audit = AuditEvent.objects.get(action="poe.individual.step.met")
    assert audit.changes == {"current_step": ["expected", "met"]}
    assert audit.port == person.case.port


def test_the_taps_one_statement_writes_the_audit_event_log_action_writes(atl_associate, person):
    """The tap writes its step event, the person and the audit event in one statement (issue
    20): the audit row is the one ``log_action`` writes for the same change, field by field."""
    token = current_request_id.set("tap-request-1")
    try:
        result = move_individual(
            atl_associate, person.pk, "met", idempotency_key=new_key(), device="iPad"
        )
        expected = log_action(
            atl_associate,
            "poe.individual.step.met",
            person,
            port=person.case.port,
            changes={"current_step": ["expected", "met"]},
            data={"step_event": result.event.pk, "device": "iPad"},
        )
    finally:
        current_request_id.reset(token)
    columns = [
        "actor",
        "action",
        "content_type",
        "object_id",
        "object_repr",
        "port",
        "changes",
        "data",
        "request_id",
    ]
    tapped = AuditEvent.objects.exclude(pk=expected.pk).get(action="poe.individual.step.met")
    written = AuditEvent.objects.filter(pk=tapped.pk).values(*columns).get()
    by_log_action = AuditEvent.objects.filter(pk=expected.pk).values(*columns).get()
    assert written == by_log_action
    assert written["data"] == {"step_event": result.event.pk, "device": "iPad"}
    assert written["object_repr"] == "Amina Karimi"
    assert written["request_id"] == "tap-request-1"


def test_the_case_status_written_with_the_tap_is_the_one_sync_writes(atl_associate, person):
    """The first of a family met: the case goes to "in progress" in the tap's own statement
    (issue 20), with the audit event ``log_action`` writes for it, field by field."""
    case = person.case
    assert case.status == Case.Status.EXPECTED
    token = current_request_id.set("tap-request-2")
    try:
        move_individual(atl_associate, person.pk, "met", idempotency_key=new_key())
        expected = log_action(
            atl_associate,
            "poe.case.status",
            case,
            changes={"status": [Case.Status.EXPECTED, Case.Status.IN_PROGRESS]},
        )
    finally:
        current_request_id.reset(token)
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    columns = ["actor", "action", "content_type", "object_id", "object_repr", "port"]
    columns += ["changes", "data", "request_id"]
    tapped = AuditEvent.objects.exclude(pk=expected.pk).get(action="poe.case.status")
    written = AuditEvent.objects.filter(pk=tapped.pk).values(*columns).get()
    assert written == AuditEvent.objects.filter(pk=expected.pk).values(*columns).get()
    assert written["changes"] == {"status": ["expected", "in_progress"]}
    # Recorded after the person's step, as when the case's status was written after it.
    step = AuditEvent.objects.get(action="poe.individual.step.met")
    assert step.at <= tapped.at


def _updates_of(table: str) -> tuple[int, int]:
    """This transaction's updates of ``table``, and how many of them were HOT (no index
    touched), as PostgreSQL counts them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT n_tup_upd, n_tup_hot_upd FROM pg_stat_xact_user_tables WHERE relname = %s",
            [table],
        )
        row = cursor.fetchone()
    return (row[0], row[1]) if row else (0, 0)


def test_a_tap_updates_the_person_without_touching_an_index(atl_associate, person):
    """Issue 20: the person's step is not indexed, so the tap's update of their row is a HOT
    update and none of the table's indexes is written (cases 0014)."""
    assert connection.vendor == "postgresql"
    before = _updates_of("cases_individual")
    for step in ("met", "cbp_secondary", "cbp_cleared"):
        assert move_individual(atl_associate, person.pk, step, idempotency_key=new_key()).accepted
    updated, hot = (
        now - then for now, then in zip(_updates_of("cases_individual"), before, strict=True)
    )
    assert updated == 3
    assert hot == 3


def test_it_refuses_handed_over_before_met_and_records_the_refusal(atl_associate, person):
    result = move_individual(atl_associate, person.pk, "handed_over", idempotency_key=new_key())
    assert not result.accepted
    assert result.message == "Cannot mark handed over yet: met comes first (now: expected)."
    person.refresh_from_db()
    assert person.current_step == "expected"
    event = StepEvent.objects.get()
    assert not event.accepted
    assert event.refusal_reason == result.message
    assert not AuditEvent.objects.filter(action__startswith="poe.individual.step").exists()


def test_a_repeated_tap_records_one_event_and_gives_the_same_result(atl_associate, person):
    tap = new_key()
    first = move_individual(atl_associate, person.pk, "met", idempotency_key=tap)
    again = move_individual(atl_associate, person.pk, "met", idempotency_key=tap)
    assert again.repeated and again.accepted
    assert again.event.pk == first.event.pk
    assert again.message == first.message
    assert StepEvent.objects.count() == 1
    assert AuditEvent.objects.filter(action="poe.individual.step.met").count() == 1


def test_a_key_reused_for_another_move_is_refused_and_changes_nothing(atl_associate, person):
    tap = new_key()
    move_individual(atl_associate, person.pk, "met", idempotency_key=tap)
    with pytest.raises(Refusal, match="already used for another move"):
        move_individual(atl_associate, person.pk, "no_show", idempotency_key=tap)
    assert StepEvent.objects.count() == 1


def test_an_unknown_step_or_missing_key_is_refused_and_records_nothing(atl_associate, person):
    with pytest.raises(Refusal, match="not an arrival step"):
        move_individual(atl_associate, person.pk, "teleported", idempotency_key=new_key())
    with pytest.raises(Refusal, match="idempotency key"):
        move_individual(atl_associate, person.pk, "met", idempotency_key="")
    assert not StepEvent.objects.exists()


def test_a_second_tablet_is_told_who_already_moved_the_person(atl_associate, atl_senior, person):
    atl_associate.first_name, atl_associate.last_name = "Grace", "Okafor"
    atl_associate.save()
    move_individual(atl_associate, person.pk, "met", idempotency_key=new_key())
    late = move_individual(atl_senior, person.pk, "met", idempotency_key=new_key())
    assert not late.accepted
    assert late.message.startswith("Already met — recorded by Grace Okafor at ")


def test_it_updates_the_case_status_as_people_move(atl_associate, atl):
    case, people = family_on_flight(atl, size=2)
    for p in people:
        move_individual(atl_associate, p.pk, "met", idempotency_key=new_key())
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS
    walk(atl_associate, case, THROUGH_CUSTOMS[1:])
    receiver_named(atl_associate, people)
    move_individual(atl_associate, people[0].pk, "handed_over", idempotency_key=new_key())
    move_individual(atl_associate, people[1].pk, "hotel", idempotency_key=new_key())
    case.refresh_from_db()
    assert case.status == Case.Status.IN_PROGRESS, "a night at the hotel is not the end"
    move_individual(atl_associate, people[1].pk, "handed_over", idempotency_key=new_key())
    case.refresh_from_db()
    assert case.status == Case.Status.COMPLETED


def test_a_jfk_associate_gets_404_on_an_atl_person(jfk_associate, person):
    with pytest.raises(Http404):
        move_individual(jfk_associate, person.pk, "met", idempotency_key=new_key())
    assert not StepEvent.objects.exists()


def test_hq_may_view_but_not_move_people(dc_ops, person):
    with pytest.raises(PermissionDenied):
        move_individual(dc_ops, person.pk, "met", idempotency_key=new_key())


# Undo


def _met(user, person):
    return move_individual(user, person.pk, "met", idempotency_key=new_key()).event


def test_the_author_can_undo_within_ten_minutes(atl_associate, person):
    event = _met(atl_associate, person)
    result = undo_step(atl_associate, event.pk, idempotency_key=new_key())
    assert result.accepted
    assert result.event.undoes == event
    assert (result.event.from_step, result.event.to_step) == ("met", "expected")
    person.refresh_from_db()
    assert person.current_step == "expected"
    assert StepEvent.objects.filter(pk=event.pk).exists(), "the original is kept"
    assert AuditEvent.objects.filter(action="poe.individual.step.undo").count() == 1


def test_a_senior_can_undo_an_associates_step(atl_associate, atl_senior, person):
    event = _met(atl_associate, person)
    assert undo_step(atl_senior, event.pk, idempotency_key=new_key()).accepted


def test_another_associate_cannot_undo_it(atl_associate, atl, person):
    from poe_ops.roles import Role
    from tests.factories import make_port_user

    colleague = make_port_user("atl.colleague", atl, Role.ASSOCIATE)
    event = _met(atl_associate, person)
    result = undo_step(colleague, event.pk, idempotency_key=new_key())
    assert not result.accepted
    assert "or a senior associate can undo it" in result.message
    person.refresh_from_db()
    assert person.current_step == "met"


def test_undo_is_refused_after_ten_minutes(atl_associate, person):
    event = _met(atl_associate, person)
    StepEvent.objects.filter(pk=event.pk).update(at=event.at - dt.timedelta(minutes=11))
    result = undo_step(atl_associate, event.pk, idempotency_key=new_key())
    assert not result.accepted
    assert result.message.startswith("Too late to undo")
    person.refresh_from_db()
    assert person.current_step == "met"


def test_only_the_latest_step_can_be_undone(atl_associate, person):
    met = _met(atl_associate, person)
    move_individual(atl_associate, person.pk, "cbp_cleared", idempotency_key=new_key())
    result = undo_step(atl_associate, met.pk, idempotency_key=new_key())
    assert not result.accepted
    assert "Only the latest step can be undone" in result.message


def test_a_repeated_undo_undoes_once(atl_associate, person):
    met = _met(atl_associate, person)
    tap = new_key()
    first = undo_step(atl_associate, met.pk, idempotency_key=tap)
    again = undo_step(atl_associate, met.pk, idempotency_key=tap)
    assert again.repeated and again.event.pk == first.event.pk
    assert StepEvent.objects.filter(undoes=met).count() == 1


def test_a_jfk_associate_gets_404_on_undoing_an_atl_step(atl_associate, jfk_associate, person):
    met = _met(atl_associate, person)
    with pytest.raises(Http404):
        undo_step(jfk_associate, met.pk, idempotency_key=new_key())


# Whole case


def test_one_tap_moves_a_whole_family(atl_associate, atl):
    case, _people = family_on_flight(atl, size=4)
    result = move_case(atl_associate, case.pk, "met", idempotency_key=new_key())
    assert len(result.moved) == 4 and not result.not_moved
    assert {p.current_step for p in case.individuals.all()} == {"met"}
    assert StepEvent.objects.filter(accepted=True).count() == 4


def test_a_whole_case_tap_skips_who_it_makes_no_sense_for_and_says_why(atl_associate, atl):
    case, people = family_on_flight(atl, size=3)
    move_individual(atl_associate, people[0].pk, "no_show", idempotency_key=new_key())
    result = move_case(atl_associate, case.pk, "cbp_cleared", idempotency_key=new_key())
    assert result.moved == []
    result = move_case(atl_associate, case.pk, "met", idempotency_key=new_key())
    assert len(result.moved) == 3  # a no-show who turns up can be met
    move_individual(
        atl_associate,
        people[1].pk,
        "hospital",
        idempotency_key=new_key(),
        detail={"hospital": "Grady Memorial"},
    )
    result = move_case(atl_associate, case.pk, "cbp_cleared", idempotency_key=new_key())
    assert [r.individual for r in result.moved] == [people[0], people[2]]
    assert [
        (p, "Cannot go from hospital to admitted by CBP." in why) for p, why in result.not_moved
    ] == [(people[1], True)]


def test_a_repeated_whole_case_tap_moves_nobody_twice(atl_associate, atl):
    case, _ = family_on_flight(atl, size=3)
    tap = new_key()
    move_case(atl_associate, case.pk, "met", idempotency_key=tap)
    again = move_case(atl_associate, case.pk, "met", idempotency_key=tap)
    assert again.repeated and len(again.moved) == 3
    assert StepEvent.objects.count() == 3


def test_a_whole_case_tap_can_be_limited_to_the_people_on_a_flight(atl_associate, atl):
    case, people = family_on_flight(atl, size=3)
    result = move_case(
        atl_associate, case.pk, "met", idempotency_key=new_key(), only=[people[0].pk]
    )
    assert [r.individual for r in result.moved] == [people[0]]


def test_a_jfk_associate_gets_404_on_moving_an_atl_case(jfk_associate, atl):
    case, _ = family_on_flight(atl, size=2)
    with pytest.raises(Http404):
        move_case(jfk_associate, case.pk, "met", idempotency_key=new_key())
