"""The port's staff as the officers' screens show them: who, their role and phone, the languages
they speak, and where their credentials stand. A fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.models import User as Person
from django.http import Http404

from poe_ops.models import Port
from staffing.models import Credential, StaffLanguage, StaffProfile


@dataclass
class KindHistory:
    """A person's credentials of one kind: the current one first, then what it renewed."""

    kind: str
    label: str
    credentials: list[Credential]

    @property
    def current(self) -> Credential:
        return self.credentials[0]

    @property
    def history(self) -> list[Credential]:
        return self.credentials[1:]


@dataclass
class StaffRow:
    person: Person
    profile: StaffProfile
    languages: list[StaffLanguage]
    credentials: list[KindHistory] = field(default_factory=list)
    expired: list[Credential] = field(default_factory=list)
    expiring: list[Credential] = field(default_factory=list)

    @property
    def badge(self) -> Credential | None:
        for history in self.credentials:
            if history.kind == Credential.Kind.AIRPORT_BADGE:
                return history.current
        return None


def _histories(credentials: list[Credential]) -> list[KindHistory]:
    by_kind: dict[str, list[Credential]] = defaultdict(list)
    for credential in credentials:
        by_kind[credential.kind].append(credential)
    order = {value: n for n, value in enumerate(Credential.Kind.values)}
    histories = []
    for kind, found in sorted(by_kind.items(), key=lambda item: order.get(item[0], 99)):
        # Newest first: no expiry (never expires) before the latest expiry, then by record.
        found.sort(
            key=lambda c: (c.expires is not None, -(c.expires or dt.date.min).toordinal(), -c.pk)
        )
        histories.append(KindHistory(kind, found[0].get_kind_display(), found))
    return histories


def _row(profile: StaffProfile, today: dt.date) -> StaffRow:
    histories = _histories(list(profile.credentials.all()))
    row = StaffRow(
        person=profile.user,
        profile=profile,
        languages=sorted(profile.languages.all(), key=lambda spoken: spoken.name),
        credentials=histories,
    )
    for history in histories:
        current = history.current
        if current.expires is None:
            continue
        if current.expires < today:
            row.expired.append(current)
        elif current.expires_within(today):
            row.expiring.append(current)
    return row


def staff_list(port: Port, today: dt.date) -> list[StaffRow]:
    """Everyone on the staff of ``port`` (three queries)."""
    profiles = (
        StaffProfile.objects.filter(home_ports=port)
        .select_related("user")
        .prefetch_related("languages", "credentials")
        .order_by("user__last_name", "user__first_name", "user__username")
    )
    return [_row(profile, today) for profile in profiles]


def staff_member(port: Port, user_id: int, today: dt.date) -> StaffRow:
    """One person on the staff of ``port``; 404 for anyone else (another port's staff too)."""
    profile = (
        StaffProfile.objects.filter(home_ports=port, user_id=user_id)
        .select_related("user")
        .prefetch_related("languages", "credentials__recorded_by", "home_ports")
        .first()
    )
    if profile is None:
        raise Http404("No such member of staff here.")
    return _row(profile, today)
