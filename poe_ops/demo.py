"""The core's demo data for the quick start: the role groups, the offices' demo recipients and
the demo users (password below, published in the README). Each app adds its own demo data
through ``poe_ops.registry.register_demo``; ``manage.py seed_demo`` runs them all."""

from __future__ import annotations

import hashlib
from base64 import b32encode
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from poe_ops.models import OperationsOffice, Port
from poe_ops.roles import (
    Role,
    add_focal_point,
    add_to_office,
    assign_port_role,
    ensure_role_groups,
    role_group,
)
from poe_ops.services.second_factor import APP_DEVICE_NAME, requires_second_factor

DEMO_PASSWORD = "poe-demo-2026"  # noqa: S105 - published demo password, refused in production

# username, first name, last name, role, port or office code
DEMO_USERS: list[tuple[str, str, str, Role, str]] = [
    ("atl.associate", "Amina", "Haidari", Role.ASSOCIATE, "ATL"),
    ("atl.senior", "Daniel", "Okafor", Role.SENIOR, "ATL"),
    ("atl.officer", "Grace", "Mwangi", Role.OFFICER, "ATL"),
    ("jfk.associate", "Yusuf", "Rahimi", Role.ASSOCIATE, "JFK"),
    ("jfk.officer", "Elena", "Vargas", Role.OFFICER, "JFK"),
    ("dc.ops", "Sarah", "Whitfield", Role.HQ, "DC"),
    ("ny.ops", "Marcus", "Levin", Role.HQ, "NY"),
    ("dc.protection", "Nadia", "Karimi", Role.PROTECTION, "DC"),
    ("dc.medical", "Samuel", "Osei", Role.MEDICAL, "DC"),
]
OFFICE_ROLES = (Role.HQ, Role.PROTECTION, Role.MEDICAL)


def seed_core() -> int:
    """Roles, office recipients and demo users; returns how many users were created."""
    with transaction.atomic():
        ensure_role_groups()
        seed_office_recipients()
        created = seed_users()
        seed_second_factors()
        return created


def demo_totp_key(username: str) -> str:
    """The demo user's authenticator secret (hex, 20 bytes), derived from the user name so
    that it is the same on every machine and can be published in the README, like the demo
    password. Production accounts enrol their own random secret."""
    return hashlib.sha256(f"poe-ops-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_totp_secret(username: str) -> str:
    """The same secret in base32, as typed into an authenticator app."""
    return b32encode(bytes.fromhex(demo_totp_key(username))).decode("ascii")


def seed_second_factors() -> int:
    """Give every demo user who needs a second factor an authenticator app with the published
    secret, so the demo can be tried (``manage.py demo_code <user>`` prints the current code).
    Returns how many were made."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    made = 0
    for person in get_user_model().objects.filter(username__in=demo_usernames()):
        if not requires_second_factor(person):
            continue
        _, created = TOTPDevice.objects.get_or_create(
            user=person,
            confirmed=True,
            defaults={"name": APP_DEVICE_NAME, "key": demo_totp_key(person.username)},
        )
        made += created
    return made


def demo_usernames() -> list[str]:
    return ["admin", *(username for username, *_ in DEMO_USERS)]


def user(username: str) -> Any:
    """A demo user by name, or None when seed_core has not made them."""
    return get_user_model().objects.filter(username=username).first()


def ports_with_demo_staff() -> list[Port]:
    """The ports where demo users work (not HQ), for the apps' demo data."""
    codes = {where for _u, _f, _l, role, where in DEMO_USERS if role not in OFFICE_ROLES}
    return list(Port.objects.filter(iata__in=sorted(codes)))


def seed_office_recipients() -> None:
    """Give each office a demo recipient list, so `make run` prints notification emails."""
    for office in OperationsOffice.objects.filter(notification_emails=""):
        office.notification_emails = f"{office.code.lower()}-operations@example.org"
        office.save(update_fields=["notification_emails"])


def seed_users() -> int:
    User = get_user_model()
    created = 0
    admin, is_new = User.objects.get_or_create(
        username="admin",
        defaults={
            "is_staff": True,
            "is_superuser": True,
            "first_name": "Demo",
            "last_name": "Administrator",
        },
    )
    if is_new:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
        admin.groups.add(role_group(Role.ADMIN))
        created += 1
    for username, first, last, role, where in DEMO_USERS:
        user, is_new = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.org",
            },
        )
        if is_new:
            user.set_password(DEMO_PASSWORD)
            user.save()
            created += 1
        if role is Role.HQ:
            add_to_office(user, OperationsOffice.objects.get(code=where))
        elif role in OFFICE_ROLES:
            add_focal_point(user, OperationsOffice.objects.get(code=where), role)
        else:
            assign_port_role(user, Port.objects.get(iata=where), role)
    return created


def logins_table() -> str:
    rows = [("admin", "Administrator (superuser)", "all ports, /admin/")]
    for username, _first, _last, role, where in DEMO_USERS:
        rows.append((username, role.label, where))
    width = max(len(r[0]) for r in rows)
    with_app = set(
        get_user_model()
        .objects.filter(username__in=demo_usernames(), totpdevice__confirmed=True)
        .values_list("username", flat=True)
    )
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    for username, label, where in rows:
        line = f"  {username.ljust(width)}  {label} — {where}"
        if username in with_app:
            line += f" · authenticator secret {demo_totp_secret(username)}"
        lines.append(line)
    lines.append(
        "Current second-factor code of a demo user: .venv/bin/python manage.py demo_code <user>"
    )
    return "\n".join(lines)
