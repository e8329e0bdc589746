"""Staff profiles kept by the port's officers (and its Operations HQ) instead of the admin: the
phone number, and the languages someone speaks with their level. Every change is audited."""

from __future__ import annotations

from django.db import transaction

from poe_ops.languages import find_language, language_key, language_name
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import MANAGE
from poe_ops.scoping import User, require_port_perm
from poe_ops.services.audit import changed_fields, log_action
from staffing.models import StaffLanguage, StaffProfile


def _may_keep(actor: User, port: Port, profile: StaffProfile) -> None:
    require_port_perm(actor, port, MANAGE)
    if not profile.home_ports.filter(pk=port.pk).exists():
        raise Refusal(f"{profile} is not on the staff of {port.iata}.")


def change_phone(actor: User, port: Port, profile: StaffProfile, phone: str) -> StaffProfile:
    """The number the port rings this person on (shown on the staff list and the on-call
    rota)."""
    _may_keep(actor, port, profile)
    phone = " ".join(phone.split())
    if phone and not any(c.isdigit() for c in phone):
        raise Refusal("Phone: the number with its digits, or nothing.", field="phone")
    with transaction.atomic():
        locked = StaffProfile.objects.select_for_update().get(pk=profile.pk)
        changes = changed_fields({"phone": locked.phone}, {"phone": phone})
        if changes:
            locked.phone = phone
            locked.save(update_fields=["phone"])
            log_action(actor, "poe.staff.changed", locked, port=port, changes=changes)
    return locked


def set_language(
    actor: User, port: Port, profile: StaffProfile, code: str, level: str
) -> StaffLanguage:
    """Add a language someone speaks, or change their level in it. A language already listed
    under its other ISO code (``fa``/``fas``) is the same language: its level changes."""
    _may_keep(actor, port, profile)
    typed, code = code, find_language(code)
    if not code:
        raise Refusal(
            f"“{typed.strip()}” is not a language POE Ops knows: type its name (Dari) or its "
            "ISO 639 code (prs).",
            field="code",
        )
    if level not in StaffLanguage.Level.values:
        raise Refusal("Level: basic, working, fluent or native.", field="level")
    with transaction.atomic():
        same = [
            spoken
            for spoken in StaffLanguage.objects.select_for_update().filter(profile=profile)
            if language_key(spoken.code) == language_key(code)
        ]
        if same:
            spoken = same[0]
            changes = changed_fields({"level": spoken.level}, {"level": level})
            if changes:
                spoken.level = level
                spoken.save(update_fields=["level"])
                log_action(
                    actor,
                    "poe.staff.language.changed",
                    profile,
                    port=port,
                    changes=changes,
                    data={"language": spoken.code},
                )
            return spoken
        spoken = StaffLanguage.objects.create(profile=profile, code=code, level=level)
        log_action(
            actor,
            "poe.staff.language.added",
            profile,
            port=port,
            data={"language": code, "name": language_name(code), "level": level},
        )
    return spoken


def remove_language(actor: User, port: Port, profile: StaffProfile, code: str) -> None:
    _may_keep(actor, port, profile)
    with transaction.atomic():
        spoken = StaffLanguage.objects.filter(profile=profile, code=code).first()
        if spoken is None:
            return
        log_action(
            actor,
            "poe.staff.language.removed",
            profile,
            port=port,
            data={"language": code, "level": spoken.level},
        )
        spoken.delete()
