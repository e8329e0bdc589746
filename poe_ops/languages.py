"""Languages as ISO 639 codes: checked, named, and compared whether written with two letters or
three."""

from __future__ import annotations

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
