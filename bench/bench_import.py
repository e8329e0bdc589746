"""Benchmark: import a 5,000-row ABN manifest (target: under 5 s).

`make bench` runs it on a throwaway PostgreSQL and Redis. By hand, from the repository root::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/poe_bench SECRET_KEY=... \
    ALLOWED_HOSTS=localhost python bench/bench_import.py

(``DEBUG=true`` without ``DATABASE_URL`` runs it on SQLite, which is not the figure we quote.)
It creates a throwaway test database (``test_<name>``, migrated, with the reference data),
generates the manifest in memory (1,250 families of four on three inbound flights, half with an
onward flight), imports it as an ATL senior associate through ``import_manifest`` — parsing,
validation, writes and audit events — then imports version 2 of every case (5,000 people
compared and updated, 1,250 revisions), then the same file again (unchanged), and destroys the
database. Prints the wall-clock time of each.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

from bench._setup import on_throwaway_database  # noqa: E402

ROWS = 5_000
TARGET_SECONDS = 5.0


def run() -> int:
    from arrivals.models import ImportBatch
    from arrivals.services.manifest_import import import_manifest
    from cases.models import Case, Individual
    from poe_ops.models import Port
    from poe_ops.roles import Role, assign_port_role
    from tests.factories import make_user
    from tests.manifests import manifest_rows, to_csv, upload

    port = Port.objects.get(iata="ATL")
    user = make_user("bench.senior")
    assign_port_role(user, port, Role.SENIOR)
    rows = manifest_rows(cases=ROWS // 4, people_per_case=4)
    first = to_csv(rows)
    second = to_csv([dict(r, abn_version=2, final_destination="Boise, ID") for r in rows])
    print(f"manifest: {len(rows):,} rows, {len(first) / 1024:.0f} KB CSV")

    results = []
    for key, label, content in (
        ("import_first", "first import (all new)", first),
        ("import_update", "newer version (all updated)", second),
        ("import_same", "same file again (unchanged)", second),
    ):
        started = time.perf_counter()
        batch = import_manifest(user, port, upload(content, "bench.csv"))
        elapsed = time.perf_counter() - started
        assert batch.status == ImportBatch.Status.APPLIED, batch.errors[:5]
        results.append(elapsed)
        print(f"{label:32s} {elapsed:6.2f} s")
        first_one = key == "import_first"
        row = {
            "key": key,
            "what": f"ABN manifest import, {ROWS:,} rows CSV: {label}",
            "value": round(elapsed, 2),
            "unit": "s",
            "target": f"< {TARGET_SECONDS:.0f} s" if first_one else "",
            "ok": elapsed < TARGET_SECONDS if first_one else None,
        }
        print("BENCH-ROW " + json.dumps(row), flush=True)  # for bench/run.py
    assert Case.objects.count() == ROWS // 4 and Individual.objects.count() == ROWS
    verdict = "OK" if results[0] < TARGET_SECONDS else "TOO SLOW"
    print(f"target: first import under {TARGET_SECONDS:.0f} s — {verdict}")
    return 0 if results[0] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(on_throwaway_database(run))
