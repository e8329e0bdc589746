"""Idempotency keys: one format, and one way to do a thing once.

Every form and tap that creates something carries a key made when the form was drawn
(``new_key``: a UUID). The record it creates stores the key in a unique ``idempotency_key``
column; a second submit of the same form (a double tap, a Wi-Fi retry, a queued tap sent again)
finds the key taken and gets the first record back instead of making a second one. Records made
together by one submit (a rebooking's hotel, each person of a whole-family tap) use keys
derived from it (``derive(key, "hotel")`` → ``<key>:hotel``).

``claim`` is the one de-duplication idiom: a single ``INSERT … ON CONFLICT DO NOTHING
RETURNING`` (PostgreSQL, and SQLite since 3.35) — the unique constraint decides, without a
savepoint, and the losing request reads the winner's row."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.db import connection, models
from django.db.models import Field
from django.db.models.sql import Query

from poe_ops.refusals import Refusal

M = TypeVar("M", bound=models.Model)

# What a form or a tablet sends: 8 to 48 letters, digits and dashes (a UUID is 36), then the
# ":<part>"s of derived keys. Stored keys are at most KEY_MAX_LENGTH long.
KEY_PATTERN = re.compile(r"^[A-Za-z0-9-]{8,48}(:[A-Za-z0-9_-]{1,20})*$")
KEY_MAX_LENGTH = 64
REUSED_KEY = "This form was already used for something else; reload the page and try again."
BAD_KEY = "This form has no valid idempotency key; reload the page and try again."


def new_key() -> str:
    return str(uuid.uuid4())


def check_key(key: str) -> str:
    """The key if it is one a form or a tablet may send; refused otherwise."""
    if len(key or "") > KEY_MAX_LENGTH or not KEY_PATTERN.match(key or ""):
        raise Refusal(BAD_KEY, code="bad_key")
    return key


def first_made(model: type[M], key: str | None, belongs: Callable[[M], bool]) -> M | None:
    """The record a form's key already made (a double submit), if ``belongs`` says it is the
    same kind of thing (another port's is refused as a reused key); ``None`` otherwise. For
    services that check the new record against others (a unique name, an overlapping rate)
    before ``once``: the repeat must get the first record back, not that check's refusal."""
    if not key:
        return None
    found = model._default_manager.filter(idempotency_key=key).first()
    if found is not None and not belongs(found):
        raise Refusal(REUSED_KEY, code="reused_key")
    return found


def derive(key: str, part: object) -> str:
    """The key of a record made together with others by one submit: ``<key>:<part>``."""
    derived = f"{key}:{part}"
    if len(derived) > KEY_MAX_LENGTH:
        raise Refusal(BAD_KEY, code="bad_key")
    return derived


@dataclass(frozen=True)
class Saved(Generic[M]):
    """What a create call made; ``repeated`` when the key had been used before and ``obj`` is
    the record the first call made."""

    obj: M
    repeated: bool = False


@functools.cache
def _claim_statement(
    model: type[models.Model], key_field: str
) -> tuple[str, list[Field[Any, Any]]]:
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if not f.primary_key]
    key = meta.get_field(key_field)
    assert isinstance(key, Field)
    condition = "" if key.unique else f" WHERE {_partial_index_condition(model, key_field)}"
    quote = connection.ops.quote_name
    # Names from the model's own metadata; every value is a parameter.
    columns = ", ".join(quote(f.column) for f in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Reviewed (bandit B608): quoted names from the model's metadata; every value a parameter.
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608  # nosec B608
        f"VALUES ({placeholders}) "
        f"ON CONFLICT ({quote(key.column)}){condition} DO NOTHING RETURNING {quote(meta.pk.column)}"
    )
    return sql, fields


def _partial_index_condition(model: type[models.Model], key_field: str) -> str:
    """The WHERE of the partial unique index on ``key_field`` (notifications' dedupe key is
    unique only when not empty), written exactly as the index was made: SQLite accepts an
    ON CONFLICT target on a partial index only when its WHERE matches the index's."""
    for constraint in model._meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and list(constraint.fields) == [key_field]
            and constraint.condition is not None
        ):
            query = Query(model=model, alias_cols=False)
            where = query.build_where(constraint.condition)
            sql, params = where.as_sql(query.get_compiler(connection=connection), connection)
            editor = connection.schema_editor()  # only to quote values, never entered
            return str(sql % tuple(editor.quote_value(p) for p in params))
    raise LookupError(f"{model.__name__}.{key_field} is not unique: nothing to claim a key on.")


def claim_insert(obj: models.Model, key_field: str = "idempotency_key") -> tuple[str, list[Any]]:
    """The statement ``claim`` sends for ``obj`` and its values (``INSERT … ON CONFLICT (key)
    DO NOTHING RETURNING pk``), for a caller that makes it part of a larger statement of its own
    (the check-in tap: its step event, the person and the audit event in one); the text is the
    same for every object of the model."""
    sql, fields = _claim_statement(type(obj), key_field)
    return sql, [f.get_db_prep_save(f.pre_save(obj, add=True), connection) for f in fields]


def first_with_key(obj: M, key_field: str = "idempotency_key") -> M:
    """The row that holds ``obj``'s key, when a claim found it taken."""
    return type(obj)._default_manager.get(**{key_field: getattr(obj, key_field)})


def claim(obj: M, key_field: str = "idempotency_key") -> tuple[M, bool]:
    """Save ``obj`` unless another row holds its key: ``(obj, True)`` when saved, ``(the row
    that holds the key, False)`` otherwise. Any other constraint still raises. Many-to-many
    fields and anything else the record needs are the caller's to add when it was saved."""
    sql, values = claim_insert(obj, key_field)
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        row = cursor.fetchone()
    if row is not None:
        obj.pk = row[0]
        obj._state.adding, obj._state.db = False, connection.alias
        return obj, True
    return first_with_key(obj, key_field), False


def once(
    obj: M,
    then: Callable[[M], None] | None = None,
    *,
    matches: Callable[[M], bool] | None = None,
    key_field: str = "idempotency_key",
) -> Saved[M]:
    """``claim(obj)``, then ``then(obj)`` (its people, its audit event, its notice) only when it
    was saved now. A key already used for something that ``matches`` rejects (another case's
    booking) is refused. Call inside the transaction that makes the rest of the change."""
    saved, created = claim(obj, key_field)
    if created:
        if then is not None:
            then(saved)
        return Saved(saved)
    if matches is not None and not matches(saved):
        raise Refusal(REUSED_KEY, code="reused_key")
    return Saved(saved, repeated=True)
