"""Per-user limits on the expensive requests — manifest imports, PDFs, searches — so that one
person (or one stuck script with their session) cannot keep every web worker busy.

A fixed window per user and kind of request, counted in the cache (Redis in production, shared
by every web worker; local memory in the quick start). Over the limit, the request is refused
in words with 429 and a ``Retry-After``; when the cache itself is unreachable the request goes
through: a limit must never stop the night shift."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from poe_ops.refusals import Refusal

log = logging.getLogger(__name__)

WHAT = {"import": "manifest imports", "pdf": "PDF requests", "search": "searches"}

ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponse])


class RateLimited(Refusal):
    """Too many requests of one kind in the window; ``retry_after`` seconds until the next."""

    status = 429
    default_code = "rate_limited"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def check(user: Any, bucket: str) -> None:
    """Count one ``bucket`` request (``import``, ``pdf``, ``search``) by ``user``; refuse with
    ``RateLimited`` past ``POE_RATE_LIMITS[bucket]`` (how many, per how many seconds)."""
    limit, period = settings.POE_RATE_LIMITS[bucket]
    if not getattr(user, "is_authenticated", False):
        return
    now = time.time()
    window = int(now // period)
    key = f"ratelimit:{bucket}:{user.pk}:{window}"
    try:
        cache.add(key, 0, timeout=period + 5)
        count = cache.incr(key)
    except Exception:  # the cache is away: let the request through, say so in the log
        log.warning("Rate limit %s not counted: cache unreachable", bucket, exc_info=True)
        return
    if count > limit:
        wait = max(1, int((window + 1) * period - now) + 1)
        raise RateLimited(
            f"That is more than {limit} {WHAT.get(bucket, bucket)} in {period} seconds. Wait "
            f"{wait} seconds and try again — this keeps POE Ops quick for everyone on shift.",
            retry_after=wait,
        )


def rate_limited(bucket: str, methods: tuple[str, ...] = ("POST",)) -> Callable[[ViewT], ViewT]:
    """A view decorator: ``check`` each request with one of ``methods`` (after sign-in)."""

    def decorate(view: ViewT) -> ViewT:
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in methods:
                check(request.user, bucket)
            return view(request, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
