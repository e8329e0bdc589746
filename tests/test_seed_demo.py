"""manage.py seed_demo: the quick start's demo users, idempotent, refused in production."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from poe_ops.demo import DEMO_PASSWORD
from tests.second_factor import totp_code

pytestmark = pytest.mark.django_db

DEMO_HOMES = {
    "admin": "/board/",
    "atl.associate": "/ports/ATL/today/",
    "atl.senior": "/ports/ATL/today/",
    "atl.officer": "/ports/ATL/today/",
    "jfk.associate": "/ports/JFK/today/",
    "jfk.officer": "/ports/JFK/today/",
    "dc.ops": "/board/",
    "ny.ops": "/board/",
    "dc.protection": "/incidents/",
    "dc.medical": "/incidents/",
}


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


def test_it_is_refused_when_debug_is_off():
    with pytest.raises(CommandError, match="refused when DEBUG is off"):
        seed()
    assert not get_user_model().objects.exists()


def test_it_creates_the_demo_users_and_prints_the_logins():
    output = seed(force=True)
    assert "Demo logins (password: poe-demo-2026)" in output
    for username in DEMO_HOMES:
        assert username in output
    # Everyone who can sign in is listed; rostered demo staff have no usable password.
    can_sign_in = get_user_model().objects.exclude(password__startswith="!")
    assert set(can_sign_in.values_list("username", flat=True)) == set(DEMO_HOMES)


def test_it_is_idempotent():
    seed(force=True)
    from guardian.models import UserObjectPermission

    counts = (get_user_model().objects.count(), UserObjectPermission.objects.count())
    assert "0 new users" in seed(force=True)
    assert (get_user_model().objects.count(), UserObjectPermission.objects.count()) == counts


# Everyone but the associates signs in with a second factor; the demo's secrets are printed.
WITH_SECOND_FACTOR = set(DEMO_HOMES) - {"atl.associate", "jfk.associate"}


def printed_secret(output: str, username: str) -> str:
    found = re.search(
        rf"^  {re.escape(username)} .* · authenticator secret ([A-Z2-7]+)$",
        output,
        re.MULTILINE,
    )
    assert found, f"no secret printed for {username}"
    return found.group(1)


def test_demo_staff_list_each_language_once_whatever_its_code():
    """The staff screen read "Swahili (Fluent) · Swahili (Fluent)": a common "sw" and the
    arrivals' "swa" were both given to one person."""
    from poe_ops.languages import language_key
    from staffing.models import StaffLanguage

    seed(force=True)
    spoken: dict[int, list[str]] = {}
    for profile_id, code in StaffLanguage.objects.values_list("profile_id", "code"):
        spoken.setdefault(profile_id, []).append(language_key(code))
    assert spoken
    assert all(len(keys) == len(set(keys)) for keys in spoken.values())


@pytest.mark.parametrize(("username", "home"), sorted(DEMO_HOMES.items()))
def test_every_demo_user_signs_in_and_lands_home(client, username, home):
    output = seed(force=True)
    response = client.post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    landing = client.get("/")
    if username in WITH_SECOND_FACTOR:
        assert landing.headers["Location"].startswith("/accounts/second-factor/")
        code = totp_code(printed_secret(output, username))
        assert client.post("/accounts/second-factor/", {"code": code}).status_code == 302
        landing = client.get("/")
    else:
        assert "authenticator" not in output.split(f"  {username} ")[1].split("\n")[0]
    assert landing.headers["Location"] == home


def test_it_gives_offices_and_demo_staff_addresses_so_notifications_show_in_make_run():
    from poe_ops.models import OperationsOffice

    seed(force=True)
    assert OperationsOffice.objects.get(code="DC").recipient_list() == ["dc-operations@example.org"]
    assert get_user_model().objects.get(username="dc.ops").email == "dc.ops@example.org"


def test_it_seeds_vendors_and_overnight_transits_at_atl_and_jfk_once():
    from cases.models.bookings import GroundTransportBooking, HotelBooking, Vendor

    seed(force=True)
    counts = (
        Vendor.objects.count(),
        HotelBooking.objects.count(),
        GroundTransportBooking.objects.count(),
    )
    assert set(Vendor.objects.values_list("port__iata", flat=True)) == {"ATL", "JFK"}
    assert set(HotelBooking.objects.values_list("case__port__iata", flat=True)) == {"ATL", "JFK"}
    assert counts[1] >= 2 and counts[2] == counts[1]
    assert all(h.meals.exists() for h in HotelBooking.objects.all())
    seed(force=True)
    assert counts == (
        Vendor.objects.count(),
        HotelBooking.objects.count(),
        GroundTransportBooking.objects.count(),
    )


def test_it_seeds_incident_reports_at_atl_and_jfk_once(client):
    from reports.models import IncidentReport

    seed(force=True)
    seed(force=True)
    by_port = {(r.port.iata, r.status) for r in IncidentReport.objects.select_related("port").all()}
    assert by_port == {
        ("ATL", "approved"),
        ("ATL", "submitted"),
        ("ATL", "draft"),
        ("JFK", "returned"),
    }
    assert IncidentReport.objects.count() == 5
    protection = IncidentReport.objects.get(category="protection")
    assert protection.status == "submitted"
    client.force_login(get_user_model().objects.get(username="atl.officer"))
    inbox = client.get("/approvals/").content.decode()
    assert "Medical emergency / hospital" in inbox


@pytest.mark.slow
def test_the_quick_start_seeds_on_sqlite(tmp_path):
    """`make run`'s steps on SQLite, in a process of their own (the suite runs on PostgreSQL):
    migrate and seed_demo work there too, and end with the logins, not pages of log."""
    import os
    import subprocess
    import sys

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DEBUG": "true",
        "POE_VAR_DIR": str(tmp_path / "var"),
    }
    root = Path(__file__).resolve().parent.parent
    manage = [sys.executable, str(root / "manage.py")]
    for step in (["migrate", "--noinput", "-v", "0"], ["seed_demo"]):
        done = subprocess.run(
            [*manage, *step], env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("Demo data ready (10 new users,")
    assert "atl.associate" in done.stdout and len(lines) < 15
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) < 5
    assert list((tmp_path / "var" / "mail").iterdir())  # the demo's notifications, as files
