"""``atomic_planned_once()``: ``transaction.atomic()`` for the busiest writes (a tap), whose
statements PostgreSQL plans once per connection instead of on every execution.

The project's connections plan every execution for its own values (``plan_cache_mode`` in
settings, for the reason given there), and so do the triggers and foreign-key checks a write
sets off. A tap's statements all look rows up by key: one plan per connection serves every tap,
and planning them afresh was about a quarter of PostgreSQL's time on a tap (issue 20).

The setting is made for the transaction only (``SET LOCAL``) and sent with its ``BEGIN``, in the
round trip psycopg would have spent on the ``BEGIN`` alone. Inside a transaction already (a
caller's, a test's) nothing is changed: the setting would outlive the block."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

_BEGIN = b"BEGIN; SET LOCAL plan_cache_mode = force_generic_plan"


@contextmanager
def atomic_planned_once() -> Iterator[None]:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            _begin_planned_once()
        yield


def _begin_planned_once() -> None:
    from psycopg import errors, pq

    connection.ensure_connection()
    raw = connection.connection
    if (
        raw.info.transaction_status != pq.TransactionStatus.IDLE
        or raw.autocommit
        or (raw.isolation_level, raw.read_only, raw.deferrable) != (None, None, None)
    ):
        return  # already in a transaction, or one psycopg would begin otherwise: its own BEGIN
    with connection.wrap_database_errors:
        result = raw.pgconn.exec_(_BEGIN)
        if result.status != pq.ExecStatus.COMMAND_OK:
            raise errors.error_from_result(result, raw.info.encoding)
