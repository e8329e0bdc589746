"""Shared set-up for the notification tests."""

from __future__ import annotations

from poe_ops.models import OperationsOffice

DC_LIST = ["dc-ops@example.org", "dc-duty@example.org"]


def give_dc_a_list() -> OperationsOffice:
    office = OperationsOffice.objects.get(code="DC")
    office.notification_emails = "\n".join(DC_LIST)
    office.save()
    return office
