"""Words for people and things, the same everywhere: a user's display name, and text folded
for search."""

from __future__ import annotations

import unicodedata
from typing import Any


def display_name(user: Any) -> str:
    """A user's full name, or their username when they have none."""
    return str(user.get_full_name() or user.get_username())


def fold(text: str) -> str:
    """Lower-case, accents removed, spaces collapsed: 'Nyiramana  Béatrice' → 'nyiramana beatrice'.

    Used for name search so that an associate typing without accents still finds the person."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
