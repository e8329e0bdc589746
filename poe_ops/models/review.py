"""What a record an officer approves or returns carries: ``Reviewable`` and its statuses."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models

from poe_ops.models.ports import Port


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting approval"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


class Reviewable(models.Model):
    """Abstract: the fields of a record that an officer approves or returns.

    Subclasses set ``audit_name`` (the middle of the audit action: ``poe.<audit_name>.approved``)
    and have a ``port`` foreign key."""

    audit_name: ClassVar[str]
    port: models.ForeignKey[Port, Port]

    status = models.CharField(
        max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who wrote it and submits it; they may never approve it.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(
        blank=True, help_text="The officer's words: required when returning."
    )
    decided_acting_for = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="acting for",
        help_text="The officer whose approvals the decider held by delegation, if any.",
    )

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        """Drafts and returned records may still be changed by their author."""
        return self.status in (ReviewStatus.DRAFT, ReviewStatus.RETURNED)

    @property
    def awaits_decision(self) -> bool:
        return self.status == ReviewStatus.SUBMITTED
