"""Template context every page needs: the navigation for the signed-in user."""

from __future__ import annotations

import functools
from typing import Any

from django.http import HttpRequest

from poe_ops.forms import SignInDialogForm
from poe_ops.http import device_name
from poe_ops.queries.approvals import awaiting_count, decides_anything
from poe_ops.queries.notifications import unread_count
from poe_ops.roles import COORDINATE, hq_offices
from poe_ops.scoping import ports_for
from poe_ops.services import second_factor


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    @functools.cache
    def nav_ports() -> list[Any]:
        return list(ports_for(user))

    @functools.cache
    def is_hq() -> bool:
        return user.is_superuser or bool(hq_offices(user))

    @functools.cache
    def may_import() -> bool:
        return ports_for(user, COORDINATE).exists()

    @functools.cache
    def unread_notifications() -> int:
        return unread_count(user)

    @functools.cache
    def decides() -> bool:
        return decides_anything(user)

    @functools.cache
    def awaiting_approval() -> int:
        return awaiting_count(user)

    @functools.cache
    def second_factor_pending() -> bool:
        # The code pages show no navigation: every link would lead back to them.
        return not second_factor.is_verified(request) and second_factor.requires_second_factor(user)

    # Callables: evaluated only when a template uses them (the login page does not), and once
    # however often it does.
    return {
        "nav_ports": nav_ports,
        "nav_is_hq": is_hq,
        "nav_may_import": may_import,
        "nav_unread_notifications": unread_notifications,
        "nav_decides": decides,
        "nav_awaiting_approval": awaiting_approval,
        "nav_second_factor_pending": second_factor_pending,
        # The sign-in dialog every page holds for when its session ends (static/js/signin.js).
        "signin_form": lambda: SignInDialogForm(request, initial={"username": user.get_username()}),
        # The name this tablet was given (poe_ops.views.device), shown beside the user's.
        "device_name": device_name(request),
    }
