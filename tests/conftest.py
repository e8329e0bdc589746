"""Shared fixtures: the named users every permission test needs, one per role and port.

Like healthchecks' base test: an ATL associate, senior and officer, a JFK associate and officer,
DC and NY Operations HQ staff, DC's protection and medical focal points (and NY's protection
focal point), and an outsider with an account but no port. Also private files
in a directory of the test's own (``private_storage``) and the real broker (``broker``).
Browser fixtures are in ``tests/browser/conftest.py``.

``client.force_login(user)`` signs ``user`` in completely: with the second factor too when their
role needs one (``tests.second_factor.pass_second_factor``). Tests of the second factor itself
sign in with the password (``client.login`` or the login form) and go through its pages."""

from __future__ import annotations

import glob
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from cases.models import ResettlementAgency
from cases.reference import load_agencies
from poe_ops.models import OperationsOffice, Port
from poe_ops.reference import load_reference_data
from poe_ops.roles import Role, add_focal_point, add_to_office, sync_office_permissions
from tests.factories import make_port_user, make_user
from tests.second_factor import SignedInClient


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"DATABASE_URL host: {os.environ.get('DATABASE_URL', 'unset (SQLite)').split('@')[-1]}",
        f"REDIS_URL: {os.environ.get('REDIS_URL', 'unset (eager tasks)')}",
    ]


@pytest.fixture
def client() -> SignedInClient:
    """Django's test client, whose ``force_login`` also passes the second factor."""
    return SignedInClient()


@pytest.fixture
def reference_data(db) -> None:
    """The offices and ports the data migration loads. Transactional tests (browser, worker,
    concurrency) empty every table after each test, so they are put back when missing."""
    if not Port.objects.exists():
        load_reference_data(OperationsOffice, Port)
        sync_office_permissions()
    if not ResettlementAgency.objects.exists():
        load_agencies(ResettlementAgency)


@pytest.fixture
def atl(reference_data) -> Port:
    return Port.objects.get(iata="ATL")


@pytest.fixture
def jfk(reference_data) -> Port:
    return Port.objects.get(iata="JFK")


@pytest.fixture
def atl_associate(atl):
    return make_port_user("atl.associate", atl, Role.ASSOCIATE)


@pytest.fixture
def atl_senior(atl):
    return make_port_user("atl.senior", atl, Role.SENIOR)


@pytest.fixture
def atl_officer(atl):
    return make_port_user("atl.officer", atl, Role.OFFICER)


@pytest.fixture
def jfk_associate(jfk):
    return make_port_user("jfk.associate", jfk, Role.ASSOCIATE)


@pytest.fixture
def jfk_officer(jfk):
    return make_port_user("jfk.officer", jfk, Role.OFFICER)


@pytest.fixture
def dc_ops(reference_data):
    user = make_user("dc.ops")
    add_to_office(user, OperationsOffice.objects.get(code="DC"))
    return user


@pytest.fixture
def ny_ops(reference_data):
    user = make_user("ny.ops")
    add_to_office(user, OperationsOffice.objects.get(code="NY"))
    return user


@pytest.fixture
def dc_protection(reference_data):
    """The protection focal point of Operations HQ DC (ATL's office)."""
    user = make_user("dc.protection")
    add_focal_point(user, OperationsOffice.objects.get(code="DC"), Role.PROTECTION)
    return user


@pytest.fixture
def ny_protection(reference_data):
    user = make_user("ny.protection")
    add_focal_point(user, OperationsOffice.objects.get(code="NY"), Role.PROTECTION)
    return user


@pytest.fixture
def dc_medical(reference_data):
    """The medical focal point of Operations HQ DC."""
    user = make_user("dc.medical")
    add_focal_point(user, OperationsOffice.objects.get(code="DC"), Role.MEDICAL)
    return user


@pytest.fixture
def outsider(db):
    """Has an account, holds no port and no office."""
    return make_user("outsider")


@pytest.fixture
def private_storage(settings, tmp_path) -> Path:
    """Private files (PDFs, incident photos) go to a directory of this test's own, with no
    public URL, as in production; the directory is returned."""
    location = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    return location


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness is for attackers, not for a test suite of many logins."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Broker:
    """The test run's own Redis (started by scripts/with-services.sh), stopped and started
    again for real to show what an outage does."""

    def __init__(self) -> None:
        self.port = os.environ["POE_TEST_REDIS_PORT"]
        self.work = os.environ["POE_TEST_WORK_DIR"]
        self.down = False

    def _answers(self) -> bool:
        ping = subprocess.run(
            ["redis-cli", "-p", self.port, "ping"], capture_output=True, text=True, check=False
        )
        return ping.stdout.strip() == "PONG"

    def stop(self) -> None:
        subprocess.run(["redis-cli", "-p", self.port, "shutdown", "nosave"], capture_output=True)
        for _ in range(50):
            if not self._answers():
                break
            time.sleep(0.1)
        self.down = True

    def start(self) -> None:
        subprocess.run(
            [
                "redis-server",
                "--bind",
                "127.0.0.1",
                "--port",
                self.port,
                "--daemonize",
                "yes",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                self.work,
                "--pidfile",
                f"{self.work}/redis.pid",
                "--logfile",
                f"{self.work}/redis.log",
            ],
            check=True,
        )
        for _ in range(50):
            if self._answers():
                break
            time.sleep(0.1)
        self.down = False


@pytest.fixture
def broker():
    """Stop and start the real broker; it is always running again after the test."""
    handle = Broker()
    yield handle
    if handle.down:
        handle.start()


class Database:
    """The test run's own PostgreSQL (started by scripts/with-services.sh), stopped, started and
    restarted for real (``pg_ctl`` as the postgres user when we are root), to show what a
    restart does to the workers."""

    def __init__(self) -> None:
        self.work = os.environ["POE_TEST_WORK_DIR"]
        self.port = str(urlparse(os.environ["DATABASE_URL"]).port)
        self.pg_ctl = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))[-1]
        self.down = False

    def _pg_ctl(self, *args: str) -> None:
        command = [self.pg_ctl, "-D", f"{self.work}/pg", "-l", f"{self.work}/pg.log", *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def _forget_connections(self) -> None:
        # This thread's connections died with the server; the next query opens a new one.
        from django.db import connections

        connections.close_all()

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: every open connection is cut, as in production."""
        self._pg_ctl("-m", "fast", "-w", "-t", "30", "restart")
        self._forget_connections()

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "-w", "-t", "30", "stop")
        self.down = True

    def start(self) -> None:
        # The options of the first start (port, socket directory, …) are kept in postmaster.opts;
        # pg_ctl start does not reuse them, so they are read back from there.
        opts = Path(self.work, "pg", "postmaster.opts").read_text().split(" ", 1)[1].strip()
        self._pg_ctl("-w", "-t", "30", "-o", _options_of(opts), "start")
        self.down = False
        self._forget_connections()


def _options_of(postmaster_opts: str) -> str:
    """The server options in postmaster.opts (``"-D" "/…/pg" "-c" "…"``), without the data
    directory pg_ctl passes itself."""
    import shlex

    words = shlex.split(postmaster_opts)
    kept: list[str] = []
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "-D":
            skip = True
            continue
        kept.append(word)
    return shlex.join(kept)


@pytest.fixture
def database():
    """Restart, stop and start the real PostgreSQL; it is always running again after the test."""
    handle = Database()
    yield handle
    if handle.down:
        handle.start()
