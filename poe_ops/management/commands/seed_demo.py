"""``manage.py seed_demo``: demo data for the quick start — the core's users and roles
(``poe_ops.demo``), then each app's registered demo data in layer order. Idempotent: running
it again changes nothing that is already there."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from poe_ops.demo import logins_table, seed_core
from poe_ops.registry import demo_seeders_in_layer_order


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
        made = [f"{seed_core()} new users"]
        made += [seeder.seed() for seeder in demo_seeders_in_layer_order()]
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({', '.join(made)})."))
        self.stdout.write(logins_table())
