"""Pieces of the few plain statements on hot paths (the tap's lock and write, the reply's read):
names taken from the models' metadata, so the models stay the one source of the schema."""

from __future__ import annotations

from django.db import connection, models


def column(model: type[models.Model], name: str) -> str:
    """The quoted column of ``model``'s field ``name`` (``pk``: its primary key)."""
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column is not None, name
    return connection.ops.quote_name(field.column)
