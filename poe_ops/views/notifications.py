"""The in-app notification feed and each user's email settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from poe_ops.forms import EmailSettingsForm
from poe_ops.http import HtmxHttpRequest
from poe_ops.models import NotificationKind
from poe_ops.queries import notifications as reading
from poe_ops.services import notifications


@login_required
def feed(request: HtmxHttpRequest) -> HttpResponse:
    """Newest first; what arrived since the user last marked the feed read is highlighted."""
    read_at = reading.read_up_to(request.user)
    items = list(reading.feed(request.user)[: reading.FEED_LENGTH])
    rows = [(n, read_at is None or n.created_at > read_at) for n in items]
    return render(
        request,
        "notifications/feed.html",
        {"rows": rows, "unread": sum(unread for _, unread in rows)},
    )


@require_POST
@login_required
def mark_all_read(request: HtmxHttpRequest) -> HttpResponse:
    notifications.mark_all_read(request.user)
    return redirect("notifications")


@login_required
def email_settings(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        muted = notifications.set_muted_kinds(
            request.user, set(NotificationKind.values) - set(request.POST.getlist("email"))
        )
        if muted:
            labels = ", ".join(NotificationKind(k).label.lower() for k in sorted(muted))
            messages.success(request, f"Saved. No email for: {labels}.")
        else:
            messages.success(request, "Saved. You get every notification by email.")
        return redirect("notification_settings")
    muted = reading.muted_kinds(request.user)
    emailed = [kind.value for kind in NotificationKind if kind not in muted]
    form = EmailSettingsForm(initial={"email": emailed})
    return render(request, "notifications/settings.html", {"form": form})
