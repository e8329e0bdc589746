"""The nine national resettlement agencies, loaded by a data migration, then edited in admin."""

from __future__ import annotations

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

# Names a manifest may still use for an agency.
AGENCY_ALIASES = {"LIRS": "GR", "GLOBAL REFUGE": "GR", "WORLD RELIEF": "WR"}


def load_agencies(agency_model: Any) -> None:
    for code, name in AGENCIES:
        agency_model.objects.get_or_create(code=code, defaults={"name": name})
