"""Demo data for the quick start: roles, demo users, and (as later issues add them) a living day.

Idempotent: running it again changes nothing that is already there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
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


class Command(BaseCommand):
    help = "Create the demo users (password poe-demo-2026). Refused with DEBUG off unless --force."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though DEBUG is off (never in production).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with a published password; it is refused when DEBUG "
                "is off. Use --force only on a machine that is not production."
            )
        with transaction.atomic():
            ensure_role_groups()
            self.seed_office_recipients()
            created = self.seed_users()
        cases = self.seed_days()
        self.seed_bookings()
        from reports.demo import seed_demo_incidents  # reports sits above poe_ops

        seed_demo_incidents()
        shifts = self.seed_staffing()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready ({created} new users, {cases} new cases, {shifts} new shifts)."
            )
        )
        self.stdout.write(self.logins_table())

    @staticmethod
    def seed_office_recipients() -> None:
        """Give each office a demo recipient list, so `make run` prints notification emails."""
        for office in OperationsOffice.objects.filter(notification_emails=""):
            office.notification_emails = f"{office.code.lower()}-operations@example.org"
            office.save(update_fields=["notification_emails"])

    def seed_users(self) -> int:
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

    def seed_days(self) -> int:
        """Today and tomorrow (port-local) at every port; a day already seeded is skipped."""
        from arrivals.demo import seed_demo_day  # arrivals sits above poe_ops

        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        created = 0
        for port in Port.objects.all():
            actor = User.objects.filter(username=f"{port.iata.lower()}.associate").first()
            today = port.local_today()
            for day in (today, today + dt.timedelta(days=1)):
                created += seed_demo_day(port, day, actor=actor or admin)
        return created

    def seed_bookings(self) -> None:
        """Vendors and a few overnight transits with bookings at ATL and JFK."""
        from arrivals.demo_bookings import seed_demo_bookings  # arrivals sits above poe_ops

        User = get_user_model()
        for port in Port.objects.filter(iata__in=["ATL", "JFK"]):
            actor = User.objects.filter(username=f"{port.iata.lower()}.associate").first()
            with transaction.atomic():
                seed_demo_bookings(port, actor)

    @staticmethod
    def seed_staffing() -> int:
        """Staff profiles and this week's and next week's roster where there are demo staff."""
        from staffing.demo import seed_staffing  # staffing sits above poe_ops

        ports = {where for _u, _f, _l, role, where in DEMO_USERS if role is not Role.HQ}
        return sum(seed_staffing(port) for port in Port.objects.filter(iata__in=sorted(ports)))

    @staticmethod
    def logins_table() -> str:
        rows = [("admin", "Administrator (superuser)", "all ports, /admin/")]
        for username, _first, _last, role, where in DEMO_USERS:
            rows.append((username, role.label, where))
        width = max(len(r[0]) for r in rows)
        lines = [f"Demo logins (password: {DEMO_PASSWORD}):"]
        lines += [f"  {u.ljust(width)}  {label} — {where}" for u, label, where in rows]
        return "\n".join(lines)
