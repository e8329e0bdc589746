"""Benchmark: the HQ board on a surge day and tablet check-in under 32 clients, against a floor.

`make bench` runs it (through ``bench/run.py``) on a throwaway PostgreSQL and Redis. By hand,
from the repository root, with DATABASE_URL, REDIS_URL, SECRET_KEY and ALLOWED_HOSTS set::

    python bench/bench_surge.py [--profile]

It creates a throwaway test database, seeds the surge day (``bench/surge.py``) and a quiet day
of 30 people, then measures (see bench/README.md): the board through the Django test client and
through gunicorn on loopback, the floor (a signed-in POST doing one row update), and check-in
taps from 32 signed-in clients; it counts lost and doubled steps in the database; then (issue 20
point 5) the same check-in against the running gunicorn and a second one with twice the workers,
in turns, with lock waits sampled from PostgreSQL; it stops both gunicorns and destroys the
database. Each figure is printed as a ``BENCH-ROW`` JSON line for the runner.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import os
import pstats
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from bench._setup import on_throwaway_database  # noqa: E402
from bench.checkin import (  # noqa: E402
    CHECKIN_ROUNDS,
    CLIENTS,
    WORKERS,
    checkin_rounds,
    mixed_run,
    report_checkin,
)
from bench.load import Session, interleaved, login  # noqa: E402
from bench.report import emit  # noqa: E402
from bench.scale import scale_run  # noqa: E402
from bench.server import start_gunicorn, stop_gunicorn  # noqa: E402
from tests.second_factor import SignedInClient  # noqa: E402

REPEATS = 30
PEOPLE_PER_ROUND = 6  # each client's, a round: expected → met → CBP cleared (12 taps)
PEOPLE_MIXED = 12  # each client's, taps and floor requests taking turns (24 of each)
FLOOR_PER_CLIENT = 25  # before the first round of taps, and after each
PASSWORD = "bench-password-not-secret"  # noqa: S105
PROFILE = "--profile" in sys.argv
# Issue 20: every verdict a ratio to a floor measured in the same run.
BOARD_RATIO = 15.0  # surge board p50 ≤ 15× the floor's p50 (test client, both)
SCALE_RATIO = 2.0  # board(3,000) ÷ board(30)


def _users() -> tuple[Any, list[Any]]:
    from poe_ops.models import OperationsOffice, Port
    from poe_ops.roles import Role, add_to_office, assign_port_role
    from tests.factories import make_user

    hq = make_user("bench.hq")
    hq.set_password(PASSWORD)
    hq.save()
    for office in OperationsOffice.objects.all():
        add_to_office(hq, office)  # sees all seven ports
    atl = Port.objects.get(iata="ATL")
    associates = []
    for i in range(CLIENTS):
        user = make_user(f"bench.associate{i:02d}")
        user.set_password(PASSWORD)
        user.save()
        assign_port_role(user, atl, Role.ASSOCIATE)
        associates.append(user)
    return hq, associates


def _past_second_factor(session: Session, user: Any) -> Session:
    """HQ signs in with a second factor (issue 19): mark the signed-in session as past it, as
    the code page would, so the board is measured, not the code page."""
    from importlib import import_module

    from django.conf import settings
    from django_otp import DEVICE_ID_SESSION_KEY

    from tests.second_factor import app_of

    store = import_module(settings.SESSION_ENGINE).SessionStore(session.cookies["sessionid"])
    store[DEVICE_ID_SESSION_KEY] = app_of(user).persistent_id
    store.save()
    return session


def _timed_get(client: Client, url: str, expect: str = "") -> Callable[[], float]:
    def call() -> float:
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        assert not expect or expect in response.content.decode(), f"{url}: no {expect!r}"
        return elapsed

    return call


def _profile(label: str, call: Callable[[], object]) -> None:
    with CaptureQueriesContext(connection) as queries:
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        call()
        profiler.disable()
        elapsed = time.perf_counter() - started
    sql = sum(float(q["time"]) for q in queries.captured_queries)
    print(
        f"\n=== profile: {label}: {elapsed * 1000:.0f} ms under cProfile, "
        f"{len(queries)} queries, {sql * 1000:.0f} ms in SQL ==="
    )
    for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:5]:
        print(f"  {float(q['time']) * 1000:6.1f} ms  {q['sql'][:150]}")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(15)
    print(out.getvalue())


def run() -> int:
    from bench.surge import seed_quiet, seed_surge

    surge_day = dt.date.today()
    quiet_day = surge_day + dt.timedelta(days=1)
    started = time.perf_counter()
    surge = seed_surge(surge_day)
    seed_quiet(quiet_day)
    hq, associates = _users()
    if connection.vendor == "postgresql":
        # Fresh statistics, as autovacuum keeps them on a live database: without them the
        # planner takes the just-loaded tables for empty and joins the board's queries by
        # nested loops over thousands of rows (20 ms instead of 1 for the quiet day's legs).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    emit(
        "seed",
        "seed the surge day (3,000 people, 800 cases, 90 flights, 7 ports) and a quiet day",
        time.perf_counter() - started,
        "s",
    )
    board_url = f"/board/?date={surge_day}"
    quiet_url = f"/board/?date={quiet_day}"

    # --- Django test client: server time, in process -----------------------------------------
    client = SignedInClient()
    client.force_login(hq)  # past the second factor, as HQ is after signing in
    with CaptureQueriesContext(connection) as captured:
        client.get(board_url)
    board_queries = len(captured.captured_queries)
    floor_client = Client()
    floor_client.force_login(associates[0])

    def floor_call() -> float:
        t = time.perf_counter()
        assert floor_client.post("/bench/floor/").status_code == 200
        return time.perf_counter() - t

    # Taking turns (board, quiet board, floor, …): the ratios compare like with like.
    surge_tc, quiet_tc, floor_tc = interleaved(
        [
            _timed_get(client, board_url, "<dt>People</dt><dd>3000</dd>"),
            _timed_get(client, quiet_url, "<dt>People</dt><dd>30</dd>"),
            floor_call,
        ],
        REPEATS,
    )
    emit("floor_tc", "floor (one row update), Django test client, p50", floor_tc.p50_ms, "ms")
    emit(
        "board_tc",
        "board, surge day, Django test client, p50 (p95)",
        surge_tc.p50_ms,
        "ms",
        f"p50 ≤ {BOARD_RATIO:g}× floor",
        surge_tc.p50_ms <= BOARD_RATIO * floor_tc.p50_ms,
        p95=round(surge_tc.p95_ms, 1),
        ratio=f"{surge_tc.p50_ms / floor_tc.p50_ms:.0f}× floor",
        queries=board_queries,
    )
    emit(
        "board_quiet_tc",
        "board, 30 people, Django test client, p50 (p95)",
        quiet_tc.p50_ms,
        "ms",
        p95=round(quiet_tc.p95_ms, 1),
        ratio=f"{quiet_tc.p50_ms / floor_tc.p50_ms:.0f}× floor",
    )
    scale = surge_tc.p50_ms / quiet_tc.p50_ms
    emit(
        "board_scale",
        "board 3,000 people ÷ board 30 people (p50, test client)",
        scale,
        "×",
        f"≤ {SCALE_RATIO:g}×",
        scale <= SCALE_RATIO,
    )

    # The same, each request rendering afresh (as the first screen after a change does): the
    # figures above are what the 30-second polls of every HQ screen get, these what one of
    # them pays once per change and interval (issue 20 point 3: the body cached per port set).
    from poe_ops import versions

    def cold(call: Callable[[], float]) -> Callable[[], float]:
        def after_a_change() -> float:
            versions.changed([None])
            return call()

        return after_a_change

    surge_cold, quiet_cold, floor_cold = interleaved(
        [
            cold(_timed_get(client, board_url, "<dt>People</dt><dd>3000</dd>")),
            cold(_timed_get(client, quiet_url, "<dt>People</dt><dd>30</dd>")),
            floor_call,
        ],
        REPEATS,
    )
    emit(
        "board_cold_tc",
        "board, surge day, rendered afresh (after a change), test client, p50 (p95)",
        surge_cold.p50_ms,
        "ms",
        p95=round(surge_cold.p95_ms, 1),
        ratio=f"{surge_cold.p50_ms / floor_cold.p50_ms:.0f}× floor",
    )
    quiet_ratio = quiet_cold.p50_ms / floor_cold.p50_ms
    emit(
        "board_cold_scale",
        "board rendered afresh: 3,000 people ÷ 30 people (p50, test client)",
        surge_cold.p50_ms / quiet_cold.p50_ms,
        "×",
        ratio=f"quiet {quiet_cold.p50_ms:.0f} ms: {quiet_ratio:.0f}× floor",
    )

    if PROFILE:
        versions.changed([None])  # the profile is of a render, not of a cache hit
        _profile("board, surge day", lambda: client.get(board_url))
        case_id, people = next(iter(surge.expected_atl.items()))
        surge.expected_atl.pop(case_id)
        tablet = Client()
        tablet.force_login(associates[0])
        tablet.post("/bench/floor/")  # the first request loads the middleware: not profiled
        # One tap first, not profiled either, so the profile is of a warm process (templates
        # compiled and cached, as in a gunicorn worker after its first tap), not of loading.
        warm_case, warm_people = next(iter(surge.expected_atl.items()))
        surge.expected_atl.pop(warm_case)
        warm_pk, warm_flight = warm_people[0]
        tablet.post(
            f"/ports/ATL/individuals/{warm_pk}/step/",
            {"step": "met", "key": str(uuid.uuid4()), "flight": str(warm_flight)},
            headers={"HX-Request": "true"},
        )
        pk, flight = people[0]
        _profile(
            "check-in step (expected → met), htmx",
            lambda: tablet.post(
                f"/ports/ATL/individuals/{pk}/step/",
                {"step": "met", "key": str(uuid.uuid4()), "flight": str(flight)},
                headers={"HX-Request": "true"},
            ),
        )

    # --- gunicorn on loopback ----------------------------------------------------------------
    process, port = start_gunicorn(WORKERS)
    try:
        hq_session = _past_second_factor(login(port, "bench.hq", PASSWORD), hq)

        def get(url: str) -> Callable[[], float]:
            def call() -> float:
                status, _body, elapsed = hq_session.request("GET", url)
                assert status == 200, (url, status)
                return elapsed

            return call

        sessions = [login(port, u.username, PASSWORD) for u in associates]

        def floor_post(s: Session) -> Callable[[], float]:
            def call() -> float:
                status, elapsed = s.post("/bench/floor/", {}, htmx=False)
                assert status == 200, status
                return elapsed

            return call

        surge_gu, quiet_gu, floor_seq = interleaved(
            [get(board_url), get(quiet_url), floor_post(sessions[0])], REPEATS, warmup=2 * WORKERS
        )
        emit("floor_seq", "floor, gunicorn, one client, p50", floor_seq.p50_ms, "ms")
        emit(
            "board_gu",
            "board, surge day, gunicorn, one client, p50 (p95)",
            surge_gu.p50_ms,
            "ms",
            p95=round(surge_gu.p95_ms, 1),
            ratio=f"{surge_gu.p50_ms / floor_seq.p50_ms:.0f}× floor",
        )
        emit(
            "board_quiet_gu",
            "board, 30 people, gunicorn, one client, p50 (p95)",
            quiet_gu.p50_ms,
            "ms",
            p95=round(quiet_gu.p95_ms, 1),
            ratio=f"{quiet_gu.p50_ms / floor_seq.p50_ms:.0f}× floor",
        )

        found = checkin_rounds(
            sessions, surge.expected_atl, CHECKIN_ROUNDS, PEOPLE_PER_ROUND, FLOOR_PER_CLIENT
        )
        mixed = mixed_run(
            sessions, surge.expected_atl, PEOPLE_MIXED, skip=CHECKIN_ROUNDS * PEOPLE_PER_ROUND
        )
        status = report_checkin(found, mixed)
        scale_run(surge_day, sessions, port)
    finally:
        stop_gunicorn(process)
    return status


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
