"""The period's figures (``reports.queries.statistics``) against a month counted by hand
(``tests/statistics_month.py``): daylight-saving boundaries, a case moved between ports, undone
steps, cancelled cases, people off the ABN, and what each reader may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from poe_ops.languages import language_name
from poe_ops.models import OperationsOffice, Port
from poe_ops.roles import Role, add_focal_point
from poe_ops.scoping import ports_for
from reports.queries.incidents import counted
from reports.queries.periods import CUSTOM, MONTH, QUARTER, WEEK, Period, period_of
from reports.queries.statistics.build import build_statistics
from reports.queries.statistics.figures import PortFigures, Statistics, as_mapping, percentile
from tests.factories import make_user
from tests.statistics_month import EXPECTED, build_march

pytestmark = pytest.mark.django_db

MARCH = period_of(MONTH, dt.date(2026, 3, 14))


@pytest.fixture
def ord_(reference_data) -> Port:
    return Port.objects.get(iata="ORD")


@pytest.fixture
def march(jfk, ord_, atl) -> None:
    build_march(jfk, ord_, atl)


def _figures(stats: Statistics, iata: str) -> PortFigures:
    return next(f for f in stats.by_port if f.name == iata)


def test_a_month_is_counted_in_each_ports_local_days(jfk, ord_):
    # March 2026 holds the change to daylight time: it begins at EST and ends at EDT (CDT).
    assert MARCH.first == dt.date(2026, 3, 1) and MARCH.last == dt.date(2026, 3, 31)
    assert MARCH.bounds(jfk) == (
        dt.datetime(2026, 3, 1, 5, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 1, 4, tzinfo=dt.UTC),
    )
    assert MARCH.bounds(ord_) == (
        dt.datetime(2026, 3, 1, 6, tzinfo=dt.UTC),
        dt.datetime(2026, 4, 1, 5, tzinfo=dt.UTC),
    )


def test_periods_of_each_kind():
    day = dt.date(2026, 3, 8)  # a Sunday
    assert period_of(WEEK, day) == Period(WEEK, dt.date(2026, 3, 2), dt.date(2026, 3, 8))
    assert period_of(QUARTER, day) == Period(QUARTER, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    assert period_of(QUARTER, dt.date(2026, 12, 31)).first == dt.date(2026, 10, 1)
    assert MARCH.previous() == Period(MONTH, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert MARCH.following().last == dt.date(2026, 4, 30)
    custom = period_of(CUSTOM, dt.date(2026, 3, 10), last=dt.date(2026, 3, 12))
    assert custom.days == 3
    assert custom.previous() == Period(CUSTOM, dt.date(2026, 3, 7), dt.date(2026, 3, 9))
    assert [MARCH.label, period_of(QUARTER, day).label] == ["March 2026", "Q1 2026"]


@pytest.mark.parametrize("iata", ["JFK", "ORD"])
def test_the_hand_counted_month(march, ny_ops, iata):
    stats = build_statistics(ports_for(ny_ops), MARCH, incidents=counted(ny_ops))
    got = _figures(stats, iata)
    want = EXPECTED[iata]
    assert {
        "people": got.people,
        "cases": got.cases,
        "no_shows": got.no_shows,
        "transits": got.transits,
        "same_day": got.same_day,
        "misconnections": got.misconnections,
        "hospital": got.hospital,
        "room_nights": got.room_nights,
        "cost": got.cost,
        "cost_per_case": got.cost_per_case,
        "staff_hours": got.staff_hours,
        "incidents": got.incidents,
        "handover": (got.to_handover.count, got.to_handover.median, got.to_handover.p90),
        "departure": (got.to_departure.count, got.to_departure.median, got.to_departure.p90),
        "minors": got.minors,
    } == want


def test_the_months_totals_breakdowns_and_causes(march, ny_ops):
    stats = build_statistics(ports_for(ny_ops), MARCH, incidents=counted(ny_ops))
    assert [p.iata for p in stats.ports] == ["JFK", "LAX", "ORD"]
    assert dict(as_mapping(stats)) == {
        "people": 16,
        "cases": 9,
        "no_shows": 1,
        "transits": 5,
        "same_day": 3,
        "misconnections": 3,
        "hospital": 1,
        "room_nights": 6,
        "cost": Decimal("611.00"),
        "incidents": 3,
    }
    total = stats.total
    assert (total.to_handover.count, total.to_handover.median, total.to_handover.p90) == (
        6,
        90.0,
        165.0,
    )
    assert total.minors == {"URM": 1, "Separated minor": 1, "UMNR": 1}
    rows = {
        key: [(r.label, r.people, r.cases) for r in rows] for key, rows in stats.breakdowns.items()
    }
    assert rows["agency"] == [("No agency on the ABN", 9, 6), ("IRC", 5, 2), ("HIAS", 2, 1)]
    assert rows["nationality"] == [("Afghanistan", 10, 7), ("Somalia", 4, 1), ("Ukraine", 2, 1)]
    assert rows["language"] == [
        (language_name("prs"), 10, 7),
        (language_name("som"), 4, 1),
        (language_name("ukr"), 2, 1),
    ]
    assert rows["category"] == [("Not given", 10, 7), ("Refugee", 4, 1), ("Parolee", 2, 1)]
    assert [(code, n) for code, _label, n in stats.causes] == [
        ("inbound", 1),
        ("onward", 1),
        ("cbp", 1),
    ]
    assert sorted(stats.incidents) == [
        ("JFK", "Medical emergency / hospital", "High", 1),
        ("JFK", "Protection / PSEA concern", "High", 1),
        ("ORD", "Lost luggage", "Low", 1),
    ]


def test_arrivals_per_local_day_across_the_clock_change(march, ny_ops):
    stats = build_statistics(ports_for(ny_ops), MARCH)
    jfk = stats.daily["JFK"]
    # 1 March 00:30 EST, 8 March 03:30 EDT (the first hour of daylight time), 31 March 23:30 EDT.
    assert (jfk[0], jfk[7], jfk[30]) == (3, 1, 2)
    assert sum(jfk) == 10
    assert (stats.daily["ORD"][11], stats.daily["ORD"][30], sum(stats.daily["ORD"])) == (2, 4, 6)
    # Hand-overs at 60, 120, 150 and 180 minutes at JFK, two at 60 at ORD: each bucket holds
    # its lower bound, not its upper (under 1 h, 1–2 h, 2–3 h, 3–4 h, …).
    assert stats.handover_buckets == {
        "JFK": [0, 1, 2, 1, 0, 0, 0],
        "LAX": [0, 0, 0, 0, 0, 0, 0],
        "ORD": [0, 2, 0, 0, 0, 0, 0],
    }


def test_a_reader_sees_only_their_ports_and_the_incidents_they_may(
    march, jfk, jfk_associate, jfk_officer, ny_protection, dc_ops
):
    mine = build_statistics(ports_for(jfk_associate), MARCH, incidents=counted(jfk_associate))
    assert [f.name for f in mine.by_port] == ["JFK"]
    assert mine.total.people == 10
    # The protection report is sensitive: an associate who did not write it does not count it.
    assert mine.total.incidents == 1
    # Issue 19 routes the protection report to the protection focal points: the port's officers
    # and HQ may not read it, but count it (numbers only, as in the monthly report they may have).
    officer = build_statistics(ports_for(jfk_officer), MARCH, incidents=counted(jfk_officer))
    assert officer.total.incidents == 2
    assert ("JFK", "Protection / PSEA concern", "High", 1) in officer.incidents
    # A focal point is not HQ: NY's protection focal point counts the protection report (it is
    # routed to them), NY's medical focal point counts only what they may read.
    protection = build_statistics(ports_for(ny_protection), MARCH, incidents=counted(ny_protection))
    assert _figures(protection, "JFK").incidents == 2
    ny_medical = make_user("ny.medical")
    add_focal_point(ny_medical, OperationsOffice.objects.get(code="NY"), Role.MEDICAL)
    medical = build_statistics(ports_for(ny_medical), MARCH, incidents=counted(ny_medical))
    assert _figures(medical, "JFK").incidents == 1
    assert [row[1] for row in medical.incidents if row[0] == "JFK"] == [
        "Medical emergency / hospital"
    ]
    dc = build_statistics(ports_for(dc_ops), MARCH, incidents=counted(dc_ops))
    assert [f.name for f in dc.by_port] == ["ATL", "EWR", "IAD", "IAH"]
    assert dc.total.people == 1 and _figures(dc, "ATL").people == 1


def test_february_and_april_hold_the_neighbours(march, ny_ops):
    february = build_statistics(ports_for(ny_ops), MARCH.previous())
    april = build_statistics(ports_for(ny_ops), MARCH.following())
    # C4 landed 28 Feb 23:30 EST (1 March in UTC); C3 1 April 00:30 EDT.
    assert _figures(february, "JFK").people == 1
    assert _figures(april, "JFK").people == 1
    # February's stay of 27 Feb runs 2 nights into February, its cost February's.
    assert _figures(february, "JFK").room_nights == 2
    assert _figures(february, "JFK").hotel_cost == Decimal("129.00")
    # The ride picked up at 00:15 on 1 April is April's.
    assert _figures(april, "JFK").ground_cost == Decimal("50")


def test_percentiles_interpolate_like_postgresql():
    assert percentile([], 0.5) is None
    assert percentile([10.0], 0.9) == 10.0
    assert percentile([60.0, 120.0, 150.0, 180.0], 0.5) == 135.0
    assert percentile([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 0.9) == 9.1
