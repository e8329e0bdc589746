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
from arrivals.demo.journey import VIA_HUB
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
    assert sum(p.programme_status == "urm" for p in people) >= 14
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
    legs: dict[int, list[Segment]] = {}
    for segment in onward.order_by("flight__scheduled_departure"):
        legs.setdefault(segment.case_id, []).append(segment)
        assert segment.flight.scheduled_departure is not None
        assert segment.case.final_destination in {city for city, _ in ONWARD_CITIES}
    for first, *later in legs.values():
        assert first.flight.origin == first.case.port.iata
        for second in later:  # a small destination: the second leg leaves the hub
            assert second.flight.origin == VIA_HUB[second.flight.destination]
            leaves, lands = second.flight.scheduled_departure, first.flight.scheduled_arrival
            assert leaves is not None and lands is not None and leaves > lands
    two_legs = [case_id for case_id, found in legs.items() if len(found) == 2]
    assert len(two_legs) >= Port.objects.count()  # a two-leg connection every port and day


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
    assert steps & {ArrivalStep.HANDED_OVER, ArrivalStep.DEPARTED, ArrivalStep.HOTEL}
    assert Flight.objects.filter(port=atl, status="landed", actual_arrival__isnull=False).exists()
    moved = Individual.objects.exclude(current_step=ArrivalStep.EXPECTED)
    for person in moved:
        last = person.steps.order_by("at").last()
        assert last is not None and last.to_step == person.current_step
        assert last.actor == atl_associate
        assert last.at <= late_evening


def test_the_step_events_follow_the_allowed_moves(atl, atl_associate):
    from cases.step_details import check_detail
    from cases.steps import ALLOWED_MOVES

    day = dt.date(2026, 5, 4)
    seed_demo_day(atl, day, actor=atl_associate, now=timezone.make_aware(dt.datetime(2026, 5, 5)))
    for event in StepEvent.objects.select_related("individual"):
        assert event.to_step in ALLOWED_MOVES[event.from_step]
        assert check_detail(event.to_step, event.detail) == event.detail
    for event in StepEvent.objects.filter(to_step="departed"):
        segment = Segment.objects.filter(
            case=event.individual.case, direction="onward", flight__origin="ATL"
        ).get()
        assert segment.flight.actual_departure is not None, "departed only once the flight left"
        assert segment.flight.actual_departure <= event.at


def test_the_evening_shows_the_onward_journey_going_right_and_wrong(atl, atl_associate):
    """What the demo is for: people in CBP secondary and on every part of the connection, bags
    counted, someone in hospital with the hospital named, a delayed and a cancelled domestic
    departure — those already past customs on the cancelled one need rebooking."""
    day = dt.date(2026, 5, 4)
    evening = dt.datetime.combine(day, dt.time(19, 0), tzinfo=atl.zone)
    seed_demo_day(atl, day, actor=atl_associate, now=evening)
    reached = set(StepEvent.objects.values_list("to_step", flat=True))
    assert {
        "met",
        "cbp_secondary",
        "cbp_cleared",
        "bags_claimed",
        "customs_cleared",
        "bags_rechecked",
        "boarding_pass",
        "through_security",
        "at_gate",
        "departed",
        "handed_over",
        "hospital",
        "needs_rebooking",
    } <= reached
    bags = StepEvent.objects.filter(to_step="bags_claimed").first()
    assert bags is not None and bags.detail["bags"] >= 1
    hospital = StepEvent.objects.get(to_step="hospital")
    assert hospital.detail["hospital"] == "Grady Memorial Hospital"
    departures = Flight.objects.filter(origin="ATL")
    delayed = departures.get(status="delayed")
    assert delayed.estimated_departure is not None and delayed.scheduled_departure is not None
    assert delayed.estimated_departure > delayed.scheduled_departure
    cancelled = departures.get(status="cancelled")
    stranded = Individual.objects.filter(
        current_step="needs_rebooking", case__segments__flight=cancelled
    )
    assert stranded.exists()


def test_the_route_tables_never_reuse_a_flight_number():
    inbound = [(carrier, number) for routes in ROUTES.values() for carrier, number, *_ in routes]
    assert len(inbound) == len(set(inbound))
    ranges: dict[str, list[range]] = {}
    for _city, carrier, base in PORT_CITY.values():
        ranges.setdefault(carrier, []).append(range(base, base + 200))
    for spans in ranges.values():
        numbers = [n for span in spans for n in span]
        assert len(numbers) == len(set(numbers))
