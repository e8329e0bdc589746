"""Shared fixtures: the named users every permission test needs, one per role and port.

Like healthchecks' base test: an ATL associate, senior and officer, a JFK associate and officer,
DC and NY Operations HQ staff, and an outsider with an account but no port."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth.models import AbstractBaseUser

from poe_ops.models import OperationsOffice, Port
from poe_ops.roles import Role, add_to_office, assign_port_role
from tests.factories import UserFactory

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"DATABASE_URL host: {os.environ.get('DATABASE_URL', 'unset (SQLite)').split('@')[-1]}",
        f"REDIS_URL: {os.environ.get('REDIS_URL', 'unset (eager tasks)')}",
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": BROWSER_ARGS}


@pytest.fixture
def atl(db) -> Port:
    return Port.objects.get(iata="ATL")


@pytest.fixture
def jfk(db) -> Port:
    return Port.objects.get(iata="JFK")


def _port_user(username: str, port: Port, role: Role) -> AbstractBaseUser:
    user = UserFactory(username=username)
    assign_port_role(user, port, role)
    return user


@pytest.fixture
def atl_associate(atl) -> AbstractBaseUser:
    return _port_user("atl.associate", atl, Role.ASSOCIATE)


@pytest.fixture
def atl_senior(atl) -> AbstractBaseUser:
    return _port_user("atl.senior", atl, Role.SENIOR)


@pytest.fixture
def atl_officer(atl) -> AbstractBaseUser:
    return _port_user("atl.officer", atl, Role.OFFICER)


@pytest.fixture
def jfk_associate(jfk) -> AbstractBaseUser:
    return _port_user("jfk.associate", jfk, Role.ASSOCIATE)


@pytest.fixture
def jfk_officer(jfk) -> AbstractBaseUser:
    return _port_user("jfk.officer", jfk, Role.OFFICER)


@pytest.fixture
def dc_ops(db) -> AbstractBaseUser:
    user = UserFactory(username="dc.ops")
    add_to_office(user, OperationsOffice.objects.get(code="DC"))
    return user


@pytest.fixture
def ny_ops(db) -> AbstractBaseUser:
    user = UserFactory(username="ny.ops")
    add_to_office(user, OperationsOffice.objects.get(code="NY"))
    return user


@pytest.fixture
def outsider(db) -> AbstractBaseUser:
    """Has an account, holds no port and no office."""
    return UserFactory(username="outsider")
