"""``arrivals.Landing`` made again from the facts (a repair): PostgreSQL keeps it in the same
transaction as every change to cases, people, segments and flights (migration 0011), so this is
for the day a trigger was switched off, a restore, or a doubt. ``manage.py rebuild_landings``
and the ``arrivals.rebuild_landings`` task run it."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

from arrivals.models import Landing

_COLUMNS = (
    "individual_id, segment_id, case_id, port_id, landed, step, nationality, language, "
    "category, programme, umnr, agency_id, first_out, alone, handed_over_at, departed_at, "
    "day, same_day"
)


@dataclass(frozen=True)
class Rebuilt:
    rows: int  # rows now
    missing: int  # rows the facts call for that were not there (or not as they should be)
    stale: int  # rows that were there and should not have been (or not as they were)

    @property
    def wrong(self) -> int:
        return self.missing + self.stale


def rebuild() -> Rebuilt:
    """Make every row again from the facts, in one transaction (every case is locked as a tap
    locks it, for a few seconds on a national history), and say how many were wrong. Nothing is
    kept on a database other than PostgreSQL (the demo's SQLite counts from the facts)."""
    if connection.vendor != "postgresql":
        return Rebuilt(0, 0, 0)
    table = connection.ops.quote_name(Landing._meta.db_table)
    # Reviewed (bandit B608): the statements below are made of the model's table name and the
    # fixed column list above, never of anything a user gave.
    before = (
        f"CREATE TEMPORARY TABLE landing_before ON COMMIT DROP AS SELECT {_COLUMNS} FROM {table}"  # noqa: S608  # nosec B608
    )
    empty = f"DELETE FROM {table}"  # noqa: S608  # nosec B608
    differing = "SELECT count(*) FROM (SELECT {c} FROM {a} EXCEPT ALL SELECT {c} FROM {b}) d"
    total = f"SELECT count(*) FROM {table}"  # noqa: S608  # nosec B608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(before)
        cursor.execute(empty)
        cursor.execute("SELECT arrivals_landings_refresh(ARRAY(SELECT id FROM cases_case))")
        counts = []
        for first, second in ((table, "landing_before"), ("landing_before", table)):
            cursor.execute(differing.format(c=_COLUMNS, a=first, b=second))
            counts.append(cursor.fetchone()[0])
        cursor.execute(total)
        rows = cursor.fetchone()[0]
    return Rebuilt(rows, missing=counts[0], stale=counts[1])
