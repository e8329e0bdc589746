"""Two tablets at once, against PostgreSQL with real concurrent connections."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from arrivals.models import StepEvent
from arrivals.services.checkin import move_individual
from poe_ops.keys import new_key
from tests.concurrency import run_together
from tests.factories import IndividualFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("attempt", range(3))
def test_two_tablets_sending_the_same_key_make_one_event(atl, atl_associate, attempt):
    person = IndividualFactory.create(case__port=atl)
    tap = new_key()
    results = run_together(
        lambda: move_individual(atl_associate, person.pk, "met", idempotency_key=tap),
        lambda: move_individual(atl_associate, person.pk, "met", idempotency_key=tap),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert StepEvent.objects.count() == 1
    assert {r.event.pk for r in results} == {StepEvent.objects.get().pk}
    assert all(r.accepted for r in results)
    assert sorted(r.repeated for r in results) == [False, True]


@pytest.mark.parametrize("attempt", range(5))
def test_two_tablets_meeting_the_same_person_make_one_accepted_event(
    atl, atl_associate, atl_senior, attempt
):
    person = IndividualFactory.create(case__port=atl)
    results = run_together(
        lambda: move_individual(atl_associate, person.pk, "met", idempotency_key=new_key()),
        lambda: move_individual(atl_senior, person.pk, "met", idempotency_key=new_key()),
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert StepEvent.objects.filter(accepted=True).count() == 1
    refused = [r for r in results if not r.accepted]
    assert len(refused) == 1
    assert refused[0].message.startswith("Already met — recorded by ")
    person.refresh_from_db()
    assert person.current_step == "met"


def test_a_tap_in_one_family_never_waits_for_another_family_at_the_same_port(atl, atl_associate):
    """Taps lock their own case and person only: a slow tap on one family (held open here)
    must not hold up the tablet meeting another family at the same port."""
    from django.db import transaction

    from arrivals.services.locks import lock_case_and_people

    held, other = (IndividualFactory.create(case__port=atl) for _ in range(2))
    locked, release = threading.Event(), threading.Event()

    def slow_tap() -> None:
        try:
            with transaction.atomic():
                lock_case_and_people(held.case_id, [held.pk])
                locked.set()
                release.wait(timeout=10)
        finally:
            connection.close()

    holder = threading.Thread(target=slow_tap)
    holder.start()
    try:
        assert locked.wait(timeout=10)

        def quick_tap() -> Any:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '2s'")
            return move_individual(atl_associate, other.pk, "met", idempotency_key=new_key())

        (result,) = run_together(quick_tap)
        assert not isinstance(result, Exception), result
        assert result.accepted
    finally:
        release.set()
        holder.join(timeout=10)
