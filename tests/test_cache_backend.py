"""The cache backend (``poe_ops.cache.RedisCache``): Django's Redis cache, answering every call
through one Redis client per connection pool instead of building one per call."""

from __future__ import annotations

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
