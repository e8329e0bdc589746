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
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from arrivals.models import ImportBatch, Landing, Segment, StepEvent
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
from tests.factories import StepEventFactory, make_port_user
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


def test_the_first_hand_over_and_departure_that_stand_are_kept_as_events_are_written(
    jfk, jfk_officer
):
    """The time from landing is read from the landing's first hand-over and departure (arrivals
    0015): kept by PostgreSQL whoever writes the step events — a tap, an undo, an event corrected
    or deleted — and the same figures as counting the events themselves."""
    import_manifest(jfk_officer, jfk, _manifest("JFK", 1, cases=1))
    first, second = Individual.objects.order_by("person_number")
    for person in (first, second):
        _tap(jfk_officer, person.pk, ArrivalStep.MET)
    landed = Landing.objects.get(individual=first).landed

    def handed_over(person: Individual, minutes: int, **fields: Any) -> StepEvent:
        return StepEventFactory.create(
            individual=person,
            port=jfk,
            from_step=ArrivalStep.CUSTOMS_CLEARED,
            to_step=ArrivalStep.HANDED_OVER,
            at=landed + dt.timedelta(minutes=minutes),
            **fields,
        )

    def times() -> tuple[int, float | None, float | None]:
        return _figures([jfk])["total"]["handover"]

    assert times() == (0, None, None)
    early = handed_over(first, 90)
    handed_over(first, 200)  # a second tap of the same: the first counts
    handed_over(second, 150, accepted=False)  # refused: not counted
    assert times() == (1, 90.0, 90.0)
    assert Landing.objects.get(individual=first).handed_over_at == early.at

    # The first is undone: the later one stands.
    StepEventFactory.create(
        individual=first, port=jfk, from_step=ArrivalStep.HANDED_OVER, to_step="customs_cleared",
        at=landed + dt.timedelta(minutes=95), undoes=early,
    )  # fmt: skip
    assert times() == (1, 200.0, 200.0)

    # The second person's tap corrected to accepted; then the later of the first's deleted.
    StepEvent.objects.filter(individual=second, to_step=ArrivalStep.HANDED_OVER).update(
        accepted=True
    )
    assert times() == (2, 175.0, 195.0)
    StepEvent.objects.filter(individual=first, to_step=ArrivalStep.HANDED_OVER).exclude(
        pk=early.pk
    ).delete()
    assert times() == (1, 150.0, 150.0)

    # A departure: its own time, the same way.
    StepEventFactory.create(
        individual=first, port=jfk, from_step=ArrivalStep.AT_GATE, to_step=ArrivalStep.DEPARTED,
        at=landed + dt.timedelta(minutes=300),
    )  # fmt: skip
    assert _figures([jfk])["total"]["departure"] == (1, 300.0, 300.0)

    # What the triggers kept is what the facts make.
    out = StringIO()
    call_command("rebuild_landings", stdout=out)
    assert "0 were missing or wrong, 0 should not have been there" in out.getvalue()


def test_a_port_moved_to_another_time_zone_counts_its_arrivals_on_its_new_local_days(
    jfk, jfk_officer
):
    """The local day of landing is kept on each landing (arrivals 0015): should a port's time
    zone be corrected, its landings take the new zone's days at once."""
    import_manifest(jfk_officer, jfk, _manifest("JFK", 1, cases=3))
    for person in Individual.objects.all():
        _tap(jfk_officer, person.pk, ArrivalStep.MET)
    landed = Landing.objects.order_by("pk").first()
    assert landed is not None
    # A zone where the first landing falls on another local day than in New York's.
    zone = next(
        name
        for name in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Asia/Tokyo")
        if landed.landed.astimezone(ZoneInfo(name)).date()
        != landed.landed.astimezone(jfk.zone).date()
    )
    before = _figures([jfk])["daily"]
    jfk.time_zone = zone
    jfk.save(update_fields=["time_zone"])
    assert _figures([jfk])["daily"] != before
    assert Landing.objects.get(pk=landed.pk).day == landed.landed.astimezone(ZoneInfo(zone)).date()
