"""Signal handlers wired in ``PoeOpsConfig.ready``."""

from __future__ import annotations

import time
from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest

from poe_ops.middleware import LAST_SEEN_AT, LOGGED_IN_AT


def after_migrate(sender: AppConfig, **kwargs: Any) -> None:
    """Once the permissions exist, make sure role groups and office visibility are in place."""
    if sender.name != "poe_ops":
        return
    from poe_ops.roles import ensure_role_groups, sync_office_permissions

    ensure_role_groups()
    sync_office_permissions()


def port_saved(
    sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    if raw:
        return
    from poe_ops.roles import sync_office_permissions

    sync_office_permissions()


def stamp_login(sender: type, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[LOGGED_IN_AT] = now
        request.session[LAST_SEEN_AT] = now


def user_saved(
    sender: type, instance: Any, created: bool, raw: bool = False, **kwargs: Any
) -> None:
    """A disabled account loses its sessions at once: signing it in again needs its password
    (Django already refuses an inactive user's session; this makes re-enabling the account not
    bring the old cookies back to life)."""
    update_fields = kwargs.get("update_fields")
    if raw or created or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    from poe_ops.services.accounts import end_sessions

    end_sessions(instance)
