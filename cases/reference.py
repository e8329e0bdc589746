"""The nine national resettlement agencies, loaded by a data migration, then kept by Operations HQ
(``/agencies/``). Two ended federal resettlement in 2025: they stay (old cases name them) but are
inactive, so no list offers them any more."""

from __future__ import annotations

import datetime as dt
from typing import Any

AGENCIES = [
    ("CWS", "Church World Service"),
    ("ECDC", "Ethiopian Community Development Council"),
    ("EMM", "Episcopal Migration Ministries"),
    ("HIAS", "HIAS"),
    ("IRC", "International Rescue Committee"),
    ("GR", "Global Refuge (formerly LIRS)"),
    ("USCCB", "U.S. Conference of Catholic Bishops"),
    ("USCRI", "U.S. Committee for Refugees and Immigrants"),
    ("WR", "World Relief"),
]

# Agencies that left the programme: (code, the day it ended, what happened), in words.
ENDED = {
    "USCCB": (
        dt.date(2025, 4, 7),
        "Announced on 7 Apr 2025 that it would end its federal refugee resettlement partnership.",
    ),
    "EMM": (
        dt.date(2025, 9, 30),
        "Ended its federal resettlement agreements on 30 Sep 2025.",
    ),
}

# Names a manifest may still use for an agency.
AGENCY_ALIASES = {"LIRS": "GR", "GLOBAL REFUGE": "GR", "WORLD RELIEF": "WR"}


def load_agencies(agency_model: Any) -> None:
    """The agencies, with those that ended federal resettlement marked inactive. Idempotent; an
    agency HQ has already edited keeps HQ's values."""
    # The migration that first loads them runs before ``ended_on`` existed.
    knows_endings = "ended_on" in {f.name for f in agency_model._meta.get_fields()}
    for code, name in AGENCIES:
        defaults: dict[str, Any] = {"name": name}
        if code in ENDED and knows_endings:
            ended_on, note = ENDED[code]
            defaults.update(active=False, ended_on=ended_on, note=note)
        agency_model.objects.get_or_create(code=code, defaults=defaults)


def mark_ended_agencies(agency_model: Any) -> None:
    """For databases loaded before: the agencies that ended federal resettlement, inactive."""
    for code, (ended_on, note) in ENDED.items():
        agency_model.objects.filter(code=code, ended_on__isnull=True).update(
            active=False, ended_on=ended_on, note=note
        )
