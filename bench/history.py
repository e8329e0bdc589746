"""Three years of national history for the statistics benchmark (``bench_statistics.py``),
written with COPY: ~300,000 people in ~100,000 cases on ~15,000 inbound flights at the seven
ports (2023-12-01 to 2026-11-30), onward legs for half the cases, ~2 million step events (met,
CBP, bags, customs, then the connection to "departed" or the hand-over; some needing rebooking,
some to hospital, some taps undone), hotel bookings and incident reports. The landings the
statistics count (``arrivals.Landing``) are made by the database's triggers as the rows are
copied, as they would be by any other writer."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import time
import uuid
from collections.abc import Callable
from typing import Any

LAST = dt.date(2026, 11, 30)
# BENCH_STATISTICS_DAYS=40 tries the benchmark on a small history first.
FIRST = LAST - dt.timedelta(days=int(os.environ.get("BENCH_STATISTICS_DAYS", 3 * 365)) - 1)
PEOPLE_PER_PORT_DAY = 39  # 300,000 people / (3 × 365 days × 7 ports)


def _copy(table: str, columns: list[str], rows: Any) -> int:
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg 3
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _defaults(model: Any, given: dict[str, Any]) -> tuple[list[str], list[Any]]:
    """Every concrete column of ``model`` but the ones in ``given``, with its default, so that a
    new non-null field does not break the benchmark."""
    columns, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in given or field.primary_key:
            continue
        default = field.get_default()
        if isinstance(default, dict | list):
            default = json.dumps(default)
        if default is None and not field.null:
            internal = field.get_internal_type()
            stamp = dt.datetime(2026, 11, 30, tzinfo=dt.UTC)
            default = {"DateTimeField": stamp, "DateField": stamp.date()}.get(internal, "")
        columns.append(field.column)
        values.append(default)
    return columns, values


def _writer(model: Any, names: list[str]) -> Callable[[Any], Any]:
    columns, fixed = _defaults(model, dict.fromkeys(names))
    table = model._meta.db_table

    def write(rows: Any) -> int:
        return _copy(table, ["id", *names, *columns], (tuple(r) + tuple(fixed) for r in rows))

    return write


def populate() -> dict[str, int]:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from arrivals.models import Flight, Segment, StepEvent
    from arrivals.services import landings
    from cases.models import Case, HotelBooking, Individual, Vendor
    from poe_ops.models import Port
    from reports.models import IncidentReport

    rng = random.Random(18)
    actor = get_user_model().objects.create_user("bench.staff")
    ports = list(Port.objects.order_by("iata"))
    vendors = {
        p.pk: Vendor.objects.create(port=p, kind="hotel", name=f"{p.iata} hotel").pk for p in ports
    }
    nationalities = ["AF", "SY", "CD", "UA", "SO", "ER", "MM", "IQ", "VE", "SD"]
    languages = ["prs", "ara", "swa", "ukr", "som", "tir", "mya", "kin", "spa", "pus"]
    categories = ["refugee", "refugee", "refugee", "siv", "parolee", "follow_to_join"]
    now = dt.datetime(2026, 11, 30, 23, tzinfo=dt.UTC)
    rows: dict[str, list[tuple[Any, ...]]] = {
        k: [] for k in ("flights", "cases", "people", "segments", "events", "hotels", "incidents")
    }
    flights, cases, people, segments = (
        rows["flights"],
        rows["cases"],
        rows["people"],
        rows["segments"],
    )
    events, hotels, incidents = rows["events"], rows["hotels"], rows["incidents"]
    ids = {"flight": 0, "case": 0, "person": 0, "segment": 0, "event": 0, "hotel": 0, "inc": 0}

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    day = FIRST
    while day <= LAST:
        for port in ports:
            base = dt.datetime.combine(day, dt.time(6), tzinfo=port.zone).astimezone(dt.UTC)
            inbound = []
            for n in range(2):
                fid = next_id("flight")
                landing = base + dt.timedelta(hours=4 + 8 * n, minutes=rng.randrange(60))
                late = rng.random() < 0.2
                flights.append(
                    (
                        fid,
                        "QR",
                        str(fid % 9000 + 1),
                        day,
                        port.pk,
                        "DOH",
                        port.iata,
                        landing - dt.timedelta(hours=14),
                        landing,
                        landing + dt.timedelta(minutes=45 if late else 0),
                        "landed",
                    )
                )
                inbound.append((fid, landing + dt.timedelta(minutes=45 if late else 0)))
            onward_id = next_id("flight")
            departs = base + dt.timedelta(hours=15)
            flights.append(
                (
                    onward_id,
                    "DL",
                    str(onward_id % 9000 + 1),
                    day,
                    port.pk,
                    port.iata,
                    "BOI",
                    departs,
                    departs + dt.timedelta(hours=4),
                    None,
                    "cancelled" if rng.random() < 0.03 else "departed",
                )
            )
            left = PEOPLE_PER_PORT_DAY + rng.randrange(-8, 9)
            while left > 0:
                size = min(left, rng.choice([1, 2, 3, 4, 5]))
                left -= size
                cid = next_id("case")
                fid, landed = rng.choice(inbound)
                connecting = rng.random() < 0.5
                cases.append((cid, f"B{cid:08d}", f"ABN{cid:08d}", port.pk, "completed", now, now))
                segments.append((next_id("segment"), cid, fid, None, "inbound", now))
                if connecting:
                    segments.append((next_id("segment"), cid, onward_id, None, "onward", now))
                nat = rng.randrange(len(nationalities))
                for p in range(size):
                    pid = next_id("person")
                    t = landed + dt.timedelta(minutes=10)
                    path = ["met", "cbp_cleared", "bags_claimed", "customs_cleared"]
                    roll = rng.random()
                    if connecting and roll < 0.06:
                        path += [
                            "needs_rebooking",
                            "hotel",
                            "bags_rechecked",
                            "at_gate",
                            "departed",
                        ]
                    elif connecting:
                        path += ["bags_rechecked", "through_security", "at_gate", "departed"]
                    elif roll < 0.01:
                        path += ["hospital", "handed_over"]
                    else:
                        path += ["handed_over"]
                    previous = "expected"
                    for step in path:
                        t += dt.timedelta(minutes=rng.randrange(10, 50))
                        eid = next_id("event")
                        events.append((eid, pid, port.pk, previous, step, t, actor.pk, f"b{eid}"))
                        previous = step
                    if rng.random() < 0.05:  # a tap undone and done again
                        eid = next_id("event")
                        events.append(
                            (eid, pid, port.pk, "expected", "met", landed, actor.pk, f"b{eid}")
                        )
                    people.append(
                        (
                            pid,
                            cid,
                            f"P{p + 1}",
                            "Given",
                            f"Family{cid}",
                            "F",
                            nationalities[nat],
                            languages[nat],
                            rng.choice(categories),
                            "urm" if rng.random() < 0.004 else "",
                            previous,
                            t,
                            f"given family{cid}",
                        )
                    )
                if connecting and rng.random() < 0.05:
                    hotels.append(
                        (
                            next_id("hotel"),
                            cid,
                            vendors[port.pk],
                            day,
                            1,
                            1,
                            129,
                            42,
                            "checked_out",
                            f"h{cid}",
                            actor.pk,
                            now,
                            now,
                        )
                    )
            if rng.random() < 0.3:
                iid = next_id("inc")
                incidents.append(
                    (
                        iid,
                        port.pk,
                        base + dt.timedelta(hours=5),
                        "lost_luggage",
                        "low",
                        "submitted",
                        actor.pk,
                        now,
                        now,
                        uuid.uuid4(),
                    )
                )
        day += dt.timedelta(days=1)

    # A bulk load into empty tables: the landings' triggers are switched off while copying (the
    # planner has no statistics yet, and would plan each trigger's refresh for tiny tables),
    # then the landings are made once from everything (``arrivals.services.landings``).
    kept = ["cases_case", "cases_individual", "arrivals_segment", "arrivals_segment_individuals",
            "arrivals_flight"]  # fmt: skip
    with connection.cursor() as cursor:
        for table in kept:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    _writer(
        Flight,
        [
            "carrier",
            "number",
            "scheduled_date",
            "port_id",
            "origin",
            "destination",
            "scheduled_departure",
            "scheduled_arrival",
            "actual_arrival",
            "status",
        ],
    )(flights)
    _writer(Case, ["case_number", "abn_number", "port_id", "status", "created_at", "updated_at"])(
        cases
    )
    _writer(
        Individual,
        [
            "case_id",
            "person_number",
            "given_names",
            "surname",
            "sex",
            "nationality",
            "primary_language",
            "immigration_category",
            "programme_status",
            "current_step",
            "current_step_at",
            "name_folded",
        ],
    )(people)
    _writer(Segment, ["case_id", "flight_id", "replaced_by_id", "direction", "created_at"])(
        segments
    )
    _writer(
        StepEvent,
        ["individual_id", "port_id", "from_step", "to_step", "at", "actor_id", "idempotency_key"],
    )(events)
    _writer(
        HotelBooking,
        [
            "case_id",
            "vendor_id",
            "check_in",
            "nights",
            "rooms",
            "cost",
            "meal_cost",
            "status",
            "idempotency_key",
            "created_by_id",
            "created_at",
            "updated_at",
        ],
    )(hotels)
    _writer(
        IncidentReport,
        [
            "port_id",
            "occurred_at",
            "category",
            "severity",
            "status",
            "author_id",
            "created_at",
            "updated_at",
            "draft_key",
        ],
    )(incidents)
    with connection.cursor() as cursor:
        for model in (Flight, Case, Individual, Segment, StepEvent, HotelBooking, IncidentReport):
            table = model._meta.db_table
            highest = f"SELECT max(id) FROM {table}"  # noqa: S608 — a model's table name
            cursor.execute(f"SELECT setval(pg_get_serial_sequence(%s, 'id'), ({highest}))", [table])
        cursor.execute("ANALYZE")
        for table in kept:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
    started = time.perf_counter()
    built = landings.rebuild()
    with connection.cursor() as cursor:
        # Vacuumed as well as analysed, as a database in service is: rows just copied in are
        # not yet marked all-visible, so index-only scans read the table too until autovacuum
        # gets to them — which it did in the middle of a run (a month's landings counted in
        # 63 ms before it, 5 ms after), moving the figures measured before and after.
        cursor.execute("VACUUM (ANALYZE)")
    print(f"landings made in {time.perf_counter() - started:.0f} s: {built.rows} rows", flush=True)
    return {
        "people": len(people),
        "events": len(events),
        "cases": len(cases),
        "flights": len(flights),
    }
