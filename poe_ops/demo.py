"""The core's demo data for the quick start: the role groups, the offices' demo recipients and
the demo users (password below, published in the README). Each app adds its own demo data
through ``poe_ops.registry.register_demo``; ``manage.py seed_demo`` runs them all."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from poe_ops.models import OperationsOffice, Port
from poe_ops.roles import Role, add_to_office, assign_port_role, ensure_role_groups, role_group

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
]


def seed_core() -> int:
    """Roles, office recipients and demo users; returns how many users were created."""
    with transaction.atomic():
        ensure_role_groups()
        seed_office_recipients()
        return seed_users()


def user(username: str) -> Any:
    """A demo user by name, or None when seed_core has not made them."""
    return get_user_model().objects.filter(username=username).first()


def ports_with_demo_staff() -> list[Port]:
    """The ports where demo users work (not HQ), for the apps' demo data."""
    codes = {where for _u, _f, _l, role, where in DEMO_USERS if role is not Role.HQ}
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
        else:
            assign_port_role(user, Port.objects.get(iata=where), role)
    return created


def logins_table() -> str:
    rows = [("admin", "Administrator (superuser)", "all ports, /admin/")]
    for username, _first, _last, role, where in DEMO_USERS:
        rows.append((username, role.label, where))
    width = max(len(r[0]) for r in rows)
    lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
    lines += [f"  {u.ljust(width)}  {label} — {where}" for u, label, where in rows]
    return "\n".join(lines)
