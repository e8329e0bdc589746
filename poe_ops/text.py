"""Words for people and things, the same everywhere: a user's display name, a label inside a
sentence, text folded for
search, and the control characters no input may carry."""

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


# Letters that Unicode does not decompose but that people type interchangeably. Arabic and
# Persian keyboards give different code points for the same letter (a name written in
# Kabul with Persian ی and ک is typed in Amman with Arabic ي and ك); Nordic and other Latin
# letters with a stroke or a ligature have no accent to strip, and an associate typing on an
# English keyboard writes "oster" for "Øster".
_FOLDED_LETTERS = str.maketrans(
    {
        # Arabic and Persian: one form per letter.
        "\u064a": "\u06cc",  # ي Arabic yeh → ی Persian yeh
        "\u0649": "\u06cc",  # ى alef maksura → ی
        "\u0643": "\u06a9",  # ك Arabic kaf → ک keheh
        "\u0629": "\u0647",  # ة teh marbuta → ه heh
        "\u06c1": "\u0647",  # ہ heh goal (Urdu) → ه
        "\u06be": "\u0647",  # ھ heh doachashmee → ه
        "\u06d5": "\u0647",  # ە ae → ه
        "\u0671": "\u0627",  # ٱ alef wasla → ا
        "\u0640": None,  # ـ tatweel (stretches a word; not a letter)
        "\u200c": None,  # zero-width non-joiner (Persian half-space)
        "\u200d": None,  # zero-width joiner
        # Latin letters without a decomposition.
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ð": "d",
        "đ": "d",
        "þ": "th",
        "ł": "l",
        "ı": "i",
    }
)


def _digit(char: str) -> str:
    """Arabic-Indic and Persian digits (٣, ۳) as the ASCII digit they stand for."""
    value = unicodedata.digit(char, None)
    return str(value) if value is not None and not char.isascii() else char


def fold(text: str) -> str:
    """Lower-case, accents removed, letter forms unified, spaces collapsed:
    'Nyiramana  Béatrice' → 'nyiramana beatrice', 'Øster' → 'oster', 'رحيمي' → 'رحیمی'.

    Used for name search so that an associate typing without accents, or on another
    keyboard, still finds the person. Stored folded in ``Individual.name_folded``: a change
    here needs a data migration that folds the stored names again."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    lowered = stripped.casefold().translate(_FOLDED_LETTERS)
    digits = "".join(_digit(c) for c in lowered)
    return " ".join(digits.split())


# Tab, line feed and carriage return are how text areas break lines; every other C0 and C1
# control character (NUL above all: PostgreSQL refuses it in text) has no place in what
# people type.
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def control_character_at(text: str) -> int | None:
    """The position of the first control character in ``text`` that no input may carry, or
    ``None`` when there is none."""
    for index, char in enumerate(text):
        if char not in _ALLOWED_CONTROLS and unicodedata.category(char) == "Cc":
            return index
    return None
