"""Asking for paperwork: the request is a ``Document`` row written with its audit event; a
worker renders it after the commit (``poe_ops.tasks.render_document``).

Each app asks through its own small function (the hotel form of a booking, the manifest of a
day), which checks what that kind needs and calls ``request_document``."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models, transaction
from django.http import Http404

from poe_ops import ratelimit
from poe_ops.dispatch import send_on_commit
from poe_ops.models import Document, Port
from poe_ops.registry import document_kind
from poe_ops.roles import VIEW
from poe_ops.scoping import get_scoped_or_404, require_port_perm
from poe_ops.services.audit import log_action

User = AbstractBaseUser | AnonymousUser


def request_document(
    user: User,
    kind: str,
    port: Port,
    *,
    subject: str,
    day: dt.date | None = None,
    object_id: str = "",
) -> Document:
    """Record ``user``'s request for a ``kind`` document about ``port`` (and ``day`` or the
    record ``object_id``) and queue its rendering once the request commits. 404 for a port the
    user may not view."""
    require_port_perm(user, port, VIEW)
    ratelimit.check(user, "pdf")  # one user cannot keep every worker rendering
    if document_kind(kind) is None:
        raise ValueError(f"Unknown kind of document: {kind!r}.")
    if not subject:
        raise ValueError("A document needs a subject.")
    assert isinstance(user, AbstractBaseUser)
    from poe_ops.tasks import render_document  # the tasks module imports the services

    with transaction.atomic():
        document = Document.objects.create(
            kind=kind,
            port=port,
            day=day,
            object_id=object_id,
            subject=subject[:200],
            requested_by=user,  # type: ignore[misc]
        )
        log_action(
            user,
            "poe.document.requested",
            document,
            port=port,
            data={"kind": kind, "subject": subject, "object_id": object_id},
        )
        send_on_commit(render_document, document.pk)
    return document


def document_for(user: User, pk: object) -> Document:
    """The document if ``user`` may view its port and, for kinds that say so, its record;
    404 otherwise."""
    queryset: models.QuerySet[Document] = Document.objects.select_related("port", "requested_by")
    document = get_scoped_or_404(queryset, user, VIEW, pk=pk if str(pk).isdigit() else 0)
    kind = document_kind(document.kind)
    if kind is not None and kind.may_see is not None and not kind.may_see(user, document):
        raise Http404("No document matches.")
    return document
