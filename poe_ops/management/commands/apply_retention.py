"""``manage.py apply_retention [--dry-run]``: anonymise and delete what is past its retention
period (docs/retention.md), as the nightly beat task does; ``--dry-run`` only says what it would
do and changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from poe_ops.services import retention


class Command(BaseCommand):
    help = "Anonymise and delete what is past its retention period (--dry-run: only say what)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be done; change nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        outcomes = retention.run(dry_run=dry_run)
        self.stdout.write(
            "Retention — dry run, nothing changed:" if dry_run else "Retention — done:"
        )
        for o in outcomes:
            count = o.due if dry_run else o.done
            verb = "would be" if dry_run else "were"
            self.stdout.write(
                f"  {o.rule.label}: {count} {verb} handled — kept {o.days} days "
                f"(before {o.cutoff:%Y-%m-%d}); {o.rule.does}."
            )
