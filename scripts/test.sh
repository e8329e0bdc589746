#!/usr/bin/env bash
# The whole check against real services (scripts/with-services.sh): ruff, mypy, then pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
exec scripts/with-services.sh scripts/checks.sh "$@"
