"""Issue 20 point 5, in a run: the surge check-in against gunicorn with the normal worker count
and with twice as many, in turns, on people of their own, with lock waits sampled from
PostgreSQL (``pg_stat_activity``, ``pg_locks``) — whether taps scale with processes, not locks."""

from __future__ import annotations

import datetime as dt
import os
import statistics
import threading
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection

from bench.checkin import CLIENTS, WORKERS, checkin_task, floor_posts, integrity
from bench.load import LoadResult, Session, pooled, run_clients
from bench.report import emit
from bench.server import start_gunicorn, stop_gunicorn

# Issue 20 point 5: the same check-in against gunicorn with the normal worker count and with
# twice as many, taking turns (normal, double, double, normal) on people of their own.
SCALE_PASSES = ("normal", "double", "double", "normal")
SCALE_PEOPLE_PER_CLIENT = 10  # a pass: 20 taps a client, 640 in all
SCALE_SEED_PEOPLE = 3200  # ATL only, ≈ 60% still expected: 40 a client for four passes
# The verdict is about locks (docs/decisions.md, 2026-11-30): backends waiting on a lock, on
# average over the passes of each server, at most this — about none. The taps/s ratio of 2× the
# workers to the normal count is printed beside it; where it falls below SCALE_RATE_RATIO with
# no lock waits, the lost rate is CPU contention (the load client, both gunicorns and
# PostgreSQL on the same cores), not locking, and the output says so.
SCALE_LOCK_WAITS = 0.1
SCALE_RATE_RATIO = 0.8
LOCK_SAMPLE_SECONDS = 0.05


@dataclass
class LockWaits:
    """What ``pg_stat_activity`` and ``pg_locks`` showed, sampled every
    ``LOCK_SAMPLE_SECONDS`` while a load ran: per sample, the backends of the bench's database
    waiting on a lock (a row, a tuple, a transaction: ``wait_event_type = 'Lock'``), the
    ungranted entries in ``pg_locks``, the backends running a statement and those inside a
    transaction (running or between statements: a tap holding its case's row lock)."""

    waiting: list[int] = field(default_factory=list)
    ungranted: list[int] = field(default_factory=list)
    active: list[int] = field(default_factory=list)
    in_transaction: list[int] = field(default_factory=list)
    events: Counter[str] = field(default_factory=Counter)

    def add(self, other: LockWaits) -> LockWaits:
        return LockWaits(
            self.waiting + other.waiting,
            self.ungranted + other.ungranted,
            self.active + other.active,
            self.in_transaction + other.in_transaction,
            self.events + other.events,
        )

    @property
    def mean(self) -> float:
        return statistics.fmean(self.waiting) if self.waiting else 0.0

    def __str__(self) -> str:
        if not self.waiting:
            return "no samples"
        waited = sum(1 for n in self.waiting if n)
        kinds = ", ".join(f"{k} {n}" for k, n in self.events.most_common(3))
        return (
            f"{len(self.waiting)} samples: waiting on a lock at most {max(self.waiting)}, "
            f"mean {self.mean:.2f} (in {waited} samples); ungranted pg_locks at most "
            f"{max(self.ungranted)}; backends running a statement mean "
            f"{statistics.fmean(self.active):.2f}, in a transaction mean "
            f"{statistics.fmean(self.in_transaction):.2f} (at most {max(self.in_transaction)})"
            + (f"; waits: {kinds}" if kinds else "")
        )


class LockSampler:
    """A thread with its own connection to the bench's database, sampling lock waits until
    stopped. ``with LockSampler() as sampler: …`` then ``sampler.found``."""

    SQL = """
        SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'),
               count(*) FILTER (WHERE state = 'active'),
               count(*) FILTER (WHERE xact_start IS NOT NULL),
               (SELECT count(*) FROM pg_locks WHERE NOT granted),
               coalesce(string_agg(wait_event, ',') FILTER (WHERE wait_event_type = 'Lock'), '')
          FROM pg_stat_activity
         WHERE datname = current_database() AND pid <> pg_backend_pid()
    """

    def __init__(self) -> None:
        self.found = LockWaits()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> LockSampler:
        import psycopg

        url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
        test_db = connection.settings_dict["NAME"]
        self._conn = psycopg.connect(urllib.parse.urlunsplit(url._replace(path=f"/{test_db}")))
        self._conn.autocommit = True
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(LOCK_SAMPLE_SECONDS):
            row = self._conn.execute(self.SQL).fetchone()
            if row is None:
                continue
            waiting, active, in_transaction, ungranted, events = row
            self.found.waiting.append(int(waiting))
            self.found.active.append(int(active))
            self.found.in_transaction.append(int(in_transaction))
            self.found.ungranted.append(int(ungranted))
            self.found.events.update(e for e in str(events).split(",") if e)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(10)
        self._conn.close()


def scale_run(day: dt.date, sessions: list[Session], normal_port: int) -> None:
    """Issue 20 point 5: the check-in at ``CLIENTS`` clients against gunicorn with the normal
    worker count (the server already running) and with twice as many (a second gunicorn on the
    same database), in turns — normal, double, double, normal — each pass on people of its
    own, with lock waits sampled from PostgreSQL throughout. Both servers share the machine
    with the load client and PostgreSQL, so on 2 cores the point is not a speed-up but that
    taps do not queue on locks and 2× the processes lose no throughput to locking."""
    from bench.surge import seed_day

    began = time.perf_counter()
    seeded = seed_day(
        day, SCALE_SEED_PEOPLE, 700, 40, prefix="SCALE", shares={"ATL": 1.0}, seed=7
    ).expected_atl
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    double_process, double_port = start_gunicorn(2 * WORKERS)
    try:
        ports = {"normal": normal_port, "double": double_port}
        # The same signed-in tablets against either server (sessions live in PostgreSQL).
        clients = {
            kind: [Session(port, dict(s.cookies)) for s in sessions] for kind, port in ports.items()
        }
        for kind in ports:  # warm every worker of both servers before anything is counted
            warm = run_clients(clients[kind], floor_posts(clients[kind], 3))
            assert warm.ok == len(warm.latencies.seconds), warm.statuses
        results: dict[str, list[LoadResult]] = {"normal": [], "double": []}
        waits = {"normal": LockWaits(), "double": LockWaits()}
        for n, kind in enumerate(SCALE_PASSES):
            task = checkin_task(
                clients[kind], seeded, SCALE_PEOPLE_PER_CLIENT, skip=n * SCALE_PEOPLE_PER_CLIENT
            )
            with LockSampler() as sampler:
                result = run_clients(clients[kind], task)
            results[kind].append(result)
            waits[kind] = waits[kind].add(sampler.found)
            print(
                f"scale pass {n + 1} ({kind}, {WORKERS * (2 if kind == 'double' else 1)} "
                f"workers): {result.rate:.1f} taps/s, p95 {result.latencies.p95_ms:.0f} ms; "
                f"{sampler.found}; load {os.getloadavg()[0]:.2f}",
                flush=True,
            )
    finally:
        stop_gunicorn(double_process)
    normal, double = pooled(*results["normal"]), pooled(*results["double"])
    counted = integrity(normal.log + double.log)
    rate_ratio = double.rate / normal.rate
    locks_ok = max(waits["normal"].mean, waits["double"].mean) <= SCALE_LOCK_WAITS
    concurrency = {
        kind: statistics.fmean(found.in_transaction) if found.in_transaction else 0.0
        for kind, found in waits.items()
    }
    for kind, pooled_result in (("normal", normal), ("double", double)):
        workers = WORKERS * (2 if kind == "double" else 1)
        emit(
            f"scale_{kind}",
            f"check-in, {CLIENTS} clients, gunicorn with {workers} workers: taps/s "
            "(p95; lock waits sampled from pg_stat_activity / pg_locks)",
            pooled_result.rate,
            "taps/s",
            p95=round(pooled_result.latencies.p95_ms, 1),
            detail=str(waits[kind]),
        )
    ok = locks_ok and counted.ok
    emit(
        "scale_ratio",
        f"check-in with {2 * WORKERS} workers ÷ with {WORKERS}: taps/s (p95 ratio); "
        "lock waits; lost / doubled",
        rate_ratio,
        "×",
        f"lock waits ≤ {SCALE_LOCK_WAITS:g} backends on average, 0 lost/doubled "
        "(the ratio beside it: no speed-up on 2 shared cores)",
        ok,
        ratio=f"p95 {double.latencies.p95_ms / normal.latencies.p95_ms:.2f}×",
        detail=(
            f"{counted}; in a transaction at once, mean {concurrency['normal']:.2f} with "
            f"{WORKERS} workers, {concurrency['double']:.2f} with {2 * WORKERS}"
        ),
    )
    if not ok:
        verdict = "NOT shown: taps waited on locks, or were lost or doubled (see above)"
    elif rate_ratio >= SCALE_RATE_RATIO:
        verdict = (
            "taps scale with processes, not with locks: no tap waited on a lock, and twice "
            "the workers kept the rate"
        )
    else:
        verdict = (
            f"no tap waited on a lock, yet twice the workers gave {rate_ratio:.2f}× the rate: "
            "with no lock waits that is contention for the CPU (more processes on the same "
            "cores), not locking"
        )
    print(
        f"scale: {2 * WORKERS} workers {double.rate:.1f} taps/s (p95 "
        f"{double.latencies.p95_ms:.0f} ms) vs {WORKERS} workers {normal.rate:.1f} taps/s (p95 "
        f"{normal.latencies.p95_ms:.0f} ms) = {rate_ratio:.2f}×; lock waits mean "
        f"{waits['normal'].mean:.2f} / {waits['double'].mean:.2f}; taps inside a transaction "
        f"at once, mean {concurrency['normal']:.2f} / {concurrency['double']:.2f}; {counted}.\n"
        f"  {verdict}. On a machine whose {os.cpu_count()} cores also run the load client and "
        "PostgreSQL, more workers cannot add CPU, so no speed-up is expected here; what this "
        "shows is whether the taps queued on locks. On separate hosts the rate grows with the "
        "cores given to the web processes until PostgreSQL's CPU is the limit.\n"
        f"  (the scale run took {time.perf_counter() - began:.0f} s, seeding included)",
        flush=True,
    )
