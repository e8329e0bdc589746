"""Languages as ISO 639 codes: checked, named, and compared whether written with two letters or
three."""

from __future__ import annotations

import functools

import pycountry
from django.core.exceptions import ValidationError


def validate_language(code: str) -> None:
    """An ISO 639 code: two letters (639-1) or three (639-3)."""
    if not code:
        return
    found = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code)
    )
    if found is None:
        raise ValidationError(f"{code!r} is not an ISO 639 language code (e.g. prs for Dari).")


def language_name(code: str) -> str:
    if not code:
        return ""
    lang = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code)
    )
    return str(lang.name).removesuffix(" (macrolanguage)") if lang is not None else code


def language_key(code: str) -> str:
    """One key per language, whether written as ISO 639-1 ('fa') or 639-3 ('fas')."""
    if len(code) == 2:
        found = pycountry.languages.get(alpha_2=code)
        if found is not None:
            return str(found.alpha_3)
    return code


# Spellings people type that ISO 639's names do not carry.
ALIASES = {"pashto": "ps", "farsi": "fa", "swahili": "sw", "kurdish": "ku", "somali": "so"}


@functools.cache
def _codes_by_name() -> dict[str, str]:
    found: dict[str, str] = {}
    for lang in pycountry.languages:
        code = str(getattr(lang, "alpha_2", "") or lang.alpha_3)
        for attr in ("name", "common_name", "inverted_name"):
            name = getattr(lang, attr, "")
            if name:
                found.setdefault(str(name).removesuffix(" (macrolanguage)").casefold(), code)
    return found


def find_language(text: str) -> str:
    """The ISO 639 code of a language typed as a code ("prs", "fa") or a name ("Dari",
    "Pashto"); "" when there is none."""
    typed = " ".join((text or "").split()).casefold()
    if not typed:
        return ""
    if len(typed) in (2, 3) and typed.isalpha():
        try:
            validate_language(typed)
        except ValidationError:
            pass
        else:
            return typed
    return ALIASES.get(typed) or _codes_by_name().get(typed, "")
