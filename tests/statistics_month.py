"""A small month with known answers: March 2026 at JFK (New York) and ORD (Chicago), with one
ATL case that New York's HQ does not see. Both zones change to daylight time on 8 March, so the
month is 743 hours long there; its first and last local hours are in different UTC offsets.

Counted by hand (the figures the statistics must give are ``EXPECTED`` below):

JFK (month = 05:00 UTC 1 March to 04:00 UTC 1 April)
- C1 IRC, 3 Afghans (+1 taken off the ABN): lands 1 Mar 00:30 EST, handed over after 60, 120
  and 150 minutes; one of them had a hospital tap that was undone.
- C2 HIAS, 2 Ukrainians (parolees): lands 31 Mar 23:30 EDT (April in UTC), onward to Boise
  08:00 next day (not same-day), both departed 08:10: 520 minutes.
- C5: lands 8 Mar 03:30 EDT (the first hour of daylight time); one no-show, one URM with the
  airline's UMNR code, handed over 180 minutes after landing.
- C7: lands 15 Mar; its 18:00 connection was cancelled (needs rebooking, then rebooked onto the
  next day: the first booking counts); the case was moved to ORD afterwards — still JFK's.
- C8: inbound two hours late, missed its same-day connection (needs rebooking).
- C9: inbound and onward on time, missed the connection anyway (CBP).
- C11: to hospital.
- Not counted: C3 (lands 1 Apr 00:30 EDT — inside March if the month's end were taken at EST),
  C4 (lands 28 Feb 23:30 EST — 1 March in UTC), C14 (cancelled case), the person off the ABN.
- Hotels: 1 room-night (C7, $129 + $42 meals), a stay from 30 March of 3 nights in 2 rooms
  (4 room-nights in March; $300 + $60), a stay from 27 February of 3 nights (1 in March, its
  cost February's), a cancelled one. Ground: $80 picked up 31 Mar 23:45 EDT; $50 on 1 Apr.
  Cost $611 over 7 cases.
- Staff: 8 h + 2 h overtime on 1 March, 8 h on 31 March (approved); a draft's 8 h and 1 April's
  8 h not counted: 18 h.
- Incidents: medical/high on 31 Mar 23:00 EDT, a protection (sensitive) report, a draft (not
  counted) and one on 1 April (not counted).

ORD (month = 06:00 UTC 1 March to 05:00 UTC 1 April)
- C6 IRC, 2 people: booked at JFK, moved to ORD before flying (the JFK segment replaced): lands
  ORD 12 Mar 09:00 CDT, handed over 60 minutes later.
- C12: 4 Somalis, lands 31 Mar 22:30 CDT (April in UTC), met; one separated minor.
- Incidents: lost luggage, low.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from arrivals.models import Flight, Segment, StepEvent
from cases.models import Case, Individual, ResettlementAgency
from poe_ops.models import Port, ReviewStatus
from reports.models import IncidentReport
from staffing.models import TimesheetEntry
from tests.factories import (
    CaseFactory,
    FlightFactory,
    GroundTransportBookingFactory,
    HotelBookingFactory,
    IndividualFactory,
    SegmentFactory,
    StepEventFactory,
    TimesheetFactory,
    VendorFactory,
    make_user,
)

NEW_YORK = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")


def at(zone: ZoneInfo, year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    """A local wall-clock time (one that exists once) as a UTC instant."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=zone).astimezone(dt.UTC)


EXPECTED: dict[str, dict[str, Any]] = {
    "JFK": {
        "people": 10,
        "cases": 7,
        "no_shows": 1,
        "transits": 5,
        "same_day": 3,
        "misconnections": 3,
        "hospital": 1,
        "room_nights": 6,
        "cost": Decimal("611.00"),
        "cost_per_case": Decimal("87.29"),
        "staff_hours": Decimal("18"),
        "incidents": 2,
        "handover": (4, 135.0, 171.0),
        "departure": (2, 520.0, 520.0),
        "minors": {"URM": 1, "Separated minor": 0, "UMNR": 1},
    },
    "ORD": {
        "people": 6,
        "cases": 2,
        "no_shows": 0,
        "transits": 0,
        "same_day": 0,
        "misconnections": 0,
        "hospital": 0,
        "room_nights": 0,
        "cost": Decimal("0"),
        "cost_per_case": Decimal("0.00"),
        "staff_hours": Decimal("0"),
        "incidents": 1,
        "handover": (2, 60.0, 60.0),
        "departure": (0, None, None),
        "minors": {"URM": 0, "Separated minor": 1, "UMNR": 0},
    },
}


def _case(port: Port, people: int, agency: str | None = None, **person: Any) -> Case:
    case = CaseFactory.create(
        port=port, agency=ResettlementAgency.objects.get(code=agency) if agency else None
    )
    for _ in range(people):
        IndividualFactory.create(case=case, **person)
    return case


def _inbound(port: Port, case: Case, scheduled: dt.datetime, **flight: Any) -> Flight:
    landed = FlightFactory.create(port=port, scheduled_arrival=scheduled, **flight)
    SegmentFactory.create(case=case, flight=landed, direction="inbound")
    return landed


def _onward(port: Port, case: Case, departs: dt.datetime, **flight: Any) -> Segment:
    leaving = FlightFactory.create(
        port=port,
        carrier="DL",
        origin=port.iata,
        destination="BOI",
        scheduled_departure=departs,
        scheduled_date=departs.astimezone(port.zone).date(),
        **flight,
    )
    return SegmentFactory.create(case=case, flight=leaving, direction="onward")


def _step(person: Individual, to: str, when: dt.datetime, port: Port, **fields: Any) -> StepEvent:
    event = StepEventFactory.create(
        individual=person, port=port, from_step="met", to_step=to, at=when, **fields
    )
    if fields.get("accepted", True):
        Individual.objects.filter(pk=person.pk).update(current_step=to, current_step_at=when)
    return event


def _all(case: Case, step: str) -> None:
    case.individuals.update(current_step=step)


def build_march(jfk: Port, ord_: Port, atl: Port) -> None:
    staff = make_user("march.staff")
    ny = NEW_YORK
    # C1: three people handed over after 60, 120, 150 minutes; one off the ABN.
    c1 = _case(jfk, 3, "IRC")
    landed = at(ny, 2026, 3, 1, 0, 30)
    _inbound(jfk, c1, landed, actual_arrival=landed)
    IndividualFactory.create(case=c1, removed_in_version=2, current_step="handed_over")
    first = c1.individuals.filter(removed_in_version=None).first()
    assert first is not None
    slip = _step(first, "hospital", landed + dt.timedelta(minutes=30), jfk)
    StepEventFactory.create(
        individual=first,
        port=jfk,
        from_step="hospital",
        to_step="met",
        undoes=slip,
        at=landed + dt.timedelta(minutes=31),
    )
    c1_people = c1.individuals.filter(removed_in_version=None)
    for person, minutes in zip(c1_people, (60, 120, 150), strict=True):
        _step(person, "handed_over", landed + dt.timedelta(minutes=minutes), jfk)
    # C2: lands 31 Mar 23:30 EDT, departs next morning.
    c2 = _case(
        jfk, 2, "HIAS", nationality="UA", primary_language="ukr", immigration_category="parolee"
    )
    landed = at(ny, 2026, 3, 31, 23, 30)
    _inbound(jfk, c2, landed)
    _onward(jfk, c2, at(ny, 2026, 4, 1, 8, 0), status="departed")
    for person in c2.individuals.all():
        _step(person, "departed", at(ny, 2026, 4, 1, 8, 10), jfk)
    # C3 (1 April EDT) and C4 (28 February EST): another month's.
    _all(c3 := _case(jfk, 1), "handed_over")
    _inbound(jfk, c3, at(ny, 2026, 4, 1, 0, 30))
    _all(c4 := _case(jfk, 1), "handed_over")
    _inbound(jfk, c4, at(ny, 2026, 2, 28, 23, 30))
    # C5: the first hour of daylight time; a no-show and a URM with UMNR.
    c5 = _case(jfk, 1)
    IndividualFactory.create(case=c5, programme_status="urm", ssr_codes=["UMNR"])
    landed = at(ny, 2026, 3, 8, 3, 30)
    _inbound(jfk, c5, landed)
    no_show, urm = c5.individuals.order_by("pk")
    _step(no_show, "no_show", landed + dt.timedelta(minutes=90), jfk)
    _step(urm, "handed_over", landed + dt.timedelta(minutes=180), jfk)
    # C7: connection cancelled, rebooked onto the next day, case moved to ORD afterwards.
    c7 = _case(jfk, 1)
    _inbound(jfk, c7, at(ny, 2026, 3, 15, 12, 0))
    missed = _onward(jfk, c7, at(ny, 2026, 3, 15, 18, 0), status="cancelled")
    missed.replaced_by = _onward(jfk, c7, at(ny, 2026, 3, 16, 9, 0))
    missed.save()
    _step(c7.individuals.get(), "needs_rebooking", at(ny, 2026, 3, 15, 16, 0), jfk)
    _step(c7.individuals.get(), "hotel", at(ny, 2026, 3, 15, 19, 0), jfk)
    Case.objects.filter(pk=c7.pk).update(port=ord_)
    # C8: inbound two hours late.
    c8 = _case(jfk, 1)
    _inbound(jfk, c8, at(ny, 2026, 3, 20, 14, 0), actual_arrival=at(ny, 2026, 3, 20, 16, 0))
    _onward(jfk, c8, at(ny, 2026, 3, 20, 17, 0), status="departed")
    _step(c8.individuals.get(), "needs_rebooking", at(ny, 2026, 3, 20, 17, 30), jfk)
    # C9: everything on time: the time went at CBP.
    c9 = _case(jfk, 1)
    landed = at(ny, 2026, 3, 21, 10, 0)
    _inbound(jfk, c9, landed, actual_arrival=landed)
    _onward(
        jfk,
        c9,
        at(ny, 2026, 3, 21, 13, 0),
        status="departed",
        actual_departure=at(ny, 2026, 3, 21, 13, 5),
    )
    _step(c9.individuals.get(), "needs_rebooking", at(ny, 2026, 3, 21, 13, 30), jfk)
    # C11: hospital.
    c11 = _case(jfk, 1)
    _inbound(jfk, c11, at(ny, 2026, 3, 5, 10, 0))
    _step(c11.individuals.get(), "hospital", at(ny, 2026, 3, 5, 11, 0), jfk)
    # C14: cancelled.
    c14 = _case(jfk, 2)
    _all(c14, "met")
    Case.objects.filter(pk=c14.pk).update(status=Case.Status.CANCELLED)
    _inbound(jfk, c14, at(ny, 2026, 3, 10, 10, 0))
    # The rest of JFK's people have been met.
    met = [c1, c2, c5, c7, c8, c9, c11]
    Individual.objects.filter(case__in=met, current_step="expected").update(current_step="met")

    # Hotels and rides at JFK.
    hotel = VendorFactory.create(port=jfk)
    HotelBookingFactory.create(case=c7, vendor=hotel, check_in=dt.date(2026, 3, 15))
    HotelBookingFactory.create(
        case=c8,
        vendor=hotel,
        check_in=dt.date(2026, 3, 30),
        nights=3,
        rooms=2,
        cost=Decimal("300"),
        meal_cost=Decimal("60"),
    )
    HotelBookingFactory.create(case=c4, vendor=hotel, check_in=dt.date(2026, 2, 27), nights=3)
    HotelBookingFactory.create(
        case=c9, vendor=hotel, check_in=dt.date(2026, 3, 21), status="cancelled"
    )
    rides = VendorFactory.create(port=jfk, kind="ground_transport")
    GroundTransportBookingFactory.create(
        case=c2, vendor=rides, cost=Decimal("80"), pickup_at=at(ny, 2026, 3, 31, 23, 45)
    )
    GroundTransportBookingFactory.create(
        case=c2, vendor=rides, cost=Decimal("50"), pickup_at=at(ny, 2026, 4, 1, 0, 15)
    )

    # Timesheets at JFK.
    approved = TimesheetFactory.create(port=jfk, month=dt.date(2026, 3, 1), status="approved")
    TimesheetEntry.objects.create(timesheet=approved, day=dt.date(2026, 3, 1), hours=8, overtime=2)
    TimesheetEntry.objects.create(timesheet=approved, day=dt.date(2026, 3, 31), hours=8)
    april = TimesheetFactory.create(port=jfk, month=dt.date(2026, 4, 1), status="approved")
    TimesheetEntry.objects.create(timesheet=april, day=dt.date(2026, 4, 1), hours=8)
    draft = TimesheetFactory.create(port=jfk, month=dt.date(2026, 3, 1), status="draft")
    TimesheetEntry.objects.create(timesheet=draft, day=dt.date(2026, 3, 2), hours=8)

    # Incidents.
    def incident(port: Port, when: dt.datetime, category: str, severity: str, status: str) -> None:
        IncidentReport.objects.create(
            port=port,
            author=staff,
            occurred_at=when,
            category=category,
            severity=severity,
            status=status,
            submitted_at=None if status == ReviewStatus.DRAFT else when,
        )

    incident(jfk, at(ny, 2026, 3, 31, 23, 0), "medical", "high", ReviewStatus.SUBMITTED)
    incident(jfk, at(ny, 2026, 3, 10, 9, 0), "protection", "high", ReviewStatus.APPROVED)
    incident(jfk, at(ny, 2026, 3, 11, 9, 0), "security", "low", ReviewStatus.DRAFT)
    incident(jfk, at(ny, 2026, 4, 1, 1, 0), "medical", "low", ReviewStatus.SUBMITTED)
    incident(ord_, at(CHICAGO, 2026, 3, 12, 10, 0), "lost_luggage", "low", ReviewStatus.SUBMITTED)

    # ORD: C6 moved from JFK before flying; C12 lands 31 Mar 22:30 CDT.
    c6 = _case(jfk, 2, "IRC")
    old = SegmentFactory.create(
        case=c6, flight=FlightFactory.create(port=jfk, scheduled_arrival=at(ny, 2026, 3, 10, 8, 0))
    )
    landed = at(CHICAGO, 2026, 3, 12, 9, 0)
    old.replaced_by = SegmentFactory.create(
        case=c6, flight=FlightFactory.create(port=ord_, scheduled_arrival=landed)
    )
    old.save()
    Case.objects.filter(pk=c6.pk).update(port=ord_)
    for person in c6.individuals.all():
        _step(person, "handed_over", landed + dt.timedelta(minutes=60), ord_)
    c12 = _case(ord_, 3, nationality="SO", primary_language="som", immigration_category="refugee")
    IndividualFactory.create(
        case=c12,
        programme_status="separated",
        nationality="SO",
        primary_language="som",
        immigration_category="refugee",
    )
    _inbound(ord_, c12, at(CHICAGO, 2026, 3, 31, 22, 30))
    _all(c12, "met")

    # ATL: not New York's.
    c13 = _case(atl, 1)
    _inbound(atl, c13, at(NEW_YORK, 2026, 3, 10, 10, 0))
    _all(c13, "met")
