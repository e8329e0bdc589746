#!/usr/bin/env bash
# Lint, type-check, the layer contract and the tests; run by scripts/test.sh once PostgreSQL and
# Redis are up.
set -euo pipefail
VENV=${VENV:-.venv}
echo "== ruff"; "$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check .
echo "== mypy"; "$VENV/bin/mypy" .
# poe_ops < cases < arrivals < staffing < reports (pyproject.toml, docs/architecture.md)
echo "== layers"; "$VENV/bin/lint-imports"
echo "== pytest"; "$VENV/bin/pytest" "$@"
