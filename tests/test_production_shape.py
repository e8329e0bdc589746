"""The production shape (issue 19): the compose file publishes the web port on loopback only and
checks the worker by its heartbeat; gunicorn runs with timeouts and header limits; bodies too
big are refused before they are read — by a real gunicorn serving the application."""

from __future__ import annotations

import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "docker" / "gunicorn.conf.py"


def compose_config() -> dict:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SECRET_KEY": "x" * 50,
        "ALLOWED_HOSTS": "poe-ops.example.org",
        "POSTGRES_PASSWORD": "check",
    }
    done = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return yaml.safe_load(done.stdout)


def test_compose_publishes_the_web_port_on_loopback_only():
    services = compose_config()["services"]
    published = {name: s.get("ports", []) for name, s in services.items() if s.get("ports")}
    assert published == {"web": ["127.0.0.1:8000:8000/tcp"]}
    assert services["web"]["environment"]["BEHIND_TLS_PROXY"] == "true"


def test_compose_checks_the_worker_by_its_heartbeat_not_by_ping():
    services = compose_config()["services"]
    assert services["worker"]["healthcheck"]["test"] == [
        "CMD",
        "python",
        "manage.py",
        "healthcheck",
        "worker",
    ]


def test_compose_refuses_to_start_without_its_secrets():
    done = subprocess.run(
        ["docker-compose", "-f", str(ROOT / "docker-compose.yml"), "config", "-q"],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "set SECRET_KEY" in done.stderr or "set POSTGRES_PASSWORD" in done.stderr


def test_gunicorn_bounds_each_request():
    conf = runpy.run_path(str(GUNICORN_CONF))
    assert conf["timeout"] <= 30
    assert conf["limit_request_fields"] <= 100
    assert conf["limit_request_line"] <= 8190
    assert conf["max_requests"] > 0
    assert "docker/gunicorn.conf.py" in (ROOT / "Dockerfile").read_text()


@pytest.fixture
def gunicorn_server(tmp_path):
    """The application under gunicorn with the production configuration, on a free port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "WEB_CONCURRENCY": "1", "SECURE_SSL_REDIRECT": "false"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "poe_ops.wsgi:application",
            "--config",
            str(GUNICORN_CONF),
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            "--access-logfile",
            str(tmp_path / "access.log"),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "w"),  # noqa: SIM115
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.2)
    else:
        server.kill()
        raise AssertionError((tmp_path / "gunicorn.log").read_text())
    yield port
    server.terminate()
    server.wait(timeout=30)


def raw_request(port: int, head: str, body: bytes = b"") -> str:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(head.encode() + body)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.slow
def test_a_real_gunicorn_refuses_what_would_hold_a_worker(gunicorn_server):
    port = gunicorn_server
    warm = raw_request(
        port, "GET /accounts/login/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    )
    assert warm.startswith("HTTP/1.1 200"), warm[:200]
    # A body announced as 50 MB (never sent) is answered without waiting for it: otherwise the
    # worker would wait for it until gunicorn's timeout (30 s).
    started = time.monotonic()
    answer = raw_request(
        port,
        "POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {50 * 1024 * 1024}\r\nConnection: close\r\n\r\n",
        b"username=a",
    )
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "POE Ops takes at most 12 MB at once" in answer
    assert time.monotonic() - started < 10
    # Too many header fields: refused by gunicorn before Django.
    headers = "".join(f"X-Padding-{n}: x\r\n" for n in range(80))
    answer = raw_request(
        port,
        f"GET /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n{headers}Connection: close\r\n\r\n",
    )
    assert answer.startswith("HTTP/1.1 431"), answer[:200]  # Request Header Fields Too Large
