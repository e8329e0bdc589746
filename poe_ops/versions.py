"""Change counters kept in the cache (Redis; local memory without it), so that what is cached
from the database can be keyed by "the latest change" instead of being guessed stale by time.

- **A port's version** (``port_versions``, ``changed``): every audited change to a port's
  operational data — a tap, a flight's status, a case, a person, a booking, an incident, tonight's
  on-call — bumps it, because ``poe_ops.services.audit.log_action`` (the one entry point every
  change goes through) calls ``changed``. The HQ board's body is cached under the versions of
  its ports (``arrivals.views.board``). An audited change without a port bumps *every* port.
- **The permissions version** (``permissions_version``, ``bump_permissions``): any change to
  who may do what at which port (roles, port permissions, groups, a user's account, a port)
  bumps it; ``poe_ops.scoping`` keeps each user's port permissions per process under it.

A change is counted once its transaction commits (``transaction.on_commit``): a reader in between
keyed what it read by the value before. If the same transaction reads the counters again (a
test, which never commits), what it changed is counted first.

A counter starts at a value derived from the clock, never at 0, so a counter lost with the
cache (a Redis restart, an eviction) cannot come back at a value that old entries were keyed by.
The cache being down never stops a change or a page: a bump that fails is logged (what was
cached expires by itself), and a read that fails answers ``None`` — "do not use the cache".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable

from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

_EVERY_PORT = "v:port:*"
_PERMISSIONS = "v:permissions"


def _port_key(port_id: int) -> str:
    return f"v:port:{port_id}"


def _fresh() -> int:
    return time.time_ns()


def _bump(keys: Iterable[str]) -> None:
    for key in keys:
        try:
            if isinstance(caches["default"], RedisCache):
                _bump_in_redis(key)
            else:
                try:
                    cache.incr(key)
                except ValueError:  # not there (yet, or any more): a value nothing was keyed by
                    cache.add(key, _fresh(), timeout=None)
        except Exception:  # the cache being down must not undo a change
            logger.warning("could not bump the change counter %s", key, exc_info=True)


# Start the counter from the clock if it is not there, and move it on: one command.
_BUMP_SCRIPT = "redis.call('SET', KEYS[1], ARGV[1], 'NX') return redis.call('INCR', KEYS[1])"


def _bump_in_redis(key: str) -> None:
    """One command (Django's ``incr`` is two, EXISTS then INCR; a pipeline of SET NX and INCR
    cost the tap more Python than the script), sent without waiting for its answer: Redis is
    told to skip it (``CLIENT REPLY SKIP``, in the same write), so the tap — the port's
    busiest request — neither waits for Redis nor reads a reply it has no use for. Redis runs
    a connection's commands in order, so whatever this process sends next on the connection is
    answered after the bump; a reader elsewhere that gets in first reads the value before,
    which keys newer data by an older value (never the reverse: the change is committed
    already). A Redis that cannot be reached still raises here, and the caller logs it."""
    backend = caches["default"]
    assert isinstance(backend, RedisCache)
    full_key = backend.make_and_validate_key(key)
    client = backend._cache.get_client(full_key, write=True)  # type: ignore[attr-defined]
    pool = client.connection_pool
    redis_connection = pool.get_connection()
    try:
        redis_connection.send_packed_command(
            redis_connection.pack_commands(
                [("CLIENT", "REPLY", "SKIP"), ("EVAL", _BUMP_SCRIPT, 1, full_key, _fresh())]
            )
        )
    except Exception:
        redis_connection.disconnect()  # a half-sent command must not meet the next one
        raise
    finally:
        pool.release(redis_connection)


def _read(keys: list[str]) -> list[int] | None:
    _flush_pending()
    try:
        found = cache.get_many(keys)
        missing = [key for key in keys if key not in found]
        for key in missing:
            cache.add(key, _fresh(), timeout=None)
        if missing:
            found.update(cache.get_many(missing))
        if any(key not in found for key in keys):
            return None
        return [int(found[key]) for key in keys]
    except Exception:  # without the cache, nothing is served from it
        logger.warning("could not read the change counters", exc_info=True)
        return None


class _AfterCommit:
    """The bump queued for after commit. Until then the keys are *pending*: bumped at once only
    if this same transaction reads the counters again (``_flush_pending``) — a tap never does,
    so it costs one round trip to the cache, after commit."""

    def __init__(self, keys: list[str]) -> None:
        self.keys = keys
        self.pending = True

    def __call__(self) -> None:
        _bump(self.keys)


def _queued(connection: BaseDatabaseWrapper) -> list[_AfterCommit]:
    # Django's own list of what runs on commit: a savepoint rolled back takes its entries with
    # it, so a change undone is never bumped for.
    entries: list[tuple[object, ...]] = list(connection.run_on_commit)  # (savepoints, func, robust)
    return [entry[1] for entry in entries if isinstance(entry[1], _AfterCommit)]


def _flush_pending() -> None:
    """Before a read inside a transaction that changed something: bump what it changed, so its
    own reads (and a test's, which never commits) do not find what was cached before."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return
    for queued in _queued(connection):
        if queued.pending:
            queued.pending = False
            _bump(queued.keys)


def _after_commit(keys: list[str]) -> None:
    """Bump once the change is committed: no reader can then have keyed the state before the
    change by the final value (one that read in between keyed it by the value before)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        _bump(keys)
        return
    pending = {key for queued in _queued(connection) if queued.pending for key in queued.keys}
    fresh = [key for key in keys if key not in pending]
    if fresh:
        transaction.on_commit(_AfterCommit(fresh), robust=True)


def changed(port_ids: Iterable[int | None]) -> None:
    """Ports whose operational data the current transaction changes; ``None`` for a change
    that names no port (every port's version moves)."""
    ids = set(port_ids)
    if not ids:
        return
    if None in ids:
        _after_commit([_EVERY_PORT])
    else:
        _after_commit([_port_key(pk) for pk in sorted(i for i in ids if i is not None)])


def port_versions(port_ids: Iterable[int]) -> tuple[int, ...] | None:
    """The versions of these ports (and of "every port"), in the order given; ``None`` when
    the cache cannot say."""
    found = _read([_EVERY_PORT, *(_port_key(pk) for pk in port_ids)])
    return tuple(found) if found is not None else None


def bump_permissions() -> None:
    _after_commit([_PERMISSIONS])


def permissions_version() -> int | None:
    found = _read([_PERMISSIONS])
    return found[0] if found is not None else None
