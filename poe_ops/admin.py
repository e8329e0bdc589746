from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from guardian.admin import GuardedModelAdmin

from poe_ops.models import AuditEvent, Notification, OperationsOffice, Port


@admin.register(OperationsOffice)
class OperationsOfficeAdmin(admin.ModelAdmin[OperationsOffice]):
    list_display = ["code", "name"]


@admin.register(Port)
class PortAdmin(GuardedModelAdmin):
    list_display = ["iata", "name", "time_zone", "office"]
    list_filter = ["office"]
    search_fields = ["iata", "name"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin[AuditEvent]):
    """Read-only: the audit log is append-only, even for administrators."""

    list_display = ["at", "action", "actor", "port", "object_repr", "request_id"]
    list_filter = ["action", "port"]
    search_fields = ["action", "object_repr", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin[Notification]):
    """Failed deliveries show here; set one back to pending to have the sweep try again."""

    list_display = ["created_at", "kind", "port", "subject", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind", "port"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    readonly_fields = ["attempt_log", "last_error", "claimed_at", "sent_at", "created_at"]
