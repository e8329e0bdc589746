#!/usr/bin/env bash
# Lint, type-check and test; run by scripts/test.sh once PostgreSQL and Redis are up.
set -euo pipefail
VENV=${VENV:-.venv}
echo "== ruff"; "$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check .
echo "== mypy"; "$VENV/bin/mypy" .
echo "== pytest"; "$VENV/bin/pytest" "$@"
