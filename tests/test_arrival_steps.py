"""The arrival path from the jet bridge to the domestic departure: every move the rules refuse,
in words; the optional steps a port does not use; what the steps that carry details accept."""

from __future__ import annotations

import pytest

from arrivals.models import StepEvent
from arrivals.services.checkin import move_case, move_individual
from cases.step_details import check_detail
from cases.steps import allowed_moves, in_words, next_step, refusal_reason, skipped_at
from poe_ops.keys import new_key
from poe_ops.refusals import Refusal
from tests.scenarios import THROUGH_CUSTOMS, family_on_flight, receiver_named, walk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("current", "target", "first", "now"),
    [
        ("expected", "cbp_cleared", "met", "expected"),
        ("met", "bags_claimed", "admitted by CBP", "met"),
        ("cbp_secondary", "customs_cleared", "admitted by CBP", "in CBP secondary"),
        ("cbp_cleared", "customs_cleared", "bags claimed", "admitted by CBP"),
        ("cbp_cleared", "handed_over", "bags claimed", "admitted by CBP"),
        ("bags_claimed", "at_gate", "through customs", "bags claimed"),
        ("customs_cleared", "departed", "bags re-checked", "through customs"),
        ("bags_rechecked", "at_gate", "boarding pass issued", "bags re-checked"),
        ("hotel", "departed", "bags re-checked", "to hotel overnight"),
        ("refused_admission", "bags_claimed", "admitted by CBP", "refused admission"),
    ],
)
def test_a_step_ahead_of_the_path_is_refused_naming_what_comes_first(current, target, first, now):
    wanted = in_words(target)
    assert refusal_reason(current, target) == (
        f"Cannot mark {wanted} yet: {first} comes first (now: {now})."
    )


@pytest.mark.parametrize(
    ("current", "target", "reason"),
    [
        ("at_gate", "met", "Cannot go from at gate to met. Undo the last step if it was a "
         "mistake."),
        ("departed", "at_gate", "Departed is final; nothing follows it. Undo the last step if it "
         "was a mistake."),
        ("handed_over", "hotel", "Handed over is final; nothing follows it. Undo the last step "
         "if it was a mistake."),
        ("met", "met", "Already met."),
    ],
)  # fmt: skip
def test_a_step_back_a_final_step_or_the_same_step_is_refused_in_words(current, target, reason):
    assert refusal_reason(current, target) == reason


@pytest.mark.parametrize(
    ("current", "target"),
    [
        ("expected", "hospital"),  # the ambulance met the aircraft
        ("met", "cbp_secondary"),
        ("cbp_secondary", "cbp_cleared"),
        ("cbp_secondary", "deferred_inspection"),
        ("cbp_secondary", "refused_admission"),
        ("refused_admission", "detained"),
        ("detained", "cbp_cleared"),
        ("deferred_inspection", "bags_claimed"),
        ("customs_cleared", "hotel"),
        ("hotel", "bags_rechecked"),  # the next morning's connection
        ("at_gate", "needs_rebooking"),
        ("needs_rebooking", "boarding_pass"),  # rebooked: on from where it stopped
        ("hospital", "hotel"),  # after discharge
        ("hospital", "needs_rebooking"),
    ],
)
def test_the_real_paths_are_open(current, target):
    assert refusal_reason(current, target) == ""


def test_a_port_without_a_separate_customs_tap_steps_over_it(atl):
    atl.customs_step = False
    atl.save()
    skipped = skipped_at(atl)
    assert skipped == {"customs_cleared"}
    assert {"handed_over", "bags_rechecked", "hotel"} <= allowed_moves("bags_claimed", skipped)
    assert refusal_reason("bags_claimed", "customs_cleared", skipped) == (
        "This port does not use the “Through customs” step; tap the step after it."
    )
    assert next_step("bags_claimed", skipped, connecting=True) == "bags_rechecked"
    assert next_step("bags_claimed", skipped, connecting=False) == "handed_over"


def test_a_port_skipping_recheck_and_boarding_pass_goes_from_customs_to_security():
    skipped = frozenset({"bags_rechecked", "boarding_pass"})
    assert "through_security" in allowed_moves("customs_cleared", skipped)
    assert next_step("customs_cleared", skipped) == "through_security"
    assert next_step("hotel", skipped) == "through_security"


def test_the_big_button_follows_the_persons_route():
    assert next_step("customs_cleared", connecting=True) == "bags_rechecked"
    assert next_step("customs_cleared", connecting=False) == "handed_over"
    assert next_step("at_gate") == "departed"
    assert next_step("departed") == ""


def test_the_tablet_refuses_customs_at_a_port_that_has_none(atl, atl_associate):
    atl.customs_step = False
    atl.save()
    case, (person,) = family_on_flight(atl, size=1)
    walk(atl_associate, case, ["met", "cbp_cleared", "bags_claimed"])
    refused = move_individual(
        atl_associate, person.pk, "customs_cleared", idempotency_key=new_key()
    )
    assert not refused.accepted and "does not use" in refused.message
    receiver_named(atl_associate, [person])  # handing over names the receiver (issue 15)
    done = move_individual(atl_associate, person.pk, "handed_over", idempotency_key=new_key())
    assert done.accepted


def test_a_person_sent_to_secondary_is_cleared_later_while_the_family_goes_on(atl, atl_associate):
    case, people = family_on_flight(atl, size=3)
    walk(atl_associate, case, ["met"])
    sent = move_individual(atl_associate, people[1].pk, "cbp_secondary", idempotency_key=new_key())
    result = move_case(atl_associate, case.pk, "cbp_cleared", idempotency_key=new_key())
    assert len(result.moved) == 3, "secondary is routine: admitted from there too"
    assert sent.event.at < result.moved[1].event.at, "secondary has its own time"


# What a step carries


def test_bags_claimed_needs_a_count_and_keeps_tags_and_the_lost_bag_report():
    assert check_detail("bags_claimed", {"bags": "5", "tags": "0006123456 dl123456"}) == {
        "bags": 5,
        "tags": ["0006123456", "DL123456"],
    }
    assert check_detail("bags_claimed", {"bags": 4, "missing": 1, "pir": "atl dl 12345"}) == {
        "bags": 4,
        "missing": 1,
        "pir": "ATLDL12345",
    }


@pytest.mark.parametrize(
    ("detail", "field", "words"),
    [
        ({}, "bags", "Bags claimed: a whole number from 0 to 40."),
        ({"bags": "-1"}, "bags", "Bags claimed: a whole number from 0 to 40."),
        ({"bags": "41"}, "bags", "Bags claimed: a whole number from 0 to 40."),
        ({"bags": 2, "missing": 1}, "pir", "property irregularity report number"),
        ({"bags": 2, "missing": 1, "pir": "LOST-1"}, "pir", "“LOST-1” is not a report number"),
        ({"bags": 2, "pir": "ATLDL12345"}, "missing", "say how many bags the report is for"),
        ({"bags": 1, "tags": "12345"}, "tags", "12345 is not a bag tag number"),
        ({"bags": 1, "tags": "0006123456 0006123457"}, "tags", "2 tags for 1 bags"),
    ],
)
def test_bags_claimed_refuses_what_makes_no_sense_naming_the_field(detail, field, words):
    with pytest.raises(Refusal) as refused:
        check_detail("bags_claimed", detail)
    assert refused.value.field == field
    assert words in str(refused.value)


def test_hospital_needs_the_hospital_and_may_name_who_goes_along():
    with pytest.raises(Refusal, match="Hospital: this is needed"):
        check_detail("hospital", {"accompanied_by": "Farid"})
    assert check_detail("hospital", {"hospital": " Grady  Memorial ", "accompanied_by": ""}) == {
        "hospital": "Grady Memorial"
    }


def test_a_step_without_details_takes_none():
    with pytest.raises(Refusal, match="Through customs takes no details"):
        check_detail("customs_cleared", {"bags": 3})


def test_a_tap_with_a_bad_detail_records_nothing(atl, atl_associate):
    case, (person,) = family_on_flight(atl, size=1)
    walk(atl_associate, case, ["met", "cbp_cleared"])
    with pytest.raises(Refusal, match="Bags claimed"):
        move_individual(
            atl_associate, person.pk, "bags_claimed", idempotency_key=new_key(), detail={}
        )
    assert StepEvent.objects.filter(to_step="bags_claimed").count() == 0


def test_met_records_where_the_port_meets_people(atl, atl_associate):
    atl.meeting_point = "gate"
    atl.save()
    _case, (person,) = family_on_flight(atl, size=1)
    met = move_individual(atl_associate, person.pk, "met", idempotency_key=new_key())
    assert met.event.detail == {"where": "gate"}
    assert met.event.detail_text == "at the gate"


def test_the_family_bag_count_goes_on_everyones_event(atl, atl_associate):
    case, _people = family_on_flight(atl, size=3)
    walk(atl_associate, case, THROUGH_CUSTOMS[:2])
    move_case(
        atl_associate,
        case.pk,
        "bags_claimed",
        idempotency_key=new_key(),
        detail={"bags": 5, "tags": "0006111111 0006222222"},
    )
    details = list(
        StepEvent.objects.filter(to_step="bags_claimed").values_list("detail", flat=True)
    )
    assert details == [{"bags": 5, "tags": ["0006111111", "0006222222"]}] * 3
