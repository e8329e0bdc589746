"""Start and stop gunicorn on loopback for the load benchmarks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.parse
from pathlib import Path

from django.db import connection

from bench.load import wait_until_up

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_gunicorn(workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn serving this checkout on a free loopback port, on the benchmark's throwaway
    database, with the floor URL (``bench.settings``) and each answer's time in the
    application (``bench.wsgi``); returns the process and its port."""
    port = _free_port()
    url = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    test_db = connection.settings_dict["NAME"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": urllib.parse.urlunsplit(url._replace(path=f"/{test_db}")),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import bench._checkout; from gunicorn.app.wsgiapp import run; run()",
            "bench.wsgi:application",  # the project's, timing each answer
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--worker-tmp-dir",
            "/dev/shm",  # noqa: S108 — as the Dockerfile runs it
            "--no-control-socket",
            "--log-level",
            "warning",
            # e.g. BENCH_GUNICORN_ARGS="--threads 4" to try another worker shape
            *os.environ.get("BENCH_GUNICORN_ARGS", "").split(),
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    wait_until_up(port)
    return process, port


def stop_gunicorn(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
