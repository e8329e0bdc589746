"""The core's records: ports and offices, the audit log, the notification outbox, generated
documents, the port's directory, on-call nights, acting-officer delegations, and the abstract
``Reviewable`` that approvable records inherit.

One module per noun; this package re-exports them, so ``from poe_ops.models import Port`` is the
way to name them."""

from poe_ops.models.audit import AuditEvent, AuditEventQuerySet
from poe_ops.models.contacts import Contact
from poe_ops.models.delegations import Delegation
from poe_ops.models.documents import Document
from poe_ops.models.health import Heartbeat
from poe_ops.models.notifications import (
    EXTERNAL_KINDS,
    UNMUTABLE_KINDS,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from poe_ops.models.oncall import AFTER_HOURS_END, OnCall, night_of
from poe_ops.models.ports import (
    HQ_GROUP_PREFIX,
    MEDICAL_GROUP_PREFIX,
    PROTECTION_GROUP_PREFIX,
    OperationsOffice,
    Port,
    validate_time_zone,
)
from poe_ops.models.review import Reviewable, ReviewStatus

__all__ = [
    "AFTER_HOURS_END",
    "EXTERNAL_KINDS",
    "HQ_GROUP_PREFIX",
    "MEDICAL_GROUP_PREFIX",
    "PROTECTION_GROUP_PREFIX",
    "UNMUTABLE_KINDS",
    "AuditEvent",
    "AuditEventQuerySet",
    "Contact",
    "Delegation",
    "Document",
    "Heartbeat",
    "Notification",
    "NotificationKind",
    "NotificationPreference",
    "OnCall",
    "OperationsOffice",
    "Port",
    "ReviewStatus",
    "Reviewable",
    "night_of",
    "validate_time_zone",
]
