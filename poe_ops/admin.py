from __future__ import annotations

import contextlib
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.base_user import AbstractBaseUser
from django.db.models import QuerySet
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from guardian.admin import GuardedModelAdmin

from poe_ops.models import AuditEvent, Notification, OperationsOffice, Port
from poe_ops.services import second_factor


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


# --- Accounts: the second factor is reset here, never looked at --------------------------------

# django-otp's own admin pages would show every person's authenticator secret (and its QR code)
# to any administrator: they are taken away. What an administrator does for someone who lost
# their phone is the reset below (poe_ops.services.second_factor.reset).
for _otp_model in (TOTPDevice, StaticDevice):
    with contextlib.suppress(NotRegistered):
        admin.site.unregister(_otp_model)

User = get_user_model()
with contextlib.suppress(NotRegistered):
    admin.site.unregister(User)


@admin.register(User)
class PoeUserAdmin(UserAdmin):
    """Django's user admin, plus the second factor's reset (a lost or replaced phone)."""

    actions = ["reset_second_factor"]

    @admin.action(
        description="Reset second factor (they set up their authenticator app again at their "
        "next sign-in)",
        permissions=["change"],
    )
    def reset_second_factor(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        assert isinstance(request.user, AbstractBaseUser)
        for person in queryset:
            done = second_factor.reset(request.user, person)
            self.message_user(
                request,
                f"{person.get_username()}: second factor reset ({done.devices} device(s) "
                f"removed, {done.sessions} session(s) ended). They set it up again at their "
                "next sign-in.",
                messages.SUCCESS,
            )
