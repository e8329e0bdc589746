"""One manifest row's records: the case (with who receives it) and the person (with their
travel packet), read from the row's cells (``cells.RowCells``)."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from arrivals.manifest.cells import RowCells, as_key
from arrivals.manifest.columns import (
    A_NUMBER_RE,
    CASE_STATUSES,
    DOCUMENT_KINDS,
    IMMIGRATION_CATEGORIES,
    OLD_URM_WORDS,
    OLDEST_AGE,
    PROGRAMME_STATUSES,
    RECEIVER_COLUMNS,
    RECEIVER_KINDS,
    RELATIONSHIP_HINT,
    RELATIONSHIPS,
    SEXES,
    TB_CLASSES,
    VULNERABILITIES,
    WORDS,
)
from cases import ssr
from cases.models import Individual, ProgrammeStatus, TBClass
from cases.reference import AGENCY_ALIASES, ENDED
from cases.services.receivers import programme_status_problem
from poe_ops.text import fold


@functools.cache
def _language_ok(code: str) -> bool:
    from django.core.exceptions import ValidationError

    from poe_ops.languages import validate_language

    try:
        validate_language(code)
    except ValidationError:
        return False
    return True


@functools.cache
def _country_ok(code: str) -> bool:
    from django_countries import countries

    return bool(countries.alpha2(code)) and countries.alpha2(code) == code


def case_values(row: RowCells) -> dict[str, Any]:
    poe_written = row.text("poe", 3, required=True)
    poe = poe_written.upper()
    if poe and poe != row.port.iata:
        row.problem(
            "poe",
            f"this row is for {poe}, but the file is being imported to {row.port.iata}. "
            f"Import {poe}'s cases at {poe}.",
        )
    version_text = row.text("abn_version", 6, required=True)
    version = None
    if version_text:
        if version_text.isdigit() and int(version_text) > 0:
            version = int(version_text)
        else:
            row.problem("abn_version", f"“{version_text}” is not a whole number (1, 2, …).")
    agency_written = row.text("agency", 40)
    agency = AGENCY_ALIASES.get(agency_written.upper(), agency_written.upper())
    if agency and agency in ENDED and agency not in row.agency_codes:
        row.problem(
            "agency",
            f"“{agency_written}” ended federal resettlement on {ENDED[agency][0]:%d %b %Y} "
            "and is no longer an active agency; ask for the ABN with the case's current "
            "agency.",
        )
        agency = ""
    elif agency and agency not in row.agency_codes:
        known = ", ".join(sorted(row.agency_codes))
        row.problem(
            "agency",
            f"“{agency_written}” is not an active resettlement agency code ({known}).",
        )
        agency = ""
    cancelled = row.choice(
        "case_status", CASE_STATUSES, "confirmed (or empty), cancelled", key=str.lower
    )
    escort_name = row.text("medical_escort_name", 120)
    return {
        "abn_number": row.text("abn_number", 32, required=True),
        "abn_version": version,
        "poe": poe,
        "agency_code": agency,
        "local_affiliate": row.text("local_affiliate", 200),
        "final_destination": row.text("final_destination", 200),
        "cancelled": bool(cancelled),
        "medical_escort": row.yes_no("medical_escort") or bool(escort_name),
        "medical_escort_name": escort_name,
        **receiver_values(row),
    }


def receiver_values(row: RowCells) -> dict[str, Any]:
    """The receiver columns as given (so every row of a case is compared), and what they
    mean: ``expected_receiver`` and ``us_tie`` ({field: value}, or None)."""
    given = {c: row.text(c, 120 if "phone" not in c else 40) for c in RECEIVER_COLUMNS}
    tie = None
    tie_cells = [given["us_tie_name"], given["us_tie_relationship"], given["us_tie_phone"]]
    if any(tie_cells):
        for column in ("us_tie_name", "us_tie_relationship", "us_tie_phone"):
            if not given[column]:
                row.problem(column, "is empty; a U.S. tie needs name, relationship, phone.")
        if all(tie_cells):
            tie = {
                "name": given["us_tie_name"],
                "relationship": given["us_tie_relationship"],
                "phone": given["us_tie_phone"],
            }
    receiver = None
    receiver_cells = [given[c] for c in RECEIVER_COLUMNS if c.startswith("expected_")]
    if any(receiver_cells):
        name = given["expected_receiver_name"]
        kind_text = given["expected_receiver_kind"].upper().replace(" ", "_")
        kind = RECEIVER_KINDS.get(kind_text, "")
        if kind_text and not kind:
            row.problem(
                "expected_receiver_kind",
                f"“{given['expected_receiver_kind']}” is not agency or us_tie.",
            )
        if not kind and tie and name and fold(name) == fold(tie["name"]):
            kind = "us_tie"
        kind = kind or "agency"
        organisation = given["expected_receiver_organisation"]
        if kind == "us_tie" and not organisation and tie and fold(name) == fold(tie["name"]):
            organisation = tie["relationship"]
        if not name:
            row.problem(
                "expected_receiver_name",
                "is empty, but other expected_receiver columns are filled; name the receiver.",
            )
        elif not organisation:
            row.problem(
                "expected_receiver_organisation",
                "is empty; give the receiver's agency office (or a U.S. tie's relationship).",
            )
        else:
            receiver = {
                "kind": kind,
                "name": name,
                "organisation": organisation,
                "phone": given["expected_receiver_phone"],
            }
    return {**given, "expected_receiver": receiver, "us_tie": tie}


def person_values(row: RowCells) -> dict[str, Any]:
    given_names = row.text("given_names", 120)
    surname = row.text("surname", 120)
    if not given_names and not surname:
        row.problem("given_names", "is empty, and so is surname; a person needs a name.")
    born = row.date("date_of_birth")
    if born and born > row.port.today:
        row.problem("date_of_birth", f"“{born}” is in the future.")
    elif born and row.port.today.year - born.year > OLDEST_AGE:
        row.warn(
            "date_of_birth",
            f"{born:%Y-%m-%d} makes this person over {OLDEST_AGE} years old; check the year.",
        )
    nationality_written = row.text("nationality", 3)
    nationality = nationality_written.upper()
    if nationality and not _country_ok(nationality):
        row.problem(
            "nationality",
            f"“{nationality_written}” is not a two-letter country code (e.g. AF).",
        )
    language_written = row.text("primary_language", 3)
    language = language_written.lower()
    if language and not _language_ok(language):
        row.problem(
            "primary_language",
            f"“{language_written}” is not an ISO 639 language code (e.g. prs for Dari, ps "
            "for Pashto, sw for Swahili, ar for Arabic).",
        )
    interpreter = row.yes_no("interpreter_needed")
    if interpreter and not language:
        row.warn("interpreter_needed", "is yes, but primary_language is empty.")
    flags = dict.fromkeys(VULNERABILITIES.values(), False)
    old_urm = False
    for word in filter(None, WORDS.split(row.text("vulnerabilities", 200))):
        key = word.lower()
        if key in OLD_URM_WORDS:
            old_urm = True  # an older file's way to say the programme status URM
        elif key not in VULNERABILITIES:
            row.problem(
                "vulnerabilities",
                f"“{word}” is not one of medical, pregnancy, elderly, single_parent, other "
                "(URM goes in programme_status).",
            )
        else:
            flags[VULNERABILITIES[key]] = True
    status = _programme_status(row, old_urm, born)
    return {
        "given_names": given_names,
        "surname": surname,
        "date_of_birth": born,
        "sex": row.choice("sex", SEXES, "F, M, X (or female, male, unspecified)"),
        "nationality": nationality,
        "primary_language": language,
        "interpreter_needed": interpreter,
        "relationship": row.choice("relationship", RELATIONSHIPS, RELATIONSHIP_HINT)
        or Individual.Relationship.PRINCIPAL,
        "document_in_custody": row.yes_no("document_in_custody"),
        "ssr_codes": _service_codes(row),
        **flags,
        "programme_status": status,
        "vulnerability_notes": row.text("notes", 2000),
        "medical_notes": row.text("medical_notes", 2000),
        **_travel_packet(row),
    }


def _programme_status(row: RowCells, old_urm: bool, born: dt.date | None) -> str:
    """URM, separated or accompanied minor (not the airline's UMNR code): refused for
    someone without a date of birth or 18 or over on the day they land."""
    text = row.text("programme_status", 30).upper().replace(" ", "_").replace("-", "_")
    status = PROGRAMME_STATUSES.get(text, "")
    if text and not status:
        row.problem(
            "programme_status",
            f"“{row.raw('programme_status')}” is not one of URM, separated, accompanied.",
        )
        return ""
    if old_urm and status and status != ProgrammeStatus.URM:
        row.problem(
            "vulnerabilities",
            f"says URM, but programme_status says {ProgrammeStatus(status).label}.",
        )
        return ""
    status = status or (ProgrammeStatus.URM if old_urm else "")
    problem = programme_status_problem(status, born, row.arrival_day or row.port.today)
    if problem:
        column = "programme_status" if row.raw("programme_status") else "vulnerabilities"
        row.problem(column, problem)
        return ""
    return str(status)


def _service_codes(row: RowCells) -> list[str]:
    """Every code as given (in capitals); unknown ones are kept and warned about."""
    codes = ssr.split_codes(row.text("ssr_codes", 100))
    malformed = [c for c in codes if not ssr.CODE_PATTERN.match(c)]
    if malformed:
        row.problem(
            "ssr_codes",
            f"“{', '.join(malformed)}” is not a special service code (four letters, e.g. "
            "WCHR, MEDA, OXYG).",
        )
        return []
    unknown = [c for c in codes if not ssr.is_known(c)]
    if unknown:
        row.warn(
            "ssr_codes",
            f"{', '.join(unknown)} {'is not a code' if len(unknown) == 1 else 'are not codes'}"
            " the manifest guide lists; kept as given. Check with the airline what "
            f"{'it means' if len(unknown) == 1 else 'they mean'}.",
        )
    return codes


def _travel_packet(row: RowCells) -> dict[str, Any]:
    a_number = _a_number(row)
    category = row.choice(
        "immigration_category",
        IMMIGRATION_CATEGORIES,
        "refugee, SIV, parolee, follow-to-join",
        key=as_key,
    )
    written_class = row.text("tb_class", 10)
    tb_key = ""
    if written_class:
        tb_key = re.sub(r"^class\s*", "", written_class.strip(), flags=re.IGNORECASE).upper()
    tb_class = ""
    if written_class and tb_key not in TB_CLASSES:
        row.problem("tb_class", f"“{written_class}” is not a TB class (A, B0, B1, B2, B3).")
    elif tb_key:
        tb_class = tb_key
    followup = row.yes_no("tb_followup")
    if tb_class == TBClass.A:
        row.warn(
            "tb_class",
            "class A tuberculosis travels only with a waiver; check the medical forms.",
        )
    elif tb_class in (TBClass.B1, TBClass.B2) and not followup:
        row.warn("tb_followup", f"is no, but class {tb_class} usually needs follow-up.")
    return {
        "a_number": a_number,
        "immigration_category": category,
        "tb_class": tb_class,
        "tb_followup": followup,
        "documents": _documents(row),
    }


def _a_number(row: RowCells) -> str:
    written = row.text("a_number", 20)
    if not written:
        return ""
    compact = re.sub(r"[\s\-.]", "", written).upper()
    if not compact:
        return ""
    match = A_NUMBER_RE.match(compact)
    if not match:
        row.problem(
            "a_number",
            f"“{written}” is not an A-number (A and seven to nine digits, e.g. A012345678).",
        )
        return ""
    return f"A{match.group(1).zfill(9)}"


def _documents(row: RowCells) -> list[str]:
    """The packet's documents as keys: a kind of the fixed list, or ``other:<words>``."""
    keys: list[str] = []
    for item in filter(
        None, (i.strip() for i in re.split(r"[;,]", row.text("documents_carried", 300)))
    ):
        kind = DOCUMENT_KINDS.get(as_key(item))
        if kind is None:
            row.warn(
                "documents_carried",
                f"“{item}” is not in the list (cbp_packet, medical_forms, xrays, "
                "vaccination_record, travel_letter); kept as another document.",
            )
            keys.append(f"other:{item[:200]}")
        else:
            keys.append(str(kind))
    for item in filter(None, (i.strip() for i in row.text("documents_other", 600).split(";"))):
        if len(item) > 200:
            row.problem("documents_other", f"“{item[:40]}…” is longer than 200 characters.")
            continue
        keys.append(f"other:{item}")
    return list(dict.fromkeys(keys))
