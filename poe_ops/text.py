"""Words for people and things, the same everywhere: a user's display name, and text folded
for search."""

from __future__ import annotations

import unicodedata
from typing import Any


def display_name(user: Any) -> str:
    """A user's full name, or their username when they have none."""
    return str(user.get_full_name() or user.get_username())


def lower_first(label: str) -> str:
    """A label as it reads inside a sentence: "Met" → "met", "To hotel" → "to hotel", but an
    abbreviation keeps its capitals: "CBP cleared" stays "CBP cleared" ("Undo CBP cleared")."""
    first = label.split(" ", 1)[0]
    if sum(1 for c in first if c.isupper()) > 1:
        return label
    return label[:1].lower() + label[1:]


def fold(text: str) -> str:
    """Lower-case, accents removed, spaces collapsed: 'Nyiramana  Béatrice' → 'nyiramana beatrice'.

    Used for name search so that an associate typing without accents still finds the person."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
