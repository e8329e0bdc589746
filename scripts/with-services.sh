#!/usr/bin/env bash
# Run a command beside real services: a throwaway PostgreSQL and Redis on loopback, started here
# on free ports with the environment the project reads (DATABASE_URL, REDIS_URL, ...), and
# stopped on the way out, whether the command succeeds or not.
#   scripts/with-services.sh <command> [args...]
set -euo pipefail
# runuser, initdb and friends live in sbin, which a minimal CI PATH may leave out.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"
cd "$(dirname "$0")/.."
VENV=${VENV:-.venv}

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "PostgreSQL server binaries not found (scripts/system-deps.sh test)" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server not found (scripts/system-deps.sh test)" >&2; exit 1; }

WORK=$(mktemp -d /tmp/poe-ops-test.XXXXXX)
free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PGPORT=$(free_port)
REDISPORT=$(free_port)

as_pg() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cleanup() {
  status=$?
  set +e
  if [ -f "$WORK/pg/postmaster.pid" ]; then
    as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -m fast -w stop >/dev/null
  fi
  if [ -f "$WORK/redis.pid" ]; then
    redis-cli -p "$REDISPORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$WORK/redis.pid")" 2>/dev/null
  fi
  rm -rf "$WORK"
  exit $status
}
trap cleanup EXIT INT TERM
[ $# -gt 0 ] || { echo "usage: scripts/with-services.sh <command> [args...]" >&2; exit 2; }

[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WORK"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$WORK/initdb.log"
as_pg "$PGBIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg.log" -w -t 30 -o \
  "-c listen_addresses=127.0.0.1 -p $PGPORT -k $WORK -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${POE_PG_OPTIONS:-}" \
  start >/dev/null
redis-server --bind 127.0.0.1 --port "$REDISPORT" --daemonize yes --save '' --appendonly no \
  --dir "$WORK" --pidfile "$WORK/redis.pid" --logfile "$WORK/redis.log"
for _ in $(seq 50); do redis-cli -p "$REDISPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

echo "PostgreSQL: $(psql -h 127.0.0.1 -p "$PGPORT" -U postgres -Atc 'select version()' postgres)"
echo "Redis: $(redis-server --version | cut -d' ' -f3) on 127.0.0.1:$REDISPORT"

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/poe_ops"
export REDIS_URL="redis://127.0.0.1:$REDISPORT/0"
export POE_TEST_REDIS_PORT="$REDISPORT" POE_TEST_WORK_DIR="$WORK"
export DEBUG=false
export SECRET_KEY="test-only-$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS="testserver,localhost,127.0.0.1"
export SECURE_SSL_REDIRECT=false STATIC_MANIFEST=false
export POE_VAR_DIR="$WORK/var"
# Playwright's sync API runs an event loop in the test thread; the ORM beside it is safe here.
export DJANGO_ALLOW_ASYNC_UNSAFE=true

"$@"
