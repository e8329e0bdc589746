"""Several onward legs: imported in order with their departure (and arrival) times, each in its
own airport's local time; checked to follow each other; replaced by a newer ABN version."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from arrivals.models import Flight, ImportBatch, Segment
from arrivals.services.manifest_import import import_manifest
from tests.manifests import manifest_rows, to_csv, upload

pytestmark = pytest.mark.django_db
SOON = dt.date.today() + dt.timedelta(days=10)
UTC = dt.UTC


def two_legs(**cells: str) -> list[dict[str, object]]:
    rows = manifest_rows(cases=1, people_per_case=2, day=SOON)
    for row in rows:
        row.update(
            onward_flight="DL1820", onward_date=str(SOON), onward_destination="SLC",
            onward_departure_local=f"{SOON} 19:30", onward_arrival_local=f"{SOON} 21:35",
            onward2_flight="DL3875", onward2_date=str(SOON), onward2_destination="BOI",
            onward2_departure_local=f"{SOON} 22:40", onward2_arrival_local=f"{SOON} 23:50",
        )  # fmt: skip
        row.update(cells)
    return rows


def local(day: dt.date, hour: int, minute: int, zone: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), zoneinfo.ZoneInfo(zone)).astimezone(UTC)


def onward_legs() -> list[tuple[str, str, str, dt.datetime | None, dt.datetime | None]]:
    return [
        (s.flight.code, s.flight.origin, s.flight.destination, s.flight.scheduled_departure,
         s.flight.scheduled_arrival)
        for s in Segment.objects.filter(direction="onward", replaced_by__isnull=True)
    ]  # fmt: skip


def test_two_onward_legs_are_imported_in_order_with_their_local_times(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, upload(to_csv(two_legs())))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert onward_legs() == [
        ("DL1820", "ATL", "SLC", local(SOON, 19, 30, "America/New_York"),
         local(SOON, 21, 35, "America/Denver")),
        ("DL3875", "SLC", "BOI", local(SOON, 22, 40, "America/Denver"),
         local(SOON, 23, 50, "America/Boise")),
    ]  # fmt: skip
    # Both legs are the case's port's to follow.
    assert set(
        Flight.objects.filter(number__in=["1820", "3875"]).values_list("port", flat=True)
    ) == {atl.pk}


def test_legs_are_filled_in_order(atl, atl_senior):
    rows = two_legs(onward_flight="", onward_date="", onward_destination="")
    for row in rows:
        row.update(onward_departure_local="", onward_arrival_local="")
    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))
    assert batch.status == ImportBatch.Status.REFUSED
    assert batch.errors[0]["column"] == "onward2_flight"
    assert batch.errors[0]["message"] == (
        "onward leg 2 is given but leg 1 is empty; fill the legs in order (onward_… first)."
    )


def test_a_leg_that_leaves_before_the_one_before_it_lands_is_refused(atl, atl_senior):
    batch = import_manifest(
        atl_senior, atl, upload(to_csv(two_legs(onward2_departure_local=f"{SOON} 21:00")))
    )
    assert batch.status == ImportBatch.Status.REFUSED
    assert {(e["row"], e["column"], e["message"]) for e in batch.errors} == {
        (r, "onward2_departure_local",
         "leaves before onward leg 1 lands; the legs must follow each other.")
        for r in (2, 3)
    }  # fmt: skip


def test_the_second_legs_departure_is_local_to_where_it_leaves(atl, atl_senior):
    # 02:30 on the night the clocks spring forward does not exist in Salt Lake City.
    march = dt.date(SOON.year + 1, 3, 1)
    spring = march + dt.timedelta(days=(6 - march.weekday()) % 7 + 7)  # the second Sunday
    before = spring - dt.timedelta(days=1)
    rows = two_legs(
        inbound_date=str(before), inbound_departure_local=f"{before} 09:00",
        inbound_arrival_local=f"{before} 17:00",
        onward_date=str(spring), onward_departure_local=f"{spring} 00:10",
        onward_arrival_local=f"{spring} 01:20",
        onward2_date=str(spring), onward2_departure_local=f"{spring} 02:30",
        onward2_arrival_local=f"{spring} 04:00",
    )  # fmt: skip

    batch = import_manifest(atl_senior, atl, upload(to_csv(rows)))

    messages = [e["message"] for e in batch.errors if e["column"] == "onward2_departure_local"]
    assert messages and messages[0].startswith(f"{spring} 02:30 does not exist in America/Denver")


def test_a_newer_version_with_another_second_leg_replaces_only_that_leg(atl, atl_senior):
    import_manifest(atl_senior, atl, upload(to_csv(two_legs())))
    first_leg = Segment.objects.get(flight__number="1820")
    old_second = Segment.objects.get(flight__number="3875")

    newer = [dict(r, abn_version=2, onward2_flight="DL5", onward2_departure_local=f"{SOON} 23:05",
                  onward2_arrival_local=f"{SOON} 23:59") for r in two_legs()]  # fmt: skip
    batch = import_manifest(atl_senior, atl, upload(to_csv(newer)))

    assert batch.summary["updated"][0]["changes"]["onward flights"] == [
        f"DL1820 {SOON}, DL3875 {SOON}",
        f"DL1820 {SOON}, DL5 {SOON}",
    ]
    first_leg.refresh_from_db()
    old_second.refresh_from_db()
    assert first_leg.replaced_by is None
    assert old_second.replaced_by is not None
    assert old_second.replaced_by.flight.code == "DL5"
    assert [leg[0] for leg in onward_legs()] == ["DL1820", "DL5"]


def test_a_later_leg_another_ports_case_shares_keeps_its_times(atl, jfk, atl_senior, jfk_officer):
    import_manifest(atl_senior, atl, upload(to_csv(two_legs())))
    rows = manifest_rows(cases=1, people_per_case=1, day=SOON, poe="JFK", prefix="J")
    for row in rows:
        row.update(
            inbound_flight="EK201", onward_flight="DL100", onward_date=str(SOON),
            onward_destination="SLC", onward_departure_local=f"{SOON} 17:00",
            onward_arrival_local=f"{SOON} 20:10", onward2_flight="DL3875",
            onward2_date=str(SOON), onward2_destination="BOI",
            onward2_departure_local=f"{SOON} 22:45", onward2_arrival_local=f"{SOON} 23:55",
        )  # fmt: skip

    batch = import_manifest(jfk_officer, jfk, upload(to_csv(rows)))

    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    shared = Flight.objects.get(number="3875")
    assert shared.port == atl  # the port whose import first named it
    assert shared.scheduled_departure == local(SOON, 22, 40, "America/Denver")
    assert any("already known with other times" in w["message"] for w in batch.warnings)
    assert Segment.objects.filter(flight=shared).count() == 2
