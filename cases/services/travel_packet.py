"""Where each paper of a person's travel packet is: in the IOM bag, taken by CBP at the
inspection, or returned. Set on the case page, and by the CBP step (``set_document_status`` is
the one way; it takes the acting user and checks the port permission)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from cases.models import CarriedDocument
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import log_action


@dataclass(frozen=True)
class StatusChange:
    document: CarriedDocument
    changed: bool  # False: it already had that status (a double tap, another tablet first)


def set_document_status(user: User, document: CarriedDocument, status: str) -> StatusChange:
    """Record that ``document`` is now ``status``; the same status again changes nothing.
    Audited on the person (``poe.individual.document.<status>``)."""
    port = document.individual.case.port
    require_port_perm(user, port, OPERATE)
    if status not in CarriedDocument.Status.values:
        raise Refusal(
            "Choose where the document is: in the IOM bag, taken by CBP, or returned.",
            code="document_status",
        )
    with transaction.atomic():
        locked = (
            CarriedDocument.objects.select_for_update(of=("self",))
            .select_related("individual__case__port", "status_changed_by")
            .get(pk=document.pk)
        )
        if locked.status == status:
            return StatusChange(locked, changed=False)
        before = locked.status
        locked.status = status
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = signed_in(user)
        locked.save(update_fields=["status", "status_changed_at", "status_changed_by"])
        log_action(
            user,
            f"poe.individual.document.{status}",
            locked.individual,
            port=port,
            changes={f"document {locked.label}": [before, status]},
            data={"document": locked.pk, "kind": locked.kind},
        )
    return StatusChange(locked, changed=True)
