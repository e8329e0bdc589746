"""A check constraint that speaks in words, on the field it is about.

Django reports a violated ``CheckConstraint`` as "Constraint “leave_ends” is violated." at the
top of a form. ``FieldCheck`` carries the sentence a person understands and the field it belongs
to, so a model form shows "The last day is before the first." beside the last day. The database
keeps the same check, so nothing that skips the form can store the row either."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models


class FieldCheck(models.CheckConstraint):
    """``CheckConstraint`` whose violation is a ``ValidationError`` on ``field``, in words."""

    def __init__(
        self,
        *,
        condition: models.Q,
        name: str,
        field: str,
        violation_error_message: str,
        violation_error_code: str | None = None,
    ) -> None:
        super().__init__(
            condition=condition,
            name=name,
            violation_error_message=violation_error_message,
            violation_error_code=violation_error_code or name,
        )
        self.field = field

    def validate(self, model: Any, instance: Any, exclude: Any = None, using: Any = None) -> None:
        try:
            super().validate(model, instance, exclude=exclude, using=using)  # type: ignore[misc]
        except ValidationError as error:
            raise ValidationError({self.field: error.error_list}) from None

    def deconstruct(self) -> Any:
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other: object) -> bool:
        return super().__eq__(other) and getattr(other, "field", None) == self.field
