"""The notification outbox: write a row with the change, deliver it by email after commit.

``notify`` is called inside the service's ``transaction.atomic()``: the row exists if and only if
the change does. After commit a task (``poe_ops.tasks.deliver_notification``) claims the row with
a conditional UPDATE — like healthchecks' ``sendalerts`` — so two workers, a late task and the
periodic sweep never send the same notification twice. A worker killed mid-delivery leaves the
row 'sending'; once its claim is older than ``CLAIM_TIMEOUT`` the sweep hands it to another.
(Delivery is at-least-once in one narrow case: a worker killed after the mail server accepted the
message but before the row was marked sent.)
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import DatabaseError, models
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from poe_ops import keys
from poe_ops.dispatch import send_on_commit
from poe_ops.models import (
    EXTERNAL_KINDS,
    UNMUTABLE_KINDS,
    Notification,
    NotificationKind,
    NotificationPreference,
    Port,
)
from poe_ops.scoping import signed_in

User = AbstractBaseUser | AnonymousUser

CLAIM_TIMEOUT = dt.timedelta(minutes=5)
MAX_ATTEMPTS = 8
BACKOFF_BASE_SECONDS = 30
BACKOFF_MAX_SECONDS = 3600
SEND_TIMEOUT_SECONDS = 60
SWEEP_BATCH = 1000


# --- Writing ---------------------------------------------------------------------------------


def notify(
    kind: str,
    port: Port,
    obj: models.Model | None,
    subject: str,
    context: Mapping[str, Any],
    *,
    dedupe_key: str = "",
    recipient: AbstractBaseUser | None = None,
    restricted: bool = False,
    recipient_email: str = "",
    recipient_name: str = "",
) -> Notification | None:
    """Write a notification in the current transaction and queue its delivery after commit.

    ``context`` must be JSON: ``summary`` (one sentence), ``details`` ([label, value] pairs) and
    ``path`` (where in the app to look). With ``dedupe_key``, an event already reported under
    that key is not reported again (returns ``None``).

    By default the port's operations office is emailed and everyone who may view the port sees
    it in their feed. ``recipient`` addresses one person instead (only they see it and are
    emailed); ``restricted`` keeps a sensitive one from the port's associates: the office is
    emailed, and only HQ and the port's officers see it.

    ``recipient_email`` addresses someone outside POE Ops (an agency office, ``recipient_name``)
    instead: only that address is emailed, the email carries no link into POE Ops, and the feed
    shows the message to HQ and the port's officers only — so HQ sees what was sent. It is
    delivered exactly as the others (one claim, retries, the sweep)."""
    if kind not in NotificationKind.values:
        raise ValueError(f"Unknown notification kind {kind!r}.")
    if recipient_email and recipient is not None:
        raise ValueError("A notification goes to one user or to one outside address, not both.")
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    context = dict(context)
    notification = Notification(
        kind=kind,
        port=port,
        office_id=port.office_id,
        subject=subject[:200],
        context=context,
        body=render_to_string(
            "notifications/email.txt", _template_context(port, context, bool(recipient_email))
        ),
        dedupe_key=dedupe_key,
        recipient=recipient,  # type: ignore[misc]
        restricted=restricted or bool(recipient_email),
        recipient_email=recipient_email.strip(),
        recipient_name=recipient_name[:200],
    )
    if obj is not None:
        notification.content_type = ContentType.objects.get_for_model(obj)
        notification.object_id = str(obj.pk)
    if dedupe_key:
        # The key decides in one statement: a race lost to another writer is no error, and
        # does not spoil the caller's transaction.
        notification, created = keys.claim(notification, key_field="dedupe_key")
        if not created:
            return None
    else:
        notification.save()
    from poe_ops.tasks import deliver_notification  # tasks import this module

    send_on_commit(deliver_notification, notification.pk)
    return notification


def _template_context(port: Port, context: Mapping[str, Any], external: bool) -> dict[str, Any]:
    """What the email templates show. An outside addressee cannot sign in: no link for them."""
    path = "" if external else str(context.get("path", ""))
    base = settings.POE_SITE_URL.rstrip("/")
    return {
        "port": port,
        "summary": context.get("summary", ""),
        "details": context.get("details", []),
        "link": f"{base}{path}" if path else "",
        "external": external,
    }


# --- Delivering ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delivery:
    """What one delivery attempt did. ``retry_in``: seconds until the next try, if any."""

    outcome: str
    retry_in: int | None = None


def backoff_seconds(attempts: int) -> int:
    """30 s, 1 min, 2 min, … after the 1st, 2nd, 3rd failed attempt, at most an hour."""
    return int(min(BACKOFF_BASE_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS))


def _claimable(now: dt.datetime) -> Q:
    """Due and pending, or claimed so long ago that its worker must have died."""
    return Q(state=Notification.State.PENDING, next_attempt_at__lte=now) | Q(
        state=Notification.State.SENDING, claimed_at__lt=now - CLAIM_TIMEOUT
    )


def claim(notification_id: int) -> bool:
    """Take the notification for delivery; ``False`` when another worker has it, it is not yet
    due, or it is already done. The row count of one conditional UPDATE decides."""
    now = timezone.now()
    won = Notification.objects.filter(_claimable(now), pk=notification_id).update(
        state=Notification.State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return won == 1


def recipients(notification: Notification) -> list[str]:
    """The office's list plus its HQ staff (or the one addressee), without anyone who muted this
    kind by email."""
    office = notification.office
    if notification.recipient_email:
        # Someone outside POE Ops: only them, and nobody's mutes apply (their office's opt-out
        # was honoured when the message was written).
        return [notification.recipient_email.strip().lower()]
    if notification.recipient_id is not None:
        person = get_user_model().objects.filter(pk=notification.recipient_id, is_active=True)
        emails = person.exclude(email="").values_list("email", flat=True)
        wanted = [email.strip().lower() for email in emails]
    else:
        hq_users = (
            get_user_model()
            .objects.filter(groups__name=office.hq_group_name, is_active=True)
            .exclude(email="")
        )
        staff = {u.email.strip().lower(): u.pk for u in hq_users.only("pk", "email")}
        wanted = [address.lower() for address in office.recipient_list()] + list(staff)
    muted: set[str] = set()
    if notification.kind not in UNMUTABLE_KINDS:
        # Few people mute anything; reading their settings beats a JSON query SQLite lacks.
        muting = (
            NotificationPreference.objects.exclude(muted_kinds=[])
            .exclude(user__email="")
            .values_list("user__email", "muted_kinds")
        )
        muted = {email.strip().lower() for email, kinds in muting if notification.kind in kinds}
    return sorted(set(wanted) - muted)


def _send(notification: Notification, to: list[str]) -> None:
    context = _template_context(
        notification.port, notification.context, bool(notification.recipient_email)
    )
    context["subject"] = notification.subject
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        to=to,
        connection=get_connection(timeout=SEND_TIMEOUT_SECONDS),
    )
    message.attach_alternative(render_to_string("notifications/email.html", context), "text/html")
    message.send()


def _log(notification: Notification, outcome: str, error: str = "") -> list[dict[str, str]]:
    entries = list(notification.attempt_log)
    # An attempt counted but never logged was a worker that died holding the claim.
    for _ in range(notification.attempts - 1 - len(entries)):
        entries.append({"at": "", "outcome": "lost", "error": "worker stopped mid-delivery"})
    entries.append({"at": timezone.now().isoformat(), "outcome": outcome, "error": error})
    return entries


def deliver(notification_id: int) -> Delivery:
    """Claim, send one email, record the attempt. Running it twice sends once."""
    if not claim(notification_id):
        return Delivery("skipped")
    notification = Notification.objects.select_related("port", "office").get(pk=notification_id)
    try:
        to = recipients(notification)
        if to:
            _send(notification, to)
    except DatabaseError:
        # The database, not the delivery, failed: nothing can be recorded now. The task is
        # retried (poe_ops.worker); the row stays claimed until then, or until the sweep.
        release(notification_id)
        raise
    except Exception as error:  # SMTP, DNS, templates: all mean "try again later"
        text = f"{type(error).__name__}: {error}"[:1000]
        final = notification.attempts >= MAX_ATTEMPTS
        wait = backoff_seconds(notification.attempts)
        Notification.objects.filter(pk=notification.pk).update(
            state=Notification.State.FAILED if final else Notification.State.PENDING,
            next_attempt_at=timezone.now() + dt.timedelta(seconds=wait),
            last_error=text,
            attempt_log=_log(notification, "failed" if final else "error", text),
        )
        return Delivery("failed") if final else Delivery("retry", retry_in=wait)
    outcome = "sent" if to else "sent (no recipients)"
    Notification.objects.filter(pk=notification.pk).update(
        state=Notification.State.SENT,
        sent_at=timezone.now(),
        last_error="" if to else "Nobody to email: the office has no recipients.",
        attempt_log=_log(notification, outcome),
    )
    return Delivery(outcome)


def release(notification_id: int) -> None:
    """Give back a claim that could not be worked on (the database failed mid-delivery), so a
    retry can take it at once; if the database is still away, the claim lapses after
    ``CLAIM_TIMEOUT`` and the sweep hands it on."""
    with contextlib.suppress(DatabaseError):  # else the sweep's stale-claim rule covers it
        Notification.objects.filter(pk=notification_id, state=Notification.State.SENDING).update(
            state=Notification.State.PENDING, attempts=F("attempts") - 1
        )


def due_for_delivery(limit: int = SWEEP_BATCH) -> list[int]:
    """Ids the sweep queues again: due pending rows and rows whose claim has gone stale."""
    rows = Notification.objects.filter(_claimable(timezone.now())).order_by("next_attempt_at")
    return list(rows.values_list("pk", flat=True)[:limit])


# --- The in-app feed and each user's settings -------------------------------------------------


def mark_all_read(user: User) -> None:
    NotificationPreference.objects.update_or_create(
        user_id=signed_in(user).pk, defaults={"feed_read_at": timezone.now()}
    )


def set_muted_kinds(user: User, kinds: Iterable[str]) -> set[str]:
    """Mute email for ``kinds``; emergencies, messages to agencies and unknown kinds are
    ignored. Returns the mutes."""
    wanted = sorted(set(kinds) & set(NotificationKind.values) - UNMUTABLE_KINDS - EXTERNAL_KINDS)
    NotificationPreference.objects.update_or_create(
        user_id=signed_in(user).pk, defaults={"muted_kinds": wanted}
    )
    return set(wanted)
