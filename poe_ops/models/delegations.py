"""Acting officer: an officer's approvals at a port, handed to a named senior associate for a
period. The scoping helper reads these rows as a time-bounded grant (``approve_port``), so the
delegation starts and ends by itself; nothing has to remember to take it back."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from poe_ops.constraints import FieldCheck
from poe_ops.models.ports import Port


class Delegation(models.Model):
    """``delegate`` decides what awaits ``officer``'s approval at ``port`` from ``starts_at``
    until ``ends_at`` (the start and the end of port-local days). Ending it early moves
    ``ends_at`` to the moment it was ended."""

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="delegations")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_given",
        help_text="Whose approvals are delegated: decisions record “acting for” them.",
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="delegations_held",
        help_text="The senior associate who acts as officer.",
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    note = models.CharField(max_length=200, blank=True)
    idempotency_key = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Set when someone ended it before its last day.",
    )

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["delegate", "ends_at"])]
        constraints = [
            FieldCheck(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="delegation_ends_after_it_starts",
                field="last_day",
                violation_error_message="The last day is before the first.",
            ),
            FieldCheck(
                condition=~models.Q(officer=models.F("delegate")),
                name="delegation_to_someone_else",
                field="delegate",
                violation_error_message="An officer cannot delegate to themselves.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.port.iata}: acting officer {self.first_day:%d %b}–{self.last_day:%d %b %Y}"

    @property
    def first_day(self) -> dt.date:
        return self.starts_at.astimezone(self.port.zone).date()

    @property
    def last_day(self) -> dt.date:
        """The last port-local day it covers (``ends_at`` is the start of the day after, or the
        moment it was ended)."""
        return (self.ends_at - dt.timedelta(microseconds=1)).astimezone(self.port.zone).date()

    def is_active(self, now: dt.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.starts_at <= now < self.ends_at
