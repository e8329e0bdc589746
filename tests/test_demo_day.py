"""The demo day: every port has flights today and tomorrow (port-local), families, URMs,
wheelchair and medical cases, many languages, people already moving — and seeding is
idempotent and deterministic."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from arrivals.demo import seed_demo_day
from arrivals.demo.people import ONWARD_CITIES, PORT_CITY, ROUTES
from arrivals.models import Flight, Segment, StepEvent
from cases import ssr
from cases.models import Case, Individual
from cases.steps import ArrivalStep
from poe_ops.models import Port

pytestmark = pytest.mark.django_db


def seed():
    call_command("seed_demo", force=True, stdout=io.StringIO())


def counts():
    return tuple(m.objects.count() for m in (Flight, Case, Individual, Segment, StepEvent))


def test_seeding_twice_creates_nothing_new(reference_data):
    seed()
    first = counts()
    seed()
    assert counts() == first
    assert first[1] > 0


def test_every_port_has_inbound_flights_today_and_tomorrow_in_its_local_date(reference_data):
    seed()
    for port in Port.objects.all():
        today = port.local_today()
        for day in (today, today + dt.timedelta(days=1)):
            arrivals = [
                f.scheduled_arrival.astimezone(port.zone).date()
                for f in Flight.objects.filter(port=port, destination=port.iata)
                if f.scheduled_arrival is not None
            ]
            assert arrivals.count(day) >= 4, (port.iata, day)


def test_there_are_urms_wheelchairs_medical_cases_and_many_languages(reference_data):
    seed()
    people = list(Individual.objects.all())
    assert sum(p.unaccompanied_minor and "UMNR" in p.ssr_codes for p in people) >= 14
    assert sum(ssr.has_wheelchair(p.ssr_codes) for p in people) >= 7
    assert sum(p.medical and "MEDA" in p.ssr_codes for p in people) >= 7
    assert len({p.primary_language for p in people}) >= 5
    assert any(len(c.individuals.all()) >= 5 for c in Case.objects.prefetch_related("individuals"))


def test_some_cases_have_an_onward_domestic_leg_leaving_the_port(reference_data):
    seed()
    # The demo days' own cases (seed_demo also imports the guide's sample, whose cases fly on
    # through Salt Lake City: a second leg does not leave the port).
    onward = Segment.objects.filter(
        direction="onward", case__case_number__startswith="DEMO-"
    ).select_related("flight", "case")
    assert onward.exists()
    for segment in onward:
        assert segment.flight.origin == segment.case.port.iata
        assert segment.flight.scheduled_departure is not None
        assert segment.case.final_destination in {city for city, _ in ONWARD_CITIES}


def test_it_is_deterministic_for_a_port_and_day(atl):
    day = dt.date(2026, 5, 4)
    now = dt.datetime(2026, 5, 4, 9, tzinfo=dt.UTC)
    seed_demo_day(atl, day, now=now)
    first = sorted(Individual.objects.values_list("case__case_number", "given_names", "surname"))
    Segment.objects.all().delete()
    Case.objects.all().delete()
    Flight.objects.all().delete()
    seed_demo_day(atl, day, now=now)
    assert (
        sorted(Individual.objects.values_list("case__case_number", "given_names", "surname"))
        == first
    )


def test_people_on_earlier_flights_are_already_moving(atl, atl_associate):
    day = dt.date(2026, 5, 4)
    late_evening = dt.datetime.combine(day, dt.time(19, 0), tzinfo=atl.zone)
    seed_demo_day(atl, day, actor=atl_associate, now=late_evening)
    steps = set(Individual.objects.values_list("current_step", flat=True))
    assert ArrivalStep.EXPECTED in steps  # the evening flight has not landed yet
    assert steps & {ArrivalStep.HANDED_OVER, ArrivalStep.CONNECTED, ArrivalStep.HOTEL}
    assert Flight.objects.filter(port=atl, status="landed", actual_arrival__isnull=False).exists()
    moved = Individual.objects.exclude(current_step=ArrivalStep.EXPECTED)
    for person in moved:
        last = person.steps.order_by("at").last()
        assert last is not None and last.to_step == person.current_step
        assert last.actor == atl_associate
        assert last.at <= late_evening


def test_the_step_events_follow_the_allowed_moves(atl, atl_associate):
    from cases.steps import ALLOWED_MOVES

    day = dt.date(2026, 5, 4)
    seed_demo_day(atl, day, actor=atl_associate, now=timezone.make_aware(dt.datetime(2026, 5, 5)))
    for event in StepEvent.objects.all():
        assert event.to_step in ALLOWED_MOVES[event.from_step]


def test_the_route_tables_never_reuse_a_flight_number():
    inbound = [(carrier, number) for routes in ROUTES.values() for carrier, number, *_ in routes]
    assert len(inbound) == len(set(inbound))
    ranges: dict[str, list[range]] = {}
    for _city, carrier, base in PORT_CITY.values():
        ranges.setdefault(carrier, []).append(range(base, base + 200))
    for spans in ranges.values():
        numbers = [n for span in spans for n in span]
        assert len(numbers) == len(set(numbers))
