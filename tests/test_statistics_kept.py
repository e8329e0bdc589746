"""The statistics read on PostgreSQL from ``arrivals.Landing`` (one narrow row per person and
landing, kept by the database in the same transaction as the facts: migration arrivals 0011)
stay the straightforward count of the facts (``counting=PYTHON``) after each thing that changes
them, done the way the application does it: a manifest imported, taps and an undo, a flight
landing late, a rebooking, a case moved to another port by a newer ABN version, a person taken
off the ABN, a case cancelled — and ``manage.py rebuild_landings`` repairs a row gone wrong."""

from __future__ import annotations

import datetime as dt
import uuid
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from arrivals.models import ImportBatch, Landing, Segment
from arrivals.services.checkin import move_individual
from arrivals.services.flights import update_flight
from arrivals.services.manifest_import import confirm_import, import_manifest, upload_manifest
from arrivals.services.rebooking import NewFlight, rebook
from arrivals.services.undo import undo_step
from cases.models import Case, Individual
from cases.steps import ArrivalStep
from poe_ops.models import Port
from poe_ops.roles import Role
from reports.queries.periods import CUSTOM, period_of
from reports.queries.statistics.build import PYTHON, SQL, build_statistics
from tests.factories import make_port_user
from tests.manifests import manifest_rows, to_csv, upload
from tests.test_statistics_sql import every_figure

pytestmark = pytest.mark.django_db

DAY = dt.date.today()
PERIOD = period_of(CUSTOM, DAY - dt.timedelta(days=7), last=DAY + dt.timedelta(days=7))


@pytest.fixture
def ewr(reference_data) -> Port:
    return Port.objects.get(iata="EWR")


def _figures(ports: list[Port]) -> dict[str, Any]:
    """The figures as the pages read them, once they are checked against the plain count."""
    kept = every_figure(build_statistics(ports, PERIOD, counting=SQL))
    counted = every_figure(build_statistics(ports, PERIOD, counting=PYTHON))
    assert kept == counted
    return kept


def _manifest(poe: str, version: int, cases: int = 3) -> Any:
    return upload(to_csv(manifest_rows(cases=cases, people_per_case=2, poe=poe, day=DAY,
                                       version=version)))  # fmt: skip


def _tap(user: Any, person_id: int, step: str) -> Any:
    result = move_individual(user, person_id, step, idempotency_key=uuid.uuid4().hex)
    assert result.accepted, result.event.refusal_reason
    return result


def test_every_change_the_application_makes_is_counted_at_once(jfk, ewr, jfk_officer, dc_ops):
    assert connection.vendor == "postgresql"
    ports = [jfk, ewr]
    assert _figures(ports)["total"]["people"] == 0

    batch = import_manifest(jfk_officer, jfk, _manifest("JFK", 1))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert Landing.objects.count() == 6  # three families of two, each on their flight
    assert _figures(ports)["total"]["people"] == 0  # expected, not arrived yet

    first, second, third = Case.objects.order_by("case_number")
    people = list(first.individuals.order_by("pk"))
    met = _tap(jfk_officer, people[0].pk, ArrivalStep.MET)
    _tap(jfk_officer, people[1].pk, ArrivalStep.MET)
    figures = _figures(ports)
    assert (figures["total"]["people"], figures["total"]["cases"]) == (2, 1)
    assert figures["total"]["transits"] == 2  # the first family has a connection

    undo_step(jfk_officer, met.event.pk, idempotency_key=uuid.uuid4().hex)
    assert _figures(ports)["total"]["people"] == 1

    _tap(jfk_officer, people[0].pk, ArrivalStep.NO_SHOW)
    assert _figures(ports)["total"]["no_shows"] == 1

    # The inbound flight is delayed past midnight: the people count on the next local day.
    inbound = Segment.objects.get(case=first, direction=Segment.Direction.INBOUND).flight
    before = _figures(ports)["daily"]
    assert inbound.scheduled_arrival is not None
    late = inbound.scheduled_arrival + dt.timedelta(hours=10)
    update_flight(
        jfk_officer, inbound, status="delayed", estimated_arrival=late, actual_arrival=None
    )
    assert _figures(ports)["daily"] != before

    # The second family's people arrive, then their connection is rebooked.
    for person in second.individuals.all():
        _tap(jfk_officer, person.pk, ArrivalStep.MET)
    onward = Segment.objects.filter(case=first, direction=Segment.Direction.ONWARD).first()
    if onward is not None:
        rebook(
            jfk_officer,
            first,
            segment_id=onward.pk,
            new_flight=NewFlight("DL", "2210", DAY + dt.timedelta(days=1), "BOI"),
            idempotency_key=uuid.uuid4().hex,
            reason="Missed the connection",
        )
    _figures(ports)

    # A newer ABN version moves the third family to Newark (on another flight).
    rows = [r for r in manifest_rows(cases=3, people_per_case=2, poe="EWR", day=DAY, version=2)
            if r["case_number"] == third.case_number]  # fmt: skip
    for row in rows:
        row.update(inbound_flight="UA961", onward_flight="", onward_date="")
        row.update(onward_destination="", onward_departure_local="")
    moving = upload_manifest(dc_ops, ewr, upload(to_csv(rows)))
    assert moving.status == ImportBatch.Status.PREVIEW, moving.errors
    confirm_import(dc_ops, moving)
    ewr_officer = make_port_user("ewr.officer", ewr, Role.OFFICER)
    for person in third.individuals.all():
        _tap(ewr_officer, person.pk, ArrivalStep.MET)
    figures = _figures(ports)
    assert figures["ports"]["EWR"]["people"] == 2

    # Off the ABN, and a case cancelled: no longer counted.
    off = second.individuals.order_by("pk")[0]
    off.removed_in_version = 2
    off.save(update_fields=["removed_in_version"])
    assert _figures(ports)["ports"]["JFK"]["people"] == 2
    Case.objects.filter(pk=third.pk).update(status=Case.Status.CANCELLED)
    assert _figures(ports)["ports"]["EWR"]["people"] == 0
    # Cancelled by mistake: counted again (a status change that is no cancellation, such as
    # a tap's "in progress", leaves the rows as they are: arrivals 0012).
    Case.objects.filter(pk=third.pk).update(status=Case.Status.IN_PROGRESS)
    assert _figures(ports)["ports"]["EWR"]["people"] == 2


def test_rebuilding_the_landings_repairs_a_row_gone_wrong(jfk, jfk_officer):
    import_manifest(jfk_officer, jfk, _manifest("JFK", 1, cases=2))
    person = Individual.objects.order_by("person_number")[0]
    _tap(jfk_officer, person.pk, ArrivalStep.MET)
    right = _figures([jfk])
    Landing.objects.filter(individual=person).update(step=ArrivalStep.EXPECTED)
    assert every_figure(build_statistics([jfk], PERIOD, counting=SQL)) != right

    out = StringIO()
    call_command("rebuild_landings", stdout=out)

    assert "4 rows; 1 were missing or wrong, 1 should not have been there" in out.getvalue()
    assert _figures([jfk]) == right
