"""The officers' inbox (``/approvals/``): what awaits a decision across the ports they supervise.

Each kind of reviewable record registers an ``ApprovalSource`` from its app's ``ready()``
(incident reports from ``reports``, timesheets and leave from ``staffing``), so this core module
never imports the apps above it. A source says which model, how an officer decides one (the
app's service, with its notifications), and which template renders its row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models

from poe_ops.models import Reviewable

User = AbstractBaseUser | AnonymousUser


@dataclass(frozen=True)
class ApprovalSource:
    key: str  # in URLs: /approvals/<key>/<pk>/approve/
    label: str  # "Incident report"
    model: type[Reviewable]
    row_template: str  # renders one awaiting record as ``item``
    # decide(actor, record, approve, comment) -> record: the app's service, which calls
    # poe_ops.review.decide and adds its notifications.
    decide: Callable[[Any, Any, bool, str], Reviewable]
    select_related: tuple[str, ...] = ("port", "author")
    # Narrows what an officer may see beyond the port (sensitive categories), if needed.
    visible_to: Callable[[models.QuerySet[Any], Any], models.QuerySet[Any]] | None = field(
        default=None
    )


SOURCES: dict[str, ApprovalSource] = {}


def register(source: ApprovalSource) -> None:
    SOURCES[source.key] = source
