"""The benchmarks' CPU split (bench/cpu.py) counts this run's services only: on a shared machine
another engineer's PostgreSQL, Redis or gunicorn must not be read as the tap's cost."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator

import pytest

from bench.cpu import Snapshot

pytestmark = pytest.mark.skipif(
    not os.environ.get("POE_TEST_WORK_DIR"), reason="needs the services of scripts/with-services.sh"
)


@pytest.fixture
def someone_elses() -> Iterator[dict[str, str]]:
    """Processes named like another run's services, not started by this process (their parent
    shell has gone): a PostgreSQL backend, Redis on another port, a gunicorn worker."""
    names = {
        "postgres": "postgres: postgres other_db 127.0.0.1(40000) idle",
        "redis": "redis-server 127.0.0.1:1",
        "gunicorn": "gunicorn: worker [someone else]",
    }
    started: dict[str, str] = {}
    for kind, name in names.items():
        shell = subprocess.run(
            ["bash", "-c", f"(exec -a '{name}' sleep 60) >/dev/null 2>&1 & echo $!"],
            capture_output=True,
            text=True,
            check=True,
        )
        started[kind] = shell.stdout.strip()
    time.sleep(0.2)  # the names are set once ``exec`` has run
    yield started
    for pid in started.values():
        with contextlib.suppress(ProcessLookupError):
            os.kill(int(pid), signal.SIGTERM)


def test_it_counts_this_runs_postgresql_and_redis_and_no_one_elses(someone_elses):
    seconds = Snapshot.take().seconds
    kinds = {kind for kind, _cpu in seconds.values()}
    assert {"postgres", "redis", "client"} <= kinds  # the services make test started
    assert not set(someone_elses.values()) & set(seconds), {
        kind: pid for kind, pid in someone_elses.items() if pid in seconds
    }


def test_it_counts_a_gunicorn_this_process_started():
    child = subprocess.Popen(["bash", "-c", "exec -a 'gunicorn: worker [ours]' sleep 60"])
    try:
        time.sleep(0.2)
        assert Snapshot.take().seconds.get(str(child.pid), ("", 0))[0] == "gunicorn"
    finally:
        child.terminate()
        child.wait()
