"""The audit log's one entry point: services call ``log_action``; views of personal data call
``log_personal_data_access``.

Actions are dotted names, most general first (``poe.individual.step.met``), and ``changes``
holds only the fields that changed, as ``{field: [before, after]}``.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import decimal
import functools
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection, models, transaction

from poe_ops import versions
from poe_ops.models import AuditEvent, Port

current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default=""
)

PERSONAL_DATA_VIEWED = "poe.personal_data.viewed"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, Iterable):
        return [_jsonable(v) for v in value]
    return str(value)


def changed_fields(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """``{field: [before, after]}`` for each field whose value differs."""
    changes: dict[str, list[Any]] = {}
    for field in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(field)), _jsonable(after.get(field))
        if old != new:
            changes[field] = [old, new]
    return changes


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The named fields' current values, to pass to ``changed_fields`` before and after."""
    return {name: getattr(obj, name) for name in fields}


@functools.cache
def _check_action(action: str) -> None:
    """Refuse an action name that is not dotted lower case (ValidationError). Each name is
    checked once per process: services log the same few names thousands of times a day, and a
    full model validation per event cost a check-in tap about 0.3 ms."""
    AuditEvent(action=action).full_clean(
        exclude=["actor", "content_type", "port", "at", "object_id", "object_repr"]
    )


def log_action(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    *,
    port: Port | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj`` (at ``port``). Call inside the service's
    transaction so the event and the change it describes commit or roll back together."""
    event = unsaved_event(actor, action, obj, port=port, changes=changes, data=data)
    event.save()
    written(event)
    return event


def unsaved_event(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    *,
    port: Port | None = None,
    changes: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """The event ``log_action`` would save, checked and not yet saved (its time set), for a
    hot path that writes it within a statement of its own (a check-in tap writes its step, the
    person and this event in one); that caller calls ``written(event)`` once it is inserted."""
    if port is None and isinstance(obj, Port):
        port = obj
    elif port is None and obj is not None:
        port = getattr(obj, "port", None)
    event = AuditEvent(
        actor=actor if actor is not None and actor.is_authenticated else None,  # type: ignore[misc]
        action=action,
        port=port,
        changes=_jsonable(dict(changes or {})),
        data=_jsonable(dict(data or {})),
        request_id=current_request_id.get(),
    )
    if obj is not None:
        event.content_type = ContentType.objects.get_for_model(obj)
        event.object_id = str(obj.pk)
        event.object_repr = str(obj)[:200]
    _check_action(action)
    return event


def written(event: AuditEvent) -> None:
    """What follows an audit event's insert: a change (not a read of personal data) makes what
    is cached of its port stale (``poe_ops.versions``, counted after commit)."""
    if event.action != PERSONAL_DATA_VIEWED:
        versions.changed([event.port_id])


def log_personal_data_access(
    actor: AbstractBaseUser | AnonymousUser,
    obj: models.Model,
    *,
    port: Port | None = None,
    purpose: str = "",
) -> AuditEvent:
    """Record that ``actor`` was shown the personal data held on ``obj`` (a case, a person).

    Views call this after the permission check and before rendering, so every access to the
    data of the people we serve is accountable."""
    return log_action(
        actor, PERSONAL_DATA_VIEWED, obj, port=port, data={"purpose": purpose} if purpose else None
    )


def log_actions(
    actor: AbstractBaseUser | AnonymousUser | None,
    entries: Iterable[tuple[str, models.Model, Mapping[str, Any] | None, Mapping[str, Any] | None]],
    *,
    port: Port | None = None,
) -> int:
    """Many ``log_action`` calls in one insert: ``entries`` are ``(action, obj, changes, data)``.

    For bulk operations (a manifest import of thousands of cases), where one query per event
    would dominate. Same events, same validation of the action names; returns how many."""
    events = []
    request_id = current_request_id.get()
    actor_user = actor if actor is not None and actor.is_authenticated else None
    for action, obj, changes, data in entries:
        _check_action(action)
        events.append(
            AuditEvent(
                actor=actor_user,  # type: ignore[misc]
                action=action,
                port=port if port is not None else getattr(obj, "port", None),
                content_type=ContentType.objects.get_for_model(obj),
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                changes=_jsonable(dict(changes or {})),
                data=_jsonable(dict(data or {})),
                request_id=request_id,
            )
        )
    AuditEvent.objects.bulk_create(events, batch_size=1000)
    versions.changed({event.port_id for event in events if event.action != PERSONAL_DATA_VIEWED})
    return len(events)


RETENTION_SCRUBBED = "(removed after the retention period)"


def scrub_events(model: type[models.Model], object_ids: Iterable[Any]) -> int:
    """Blank what the audit events about these records say about people — the record's name
    (``object_repr``), the changed values and the extra data — once the retention run has
    anonymised the records themselves. Who did what, when, to which record stays.

    The audit log is append-only, in the database too: the trigger lets an UPDATE through only
    inside a transaction that set ``poe_ops.retention``, and only one that keeps the event's
    who, what, when and which (migration poe_ops 0014). Call inside the run's transaction."""
    ids = [str(pk) for pk in object_ids]
    if not ids:
        return 0
    content_type = ContentType.objects.get_for_model(model)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL poe_ops.retention = 'on'")
        events = AuditEvent.objects.filter(content_type=content_type, object_id__in=ids)
        # QuerySet.update itself: AuditEventQuerySet refuses updates to everyone else.
        return models.QuerySet.update(
            events, object_repr=RETENTION_SCRUBBED, changes={}, data={"retention": "scrubbed"}
        )
