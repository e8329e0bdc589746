"""``manage.py rebuild_landings``: make ``arrivals.Landing`` (what the statistics count) again
from cases, people, segments and flights, and say how many rows were wrong — a repair; the
database keeps it up to date by itself (docs/decisions.md, 2026-11-30)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from arrivals.services import landings


class Command(BaseCommand):
    help = "Make the statistics' landings again from the facts and say how many were wrong."

    def handle(self, *args: Any, **options: Any) -> None:
        done = landings.rebuild()
        self.stdout.write(
            f"Landings made again: {done.rows} rows; {done.missing} were missing or wrong, "
            f"{done.stale} should not have been there."
        )
