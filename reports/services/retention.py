"""Retention of incident reports (docs/retention.md). An approved report keeps its port, time,
category, severity and decision for statistics; its photos and scans are deleted after
``POE_RETENTION_DAYS["incident_attachments"]`` days and what it says about people (what
happened, the actions, the follow-up, the decision's comment, who was involved or named) after
``POE_RETENTION_DAYS["incident_text"]`` days, both counted from its approval."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from poe_ops.models import ReviewStatus
from poe_ops.registry import RetentionRule, register_retention
from poe_ops.services.audit import scrub_events
from reports.models import IncidentAttachment, IncidentReport

REMOVED = "(removed after the retention period)"


def attachments_due(cutoff: dt.datetime) -> QuerySet[IncidentAttachment]:
    return IncidentAttachment.objects.filter(
        report__status=ReviewStatus.APPROVED, report__decided_at__lt=cutoff
    )


def delete_attachments(ids: list[int], now: dt.datetime) -> int:
    attachments = list(IncidentAttachment.objects.filter(pk__in=ids))
    for attachment in attachments:
        attachment.file.delete(save=False)
    deleted, _ = IncidentAttachment.objects.filter(pk__in=ids).delete()
    return deleted


def text_due(cutoff: dt.datetime) -> QuerySet[IncidentReport]:
    return IncidentReport.objects.filter(
        status=ReviewStatus.APPROVED, decided_at__lt=cutoff
    ).exclude(narrative=REMOVED)


def remove_text(ids: list[int], now: dt.datetime) -> int:
    reports = IncidentReport.objects.filter(pk__in=ids)
    for report in reports:
        report.individuals.clear()
        report.staff_concerned.clear()
    scrub_events(IncidentReport, ids)
    return reports.update(
        narrative=REMOVED, actions_taken=REMOVED, follow_up_needed="", decision_comment=""
    )


def register() -> None:
    register_retention(
        RetentionRule(
            key="incident_attachments",
            label="Photos and scans on approved incident reports",
            does="deleted; the report stays",
            due=attachments_due,
            apply=delete_attachments,
        )
    )
    register_retention(
        RetentionRule(
            key="incident_text",
            label="What approved incident reports say about people",
            does="what happened, actions, follow-up, the decision's comment and the people "
            "named removed; port, time, category, severity and decision stay",
            due=text_due,
            apply=remove_text,
        )
    )
