#!/bin/sh
# Container entry point for the POE Ops image (web, worker and beat).
# With RUN_MIGRATIONS=true (set only on the web service) the database is migrated before the
# command starts; then the command replaces this shell so it receives signals directly.
set -eu

case "${RUN_MIGRATIONS:-false}" in
    true | TRUE | True | 1 | yes | on)
        echo "entrypoint: applying database migrations"
        python manage.py migrate --noinput
        ;;
esac

exec "$@"
