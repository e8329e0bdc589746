"""Credentials: the daily notice to each port's officers of those about to expire, and keeping
them — adding one, renewing one (the old one stays as history), each with a scan kept as a
private file (``poe_ops.uploads``, as incident photos)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from poe_ops.keys import check_key, first_made, new_key
from poe_ops.models import NotificationKind, Port
from poe_ops.queries.delegations import officers_of
from poe_ops.refusals import Conflict, Refusal
from poe_ops.roles import MANAGE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import changed_fields, log_action, snapshot
from poe_ops.services.notifications import notify
from poe_ops.text import display_name
from poe_ops.uploads import check_upload, stored_name
from staffing.models import Credential, StaffProfile
from staffing.queries.credentials import expiring


def describe(credential: Credential, today: dt.date) -> str:
    who = display_name(credential.profile.user)
    what = credential.get_kind_display()
    assert credential.expires is not None
    if credential.expires < today:
        return f"{who}'s {what} expired on {credential.expires:%d %b %Y}."
    days = (credential.expires - today).days
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return f"{who}'s {what} expires {when} ({credential.expires:%d %b %Y})."


def notify_expiring_credentials(today: dt.date | None = None) -> int:
    """Tell each port's officers, one notice per credential per officer per day. Running it
    twice on a day sends nothing more (the dedupe key carries the date)."""
    sent = 0
    for port in Port.objects.all():
        day = today or port.local_today()
        # Expired ones stay on the roster and home pages; the daily notice is for what is
        # about to expire (30 notices at most per credential and officer).
        found = [c for c in expiring([port], day) if c.expires is not None and c.expires >= day]
        if not found:
            continue
        officers = officers_of(port)
        with transaction.atomic():
            for credential in found:
                for officer in officers:
                    key = f"credential:{credential.pk}:{port.iata}:{officer.pk}:{day:%Y%m%d}"
                    sentence = describe(credential, day)
                    written = notify(
                        NotificationKind.CREDENTIAL,
                        port,
                        credential,
                        f"{port.iata}: {sentence}",
                        {
                            "summary": sentence,
                            "details": [
                                ["Credential", str(credential)],
                                ["Issuing authority", credential.authority],
                            ],
                            "path": reverse("staffing:home"),
                        },
                        dedupe_key=key[:100],
                        recipient=officer,
                    )
                    sent += written is not None
    return sent


# --- keeping credentials ---------------------------------------------------------------------

CREDENTIAL_FIELDS = ("kind", "title", "number", "authority", "issued", "expires", "scan_name")


def _attach_scan(credential: Credential, scan: UploadedFile | None) -> None:
    if scan is None:
        return
    content_type = check_upload(scan)  # ValidationError in words: nothing is saved
    original = (scan.name or "scan")[:200]
    credential.scan_name, credential.scan_type = original, content_type
    credential.scan.save(stored_name(original, content_type, "scan"), scan, save=False)


def _save_with_scan(credential: Credential, save: Callable[[], None]) -> None:
    """``save()`` the row (and its audit event) in a transaction; a file stored for a row that
    failed to save is deleted again: no row, no file."""
    try:
        with transaction.atomic():
            save()
    except BaseException:
        if credential.scan:
            credential.scan.delete(save=False)
        raise


def _staff_here(port: Port, profile: StaffProfile) -> None:
    if not profile.home_ports.filter(pk=port.pk).exists():
        raise Refusal(f"{profile} is not on the staff of {port.iata}.")


def add_credential(
    actor: User,
    port: Port,
    profile: StaffProfile,
    *,
    kind: str,
    number: str = "",
    authority: str = "",
    title: str = "",
    issued: dt.date | None = None,
    expires: dt.date | None = None,
    scan: UploadedFile | None = None,
    idempotency_key: str = "",
) -> Credential:
    """A badge, clearance or training ``profile``'s person now holds, with its scan. For a
    credential that replaces one on record, use ``renew_credential`` (the history keeps both).
    A repeated key (a double submit) is the first one; its scan is not stored twice."""
    require_port_perm(actor, port, MANAGE)
    _staff_here(port, profile)
    key = check_key(idempotency_key) if idempotency_key else new_key()
    first = first_made(Credential, key, lambda made: made.profile_id == profile.pk)
    if first is not None:
        return first
    if kind not in Credential.Kind.values:
        raise Refusal("Kind: choose one of the list.", field="kind")
    if kind == Credential.Kind.TRAINING_OTHER and not title.strip():
        raise Refusal("Title: say which training.", field="title")
    _check_dates(issued, expires)
    credential = Credential(
        profile=profile,
        kind=kind,
        title=title.strip(),
        number=number.strip(),
        authority=authority.strip(),
        issued=issued,
        expires=expires,
        recorded_by=signed_in(actor),
        recorded_at=timezone.now(),
        idempotency_key=key,
    )
    _attach_scan(credential, scan)

    def save() -> None:
        # One add at a time per person: a double submit that got past the look-up above
        # finds the first one here, and stores nothing (its scan is deleted again).
        StaffProfile.objects.select_for_update().filter(pk=profile.pk).first()
        if Credential.objects.filter(idempotency_key=key).exists():
            raise _Repeated
        credential.save()
        log_action(
            actor,
            "poe.credential.added",
            credential,
            port=port,
            changes=changed_fields({}, snapshot(credential, CREDENTIAL_FIELDS)),
            data={"staff": display_name(profile.user)},
        )

    try:
        _save_with_scan(credential, save)
    except _Repeated:
        return Credential.objects.get(idempotency_key=key)
    return credential


class _Repeated(Exception):
    """The key was used while this add waited its turn."""


def renew_credential(
    actor: User,
    port: Port,
    old: Credential,
    *,
    expires: dt.date | None,
    number: str = "",
    authority: str = "",
    issued: dt.date | None = None,
    scan: UploadedFile | None = None,
) -> Credential:
    """A new credential of the same kind that renews ``old`` (kept, as history): the roster
    accepts the person on airside shifts up to the new expiry. Refused when it does not
    expire later than the old one, or when someone renewed it first (``Conflict``)."""
    require_port_perm(actor, port, MANAGE)
    _staff_here(port, old.profile)
    if old.expires is None:
        raise Refusal(f"{old} does not expire; there is nothing to renew.")
    if expires is not None and expires <= old.expires:
        raise Refusal(
            f"The new expiry must be after the old one ({old.expires:%d %b %Y}).",
            field="expires",
        )
    _check_dates(issued, expires)
    renewal = Credential(
        profile=old.profile,
        kind=old.kind,
        title=old.title,
        number=(number or old.number).strip(),
        authority=(authority or old.authority).strip(),
        issued=issued,
        expires=expires,
        renews=old,
        recorded_by=signed_in(actor),
        recorded_at=timezone.now(),
    )
    _attach_scan(renewal, scan)

    def save() -> None:
        locked = Credential.objects.select_for_update().get(pk=old.pk)
        already = Credential.objects.filter(renews=locked).select_related("recorded_by").first()
        if already is not None:
            who = display_name(already.recorded_by) if already.recorded_by else "someone"
            raise Conflict(
                f"{old} was already renewed by {who} (now expires "
                f"{already.expires:%d %b %Y}). Nothing was changed."
                if already.expires
                else f"{old} was already renewed by {who}. Nothing was changed."
            )
        renewal.save()
        log_action(
            actor,
            "poe.credential.renewed",
            renewal,
            port=port,
            changes={"expires": [old.expires, expires]},
            data={
                "staff": display_name(old.profile.user),
                "renews": old.pk,
                "number": renewal.number,
                "scan": renewal.scan_name,
            },
        )

    _save_with_scan(renewal, save)
    return renewal


def _check_dates(issued: dt.date | None, expires: dt.date | None) -> None:
    if issued and expires and expires < issued:
        raise Refusal("It expires before it was issued.", field="expires")
