"""The cache backend (``poe_ops.cache.RedisCache``): Django's Redis cache, answering every call
through one Redis client per connection pool instead of building one per call."""

from __future__ import annotations

import time

import pytest
from django.core.cache import caches

from poe_ops.cache import RedisCache
from poe_ops.versions import bump_permissions, permissions_version


def test_every_call_goes_through_one_client_and_the_counters_still_move(db):
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("runs against Redis")
    handle = backend._cache  # type: ignore[attr-defined]
    client = handle.get_client(write=True)
    before = permissions_version()
    bump_permissions()  # read again in the same transaction: bumped before the read
    after = permissions_version()
    assert before is not None and after is not None and after > before
    assert handle.get_client() is client
    assert handle.get_client(write=True) is client


def test_a_counter_lost_with_redis_comes_back_from_the_clock_and_moves_by_one(db):
    """One script bumps a counter: a counter Redis lost (a restart, an eviction) starts again
    from the clock, never from 0, so no value that old entries were keyed by comes back."""
    backend = caches["default"]
    if not isinstance(backend, RedisCache):
        pytest.skip("runs against Redis")
    key = backend.make_and_validate_key("v:permissions")
    client = backend._cache.get_client(key, write=True)  # type: ignore[attr-defined]
    client.delete(key)
    started = time.time_ns()
    bump_permissions()  # counted when read again in the same transaction
    first = permissions_version()
    assert first is not None and first > started
    assert int(client.get(key)) == first
    bump_permissions()
    assert permissions_version() == first + 1
