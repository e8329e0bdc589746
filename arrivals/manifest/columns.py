"""The manifest's columns and the words and shapes its cells may hold.

What a file may say, in one place: the columns of a case, its receiver and its flights (the
onward legs numbered), the words accepted for yes/no, vulnerabilities, programme status,
receiver kinds, sex, relationship, case status, immigration category and documents, and the
patterns a case number, flight number, airport, date, time and A-number must follow."""

from __future__ import annotations

import re

from cases.models import (
    CASE_NUMBER_PATTERN,
    CarriedDocument,
    ImmigrationCategory,
    Individual,
    ProgrammeStatus,
    TBClass,
)

# Who receives the case (the same on every row of a case): the expected receiver and a U.S. tie.
RECEIVER_COLUMNS = (
    "expected_receiver_kind",
    "expected_receiver_name",
    "expected_receiver_organisation",
    "expected_receiver_phone",
    "us_tie_name",
    "us_tie_relationship",
    "us_tie_phone",
)

CASE_COLUMNS = (
    "abn_number",
    "abn_version",
    "poe",
    "agency",
    "local_affiliate",
    "final_destination",
    "case_status",
    "medical_escort",
    "medical_escort_name",
    *RECEIVER_COLUMNS,
)
INBOUND_COLUMNS = (
    "inbound_flight",
    "inbound_date",
    "inbound_origin",
    "inbound_departure_local",
    "inbound_departure_utc_offset",
    "inbound_arrival_local",
    "inbound_arrival_utc_offset",
)
# Onward legs in order: the first leaves the POE; each later one leaves where the one before
# it lands. Leg 1's columns are ``onward_…`` (as before several legs), leg 2's ``onward2_…``.
ONWARD_LEGS = 3
ONWARD_FIELDS = (
    "flight",
    "date",
    "destination",
    "departure_local",
    "departure_utc_offset",
    "arrival_local",
    "arrival_utc_offset",
)


def onward_prefix(leg: int) -> str:
    return "onward" if leg == 1 else f"onward{leg}"


def onward_columns(leg: int) -> tuple[str, ...]:
    return tuple(f"{onward_prefix(leg)}_{name}" for name in ONWARD_FIELDS)


ONWARD_COLUMNS = tuple(c for leg in range(1, ONWARD_LEGS + 1) for c in onward_columns(leg))
# Each leg's columns by field name (leg 1 first), worked out once.
LEG_COLUMNS = tuple(
    dict(zip(ONWARD_FIELDS, onward_columns(leg), strict=True)) for leg in range(1, ONWARD_LEGS + 1)
)

CASE_NUMBER_RE = re.compile(CASE_NUMBER_PATTERN)
FLIGHT_RE = re.compile(r"^([A-Z0-9]{2})\s*([0-9]{1,4}[A-Z]?)$")
YES = {"yes", "y", "true", "1", "x"}
NO = {"no", "n", "false", "0", ""}
VULNERABILITIES = {
    "medical": "medical",
    "pregnancy": "pregnancy",
    "pregnant": "pregnancy",
    "elderly": "elderly",
    "single_parent": "single_parent",
    "other": "other_vulnerability",
}
# The programme status column (and the older "URM" among the vulnerabilities).
PROGRAMME_STATUSES = {
    "URM": ProgrammeStatus.URM,
    "UNACCOMPANIED_MINOR": ProgrammeStatus.URM,
    "SEPARATED": ProgrammeStatus.SEPARATED,
    "SEPARATED_MINOR": ProgrammeStatus.SEPARATED,
    "ACCOMPANIED": ProgrammeStatus.ACCOMPANIED,
    "ACCOMPANIED_MINOR": ProgrammeStatus.ACCOMPANIED,
}
OLD_URM_WORDS = {"urm", "unaccompanied_minor"}
RECEIVER_KINDS = {
    "AGENCY": "agency",
    "AGENCY_WORKER": "agency",
    "US_TIE": "us_tie",
    "U.S._TIE": "us_tie",
    "TIE": "us_tie",
    "RELATIVE": "us_tie",
}
SEXES = {"F": "F", "FEMALE": "F", "M": "M", "MALE": "M", "X": "X", "UNSPECIFIED": "X"}
RELATIONSHIPS = {r: r for r in Individual.Relationship.values}
RELATIONSHIP_HINT = ", ".join(Individual.Relationship.values)
TB_CLASSES = frozenset(TBClass.values)
IATA = re.compile(r"[A-Z]{3}")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
WORDS = re.compile(r"[\s,;]+")
LOCAL_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?$")
CASE_STATUSES = {"": False, "confirmed": False, "active": False, "cancelled": True,
                 "canceled": True}  # fmt: skip
IMMIGRATION_CATEGORIES = {
    "refugee": ImmigrationCategory.REFUGEE,
    "ref": ImmigrationCategory.REFUGEE,
    "siv": ImmigrationCategory.SIV,
    "special_immigrant_visa": ImmigrationCategory.SIV,
    "parolee": ImmigrationCategory.PAROLEE,
    "parole": ImmigrationCategory.PAROLEE,
    "follow_to_join": ImmigrationCategory.FOLLOW_TO_JOIN,
    "ftj": ImmigrationCategory.FOLLOW_TO_JOIN,
}
DOCUMENT_KINDS = {
    "cbp_packet": CarriedDocument.Kind.CBP_PACKET,
    "cbp": CarriedDocument.Kind.CBP_PACKET,
    "medical_forms": CarriedDocument.Kind.MEDICAL_FORMS,
    "medical": CarriedDocument.Kind.MEDICAL_FORMS,
    "xrays": CarriedDocument.Kind.XRAYS,
    "x_rays": CarriedDocument.Kind.XRAYS,
    "xray": CarriedDocument.Kind.XRAYS,
    "vaccination_record": CarriedDocument.Kind.VACCINATION_RECORD,
    "vaccinations": CarriedDocument.Kind.VACCINATION_RECORD,
    "travel_letter": CarriedDocument.Kind.TRAVEL_LETTER,
}
A_NUMBER_RE = re.compile(r"^A?([0-9]{7,9})$")
# Local times are written "YYYY-MM-DD HH:MM" (a "T" or seconds are accepted too).
# A travel date this far from today is worth a second look (a copied file, a wrong year).
PAST_DAYS, FUTURE_DAYS = 2, 330
OLDEST_AGE = 110

# Every column a manifest may have; the required ones must be there.
REQUIRED_COLUMNS = (
    "case_number",
    "abn_number",
    "abn_version",
    "poe",
    "person_number",
    "given_names",
    "surname",
    "inbound_flight",
    "inbound_date",
    "inbound_origin",
    "inbound_arrival_local",
)
OPTIONAL_COLUMNS = (
    "agency",
    "local_affiliate",
    "final_destination",
    "case_status",
    "medical_escort",
    "medical_escort_name",
    "date_of_birth",
    "sex",
    "nationality",
    "primary_language",
    "interpreter_needed",
    "relationship",
    "document_in_custody",
    "ssr_codes",
    "programme_status",
    "vulnerabilities",
    "notes",
    "medical_notes",
    "a_number",
    "immigration_category",
    "documents_carried",
    "documents_other",
    "tb_class",
    "tb_followup",
    "inbound_departure_local",
    "inbound_departure_utc_offset",
    "inbound_arrival_utc_offset",
    *ONWARD_COLUMNS,
    *RECEIVER_COLUMNS,
)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
