"""How PostgreSQL runs a tap (issue 20): repeated statements prepared once per connection, and
the tap's own transaction — begun with its plan setting in one round trip — planned once for
all, while every other statement is still planned for its own values. Against real
transactions (``transaction=True``): a test's own transaction would hide both."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from arrivals.models import StepEvent
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent
from poe_ops.planning import atomic_planned_once
from tests.factories import CaseFactory, FlightFactory, IndividualFactory, SegmentFactory
from tests.htmx import HTMX
from tests.scenarios import onward

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.local_clock("America/New_York", "11:00"),
]


def plan_cache_mode() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode')")
        (mode,) = cursor.fetchone()
    return str(mode)


def test_only_the_taps_transaction_plans_once():
    assert plan_cache_mode() == "force_custom_plan"  # every statement, for its own values
    with atomic_planned_once():
        assert plan_cache_mode() == "force_generic_plan"
        with transaction.atomic():  # a savepoint inside changes nothing
            assert plan_cache_mode() == "force_generic_plan"
    assert plan_cache_mode() == "force_custom_plan"  # gone with the commit


def test_inside_a_callers_transaction_nothing_is_changed():
    with transaction.atomic():
        with atomic_planned_once():
            assert plan_cache_mode() == "force_custom_plan"
        assert plan_cache_mode() == "force_custom_plan"


def test_a_failure_inside_rolls_back_and_the_connection_goes_on(atl):
    before = AuditEvent.objects.count()
    with pytest.raises(RuntimeError), atomic_planned_once():
        AuditEvent.objects.create(action="poe.test.planning", port=atl)
        raise RuntimeError("the tap failed")
    assert AuditEvent.objects.count() == before  # nothing of it stays
    assert plan_cache_mode() == "force_custom_plan"


def test_a_statement_sent_again_is_prepared(atl):
    """psycopg prepares a statement a connection sends a fifth time (``prepare_threshold``),
    so PostgreSQL parses it once per connection. Django turns that off unless asked."""
    for _ in range(6):
        list(StepEvent.objects.filter(port=atl, to_step="met")[:1])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "arrivals_stepevent"%"to_step" = $%'],
        )
        (prepared,) = cursor.fetchone()
    assert prepared == 1


def test_a_tap_on_a_flight_page_reads_its_answer_before_it_commits(client, atl, atl_associate):
    """The answer's read of the case's journey runs in the tap's transaction (planned once with
    it): the onward leg is in the reply, and recorded with the step and its audit event."""
    now = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    flight = FlightFactory.create(port=atl, carrier="QR", number="747", scheduled_arrival=now)
    case = CaseFactory.create(port=atl)
    person = IndividualFactory.create(case=case)
    SegmentFactory.create(case=case, flight=flight)
    onward(case, now + dt.timedelta(hours=3), number="1234", destination="DTW")
    client.force_login(atl_associate)
    data = {"step": "met", "key": new_key(), "view": "flight", "flight": flight.pk}
    with CaptureQueriesContext(connection) as queries:
        answer = client.post(f"/ports/ATL/individuals/{person.pk}/step/", data, **HTMX)
    assert answer.status_code == 200
    assert 'data-leg="DL1234"' in answer.content.decode()
    statements = [query["sql"] for query in queries.captured_queries]
    onward_read = next(i for i, sql in enumerate(statements) if '"arrivals_segment"' in sql)
    assert statements.index("COMMIT") > onward_read
    event = StepEvent.objects.get(individual=person)
    assert (event.to_step, event.accepted) == ("met", True)
    assert AuditEvent.objects.for_object(person).filter(action="poe.individual.step.met").exists()
