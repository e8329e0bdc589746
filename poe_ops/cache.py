"""The cache backend: Django's Redis cache, with one Redis client per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` around its (kept) pool for
every operation — a tap reads the permissions counter and bumps its port's version after commit,
and each built a client (~0.2 ms: the client copies its table of reply callbacks). The client is
only a handle on the pool, which lends a connection per command and is safe across threads and
a fork (it checks its process id), so one client per pool serves every call. ``caches`` is per
thread in Django, so each thread keeps its own backend, pools and clients anyway.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis import Redis


class _OneClientPerPool(RedisCacheClient):
    """Django's client with ``get_client`` kept per pool (Django's own private attributes:
    ``_pools``, ``_pool_class``, ``_pool_options``, ``_servers``, ``_client``; Django 5.2)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Redis] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Redis:
        index: int = self._get_connection_pool_index(write)  # type: ignore[attr-defined]
        client = self._clients.get(index)
        if client is None:
            pools: dict[int, Any] = self._pools  # type: ignore[attr-defined]
            if index not in pools:
                pools[index] = self._pool_class.from_url(  # type: ignore[attr-defined]
                    self._servers[index],  # type: ignore[attr-defined]
                    **self._pool_options,  # type: ignore[attr-defined]
                )
            client = self._clients[index] = self._client(  # type: ignore[attr-defined]
                connection_pool=pools[index]
            )
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = _OneClientPerPool
