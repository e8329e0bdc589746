#!/usr/bin/env bash
# The whole check against real services (scripts/with-services.sh): ruff, mypy, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# No autovacuum in the tests' PostgreSQL: a table vacuumed while a committing test had emptied
# it is recorded as holding no rows, and the planner keeps believing that while a later test
# fills it inside its transaction — a query that takes a second alone took minutes in the
# suite (statistics, 2026-11-30). The tests never rely on it; the benchmarks keep it, as
# production does.
export POE_PG_OPTIONS="${POE_PG_OPTIONS:-} -c autovacuum=off"
exec scripts/with-services.sh scripts/checks.sh "$@"
