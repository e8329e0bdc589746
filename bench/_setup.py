"""What every benchmark script does first: load Django on this checkout's code, and run its
measurement on a throwaway test database that is created migrated and destroyed afterwards.

Each script puts the repository root on ``sys.path`` (so ``bench`` imports), then::

    from bench._setup import on_throwaway_database
    ...
    if __name__ == "__main__":
        sys.exit(on_throwaway_database(run))
"""

from __future__ import annotations

import os
from collections.abc import Callable

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

import django

import bench._checkout  # noqa: F401  (this checkout's code, not an installed copy)

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402


def on_throwaway_database(run: Callable[[], int]) -> int:
    """``run()`` against a fresh ``test_…`` database (with the test environment: locmem
    email), which is destroyed afterwards whatever happens. Returns ``run``'s exit code."""
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        return run()
    finally:
        if connection.vendor == "postgresql":
            # Connections a worker thread left open (Celery keeps its own per thread) would
            # block DROP DATABASE.
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
