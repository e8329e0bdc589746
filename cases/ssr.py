"""IATA special service request (SSR) codes: the vocabulary passenger-assistance work uses.

Reference data, read by the whole application: the manifest import (which codes it knows), the
case page and PDFs (what a code means), the escort rules, staffing need and the board (which
codes mean a wheelchair or a medical case). UMNR is the airline's service only: whether someone
is a URM or separated minor is their programme status, never this code. Rules ask for a *kind* of
need (``WHEELCHAIR_CODES``, ``ESCORT_CODES``…), never for literal codes.

A code that is not listed here is still kept on the person exactly as the manifest gave it (in
capitals), shown as "not a known code", and reported as a warning by the import — an airline's
own code must never stop a day's arrivals from being imported. The list is documented in
``docs/abn-manifest.md`` (a test keeps the two in step)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models


class Group(models.TextChoices):
    WHEELCHAIR = "wheelchair", "Wheelchair and mobility"
    MEDICAL = "medical", "Medical"
    ASSISTANCE = "assistance", "Assistance, senses, language"
    CHILDREN = "children", "Children and infants"
    ANIMALS = "animals", "Animals"
    SEATING = "seating", "Seats and baggage"
    MEALS = "meals", "Special meals"
    OTHER = "other", "Other requests"


@dataclass(frozen=True)
class ServiceCode:
    code: str
    label: str
    group: Group
    wheelchair: bool = False  # uses a wheelchair: staffing need, board and tablet counts
    medical: bool = False  # a medical case: staffing need, board and tablet counts
    escort: bool = False  # the POE must provide an escort (a URM needs one by programme status)
    # The airline's unaccompanied-minor service: described, never a rule. Custody, escorts and
    # counts key on the programme status (``Individual.programme_status``), not on this code.
    minor: bool = False


_W, _M, _A, _C = Group.WHEELCHAIR, Group.MEDICAL, Group.ASSISTANCE, Group.CHILDREN
_MEAL = Group.MEALS

VOCABULARY: dict[str, ServiceCode] = {
    s.code: s
    for s in (
        ServiceCode("WCHR", "wheelchair for distances; can climb stairs and walk to a seat", _W,
                    wheelchair=True),
        ServiceCode("WCHS", "wheelchair; cannot climb stairs, can walk to a seat", _W,
                    wheelchair=True),
        ServiceCode("WCHC", "wheelchair to and from the seat; cannot walk", _W, wheelchair=True),
        ServiceCode("WCOB", "on-board wheelchair requested", _W, wheelchair=True),
        ServiceCode("WCMP", "travels with a manual wheelchair", _W, wheelchair=True),
        ServiceCode("WCBD", "travels with a dry-cell battery wheelchair", _W, wheelchair=True),
        ServiceCode("WCBW", "travels with a wet-cell battery wheelchair", _W, wheelchair=True),
        ServiceCode("WCLB", "travels with a lithium-battery wheelchair", _W, wheelchair=True),
        ServiceCode("LEGL", "left leg in a cast", _W),
        ServiceCode("LEGR", "right leg in a cast", _W),
        ServiceCode("LEGB", "both legs in casts", _W),
        ServiceCode("MEDA", "medical case (airline medical clearance)", _M, medical=True,
                    escort=True),
        ServiceCode("STCR", "stretcher", _M, medical=True, escort=True),
        ServiceCode("OXYG", "oxygen on board (with MEDA)", _M, medical=True),
        ServiceCode("MAAS", "meet and assist", _A),
        ServiceCode("DPNA", "intellectual or developmental disability; needs assistance", _A),
        ServiceCode("BLND", "blind or low vision", _A),
        ServiceCode("DEAF", "deaf or hard of hearing", _A),
        ServiceCode("LANG", "language assistance (the language is in the airline's text)", _A),
        ServiceCode("UMNR", "unaccompanied minor (airline code)", _C, minor=True),
        ServiceCode("INFT", "infant on a lap", _C),
        ServiceCode("CHLD", "child", _C),
        ServiceCode("BSCT", "bassinet", _C),
        ServiceCode("SVAN", "service animal in the cabin", Group.ANIMALS),
        ServiceCode("ESAN", "emotional support animal in the cabin", Group.ANIMALS),
        ServiceCode("PETC", "pet in the cabin", Group.ANIMALS),
        ServiceCode("AVIH", "animal in the hold", Group.ANIMALS),
        ServiceCode("EXST", "extra seat", Group.SEATING),
        ServiceCode("CBBG", "cabin baggage on its own seat", Group.SEATING),
        ServiceCode("BULK", "bulky baggage", Group.SEATING),
        ServiceCode("FRAG", "fragile baggage", Group.SEATING),
        ServiceCode("AVML", "Asian vegetarian meal", _MEAL),
        ServiceCode("BBML", "baby meal", _MEAL),
        ServiceCode("BLML", "bland meal", _MEAL),
        ServiceCode("CHML", "child meal", _MEAL),
        ServiceCode("DBML", "diabetic meal", _MEAL),
        ServiceCode("FPML", "fruit platter", _MEAL),
        ServiceCode("GFML", "gluten-free meal", _MEAL),
        ServiceCode("HNML", "Hindu meal", _MEAL),
        ServiceCode("KSML", "kosher meal", _MEAL),
        ServiceCode("LCML", "low-calorie meal", _MEAL),
        ServiceCode("LFML", "low-fat meal", _MEAL),
        ServiceCode("LSML", "low-salt meal", _MEAL),
        ServiceCode("MOML", "Muslim (halal) meal", _MEAL),
        ServiceCode("NLML", "lactose-free meal", _MEAL),
        ServiceCode("RVML", "raw vegetarian meal", _MEAL),
        ServiceCode("SFML", "seafood meal", _MEAL),
        ServiceCode("SPML", "special meal (details in the airline's text)", _MEAL),
        ServiceCode("VGML", "vegan meal", _MEAL),
        ServiceCode("VJML", "Jain vegetarian meal", _MEAL),
        ServiceCode("VLML", "vegetarian meal (milk and eggs)", _MEAL),
        ServiceCode("VOML", "oriental vegetarian meal", _MEAL),
        ServiceCode("OTHS", "other service (details in the airline's text)", Group.OTHER),
        ServiceCode("CKIN", "information for check-in staff", Group.OTHER),
    )
}  # fmt: skip

WHEELCHAIR_CODES = frozenset(c for c, s in VOCABULARY.items() if s.wheelchair)
MEDICAL_CODES = frozenset(c for c, s in VOCABULARY.items() if s.medical)
ESCORT_CODES = frozenset(c for c, s in VOCABULARY.items() if s.escort)
MINOR_CODES = frozenset(c for c, s in VOCABULARY.items() if s.minor)

# What a code kept verbatim may look like: letters, digits and the slash airlines use
# (``DEAF/BLND``), at most 12 characters. Anything longer is not a code but a sentence.
CODE_PATTERN = re.compile(r"^[A-Z0-9/]{2,12}$")
CODE_SEPARATORS = re.compile(r"[\s,;]+")


def is_known(code: str) -> bool:
    return code in VOCABULARY


def describe(code: str) -> str:
    """``WCHR — wheelchair for distances…``; an unknown code is said to be one."""
    known = VOCABULARY.get(code)
    return f"{code} — {known.label}" if known else f"{code} — not a known code"


def split_codes(text: str) -> list[str]:
    """The codes in a manifest cell, in capitals, each once, in the order given."""
    return list(dict.fromkeys(c for c in CODE_SEPARATORS.split(text.upper()) if c))


def has_wheelchair(codes: object) -> bool:
    return _any_of(WHEELCHAIR_CODES, codes)


def has_medical(codes: object) -> bool:
    return _any_of(MEDICAL_CODES, codes)


def has_escort_need(codes: object) -> bool:
    return _any_of(ESCORT_CODES, codes)


def has_minor(codes: object) -> bool:
    return _any_of(MINOR_CODES, codes)


# A tuple, not ``list | tuple | …``: the union would be built anew on every call, and the board
# asks these questions of every person on a surge day (11,000 calls per request, issue 20).
_COLLECTIONS = (list, tuple, set, frozenset)


def _any_of(wanted: frozenset[str], codes: object) -> bool:
    """Whether ``codes`` (a person's list of service codes; anything else counts as none)
    holds any of ``wanted``, without copying it."""
    return bool(codes) and isinstance(codes, _COLLECTIONS) and not wanted.isdisjoint(codes)
