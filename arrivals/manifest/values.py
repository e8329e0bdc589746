"""One manifest row's cells checked and turned into values, with problems in plain words.

A *problem* makes the record wrong (a date that does not exist, a flight number that is not
one) and refuses the file; a *warning* is something a person should look at (an unknown special
service code, a travel date months ago, a connection shorter than the port's minimum) — the row
imports, and the warning is shown in the preview and kept on the case. Messages quote the cell
as the file wrote it."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from cases import ssr
from cases.models import (
    CASE_NUMBER_PATTERN,
    CASE_NUMBER_RULE,
    CarriedDocument,
    ImmigrationCategory,
    Individual,
    ProgrammeStatus,
    TBClass,
)
from cases.reference import AGENCY_ALIASES, ENDED
from cases.services.receivers import programme_status_problem
from poe_ops.localtime import LocalTimeError, parse_offset, to_utc
from poe_ops.models import Port
from poe_ops.text import fold

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


@dataclass(frozen=True)
class FlightLeg:
    carrier: str
    number: str
    scheduled_date: dt.date
    origin: str
    destination: str
    scheduled_departure: dt.datetime | None
    scheduled_arrival: dt.datetime | None

    @property
    def key(self) -> tuple[str, str, dt.date]:
        return (self.carrier, self.number, self.scheduled_date)

    @property
    def code(self) -> str:
        return f"{self.carrier}{self.number}"

    def __str__(self) -> str:
        return f"{self.code} {self.scheduled_date:%Y-%m-%d}"


@dataclass(frozen=True)
class Problem:
    """One thing to say about the file: where (row as a spreadsheet shows it, None for the
    whole file; the case and person the row is about) and what. A warning does not refuse."""

    row: int | None
    column: str
    message: str
    case: str = ""
    person: str = ""

    def __str__(self) -> str:
        if not self.row:
            return f"{self.column or 'File'}: {self.message}"
        about = ", ".join(p for p in (f"case {self.case}" if self.case else "", self.person) if p)
        return f"Row {self.row}{f' ({about})' if about else ''}, {self.column}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "case": self.case,
            "person": self.person,
        }


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


@functools.cache
def airport_zone(iata: str) -> str | None:
    record = Port.airport_record(iata)
    return str(record["tz"]) if record else None


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


def _word(text: str) -> str:
    """A cell's words as a key: ``Follow-to-join`` → ``follow_to_join``."""
    return re.sub(r"[\s\-/]+", "_", text.strip().lower())


def _duration(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(abs(minutes), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


@dataclass(frozen=True)
class PortRules:
    """What a row is checked against: the port imported to and today's date there."""

    iata: str
    zone: str
    today: dt.date
    cbp_allowance: dt.timedelta
    min_connection: dt.timedelta

    @classmethod
    def of(cls, port: Port, today: dt.date | None = None) -> PortRules:
        return cls(
            iata=port.iata,
            zone=port.time_zone or "UTC",
            today=today or port.local_today(),
            cbp_allowance=dt.timedelta(minutes=port.cbp_allowance_minutes),
            min_connection=dt.timedelta(minutes=port.min_connection_minutes),
        )


class RowReader:
    """Reads one row's cells; each bad cell adds a Problem and yields None (or empty)."""

    def __init__(
        self,
        row: int,
        cells: dict[str, Any],
        problems: list[Problem],
        warnings: list[Problem],
        port: PortRules,
        agency_codes: set[str],
    ) -> None:
        self.row, self.cells = row, cells
        self.problems, self.warnings = problems, warnings
        self.port, self.agency_codes = port, agency_codes
        # The port-local day the row's people land (set by inbound_leg): a URM is under 18 then.
        self.arrival_day: dt.date | None = None

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message))

    def warn(self, column: str, message: str) -> None:
        self.warnings.append(Problem(self.row, column, message))

    def raw(self, column: str) -> Any:
        return self.cells.get(column, "")

    def text(self, column: str, max_length: int, *, required: bool = False) -> str:
        value = self.raw(column)
        value = _shown(value) if not isinstance(value, str) else value
        if required and not value:
            self.problem(column, "is empty; every row needs it.")
        elif len(value) > max_length:
            self.problem(column, f"is {len(value)} characters long; at most {max_length}.")
            return ""
        return value

    def case_number(self) -> str:
        """The case number, refused unless it has the documented shape (``CASE_NUMBER_RULE``)."""
        value = self.text("case_number", 32, required=True)
        if value and not CASE_NUMBER_RE.match(value):
            self.problem("case_number", f"“{value}” is not a case number. {CASE_NUMBER_RULE}")
            return ""
        return value

    def choice(
        self, column: str, allowed: dict[str, Any], hint: str, *, key: Any = str.upper
    ) -> Any:
        """The stored value for the cell (looked up by ``key(cell)``); the message quotes the
        cell as written."""
        written = self.text(column, 40)
        if not written:
            return allowed.get("", "")
        value = key(written)
        if value not in allowed:
            self.problem(column, f"“{written}” is not one of {hint}.")
            return ""
        return allowed.get(value, "")

    def yes_no(self, column: str) -> bool:
        written = self.text(column, 10)
        value = written.strip().lower()
        if value in YES:
            return True
        if value not in NO:
            self.problem(column, f"“{written}” is neither yes nor no.")
        return False

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.raw(column)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not value:
            if required:
                self.problem(column, "is empty; every row needs it.")
            return None
        try:
            if not ISO_DATE.fullmatch(value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            if ISO_DATE.fullmatch(value):
                self.problem(column, f"“{value}” is not a real date (use YYYY-MM-DD).")
            else:
                self.problem(column, f"“{value}” is not a date in the form YYYY-MM-DD.")
            return None

    def local_time(
        self, column: str, zone: str | None, offset_column: str, *, required: bool
    ) -> dt.datetime | None:
        """The cell's wall-clock time in ``zone``, as a UTC instant."""
        value = self.raw(column)
        naive: dt.datetime | None = None
        if isinstance(value, dt.datetime):
            naive = value.replace(tzinfo=None, second=0, microsecond=0)
        elif value:
            text = str(value)
            if LOCAL_TIME.match(text):  # parsed in C: a third of the time strptime takes
                try:
                    naive = dt.datetime.fromisoformat(text)
                except ValueError:
                    naive = None
            if naive is None:
                self.problem(column, f"“{value}” is not a time in the form YYYY-MM-DD HH:MM.")
                return None
        if naive is None:
            if required:
                self.problem(column, "is empty; every row needs it.")
            return None
        offset = None
        offset_text = self.text(offset_column, 12)
        if offset_text:
            try:
                offset = parse_offset(offset_text)
            except ValueError:
                self.problem(offset_column, f"“{offset_text}” is not a UTC offset like -05:00.")
                return None
        if zone is None:
            return None  # the airport's own problem is reported already
        try:
            return to_utc(naive, zone, offset)
        except LocalTimeError as exc:
            self.problem(offset_column if offset is not None else column, str(exc))
            return None

    def airport(self, column: str, *, required: bool) -> tuple[str, str | None]:
        written = self.text(column, 10, required=required)
        code = written.upper()
        if not code:
            return "", None
        zone = airport_zone(code) if IATA.fullmatch(code) else None
        if zone is None:
            self.problem(column, f"“{written}” is not a known IATA airport code.")
            return "", None
        return code, zone

    def flight_code(self, column: str, *, required: bool) -> tuple[str, str] | None:
        written = self.text(column, 10, required=required)
        if not written:
            return None
        match = FLIGHT_RE.match(written.upper())
        if not match:
            self.problem(column, f"“{written}” is not a flight number like QR747.")
            return None
        return match.group(1), match.group(2).lstrip("0") or "0"

    # --- the case ------------------------------------------------------------------------

    def case_values(self) -> dict[str, Any]:
        poe_written = self.text("poe", 3, required=True)
        poe = poe_written.upper()
        if poe and poe != self.port.iata:
            self.problem(
                "poe",
                f"this row is for {poe}, but the file is being imported to {self.port.iata}. "
                f"Import {poe}'s cases at {poe}.",
            )
        version_text = self.text("abn_version", 6, required=True)
        version = None
        if version_text:
            if version_text.isdigit() and int(version_text) > 0:
                version = int(version_text)
            else:
                self.problem("abn_version", f"“{version_text}” is not a whole number (1, 2, …).")
        agency_written = self.text("agency", 40)
        agency = AGENCY_ALIASES.get(agency_written.upper(), agency_written.upper())
        if agency and agency in ENDED and agency not in self.agency_codes:
            self.problem(
                "agency",
                f"“{agency_written}” ended federal resettlement on {ENDED[agency][0]:%d %b %Y} "
                "and is no longer an active agency; ask for the ABN with the case's current "
                "agency.",
            )
            agency = ""
        elif agency and agency not in self.agency_codes:
            known = ", ".join(sorted(self.agency_codes))
            self.problem(
                "agency",
                f"“{agency_written}” is not an active resettlement agency code ({known}).",
            )
            agency = ""
        cancelled = self.choice(
            "case_status", CASE_STATUSES, "confirmed (or empty), cancelled", key=str.lower
        )
        escort_name = self.text("medical_escort_name", 120)
        return {
            "abn_number": self.text("abn_number", 32, required=True),
            "abn_version": version,
            "poe": poe,
            "agency_code": agency,
            "local_affiliate": self.text("local_affiliate", 200),
            "final_destination": self.text("final_destination", 200),
            "cancelled": bool(cancelled),
            "medical_escort": self.yes_no("medical_escort") or bool(escort_name),
            "medical_escort_name": escort_name,
            **self.receiver_values(),
        }

    def receiver_values(self) -> dict[str, Any]:
        """The receiver columns as given (so every row of a case is compared), and what they
        mean: ``expected_receiver`` and ``us_tie`` ({field: value}, or None)."""
        given = {c: self.text(c, 120 if "phone" not in c else 40) for c in RECEIVER_COLUMNS}
        tie = None
        tie_cells = [given["us_tie_name"], given["us_tie_relationship"], given["us_tie_phone"]]
        if any(tie_cells):
            for column in ("us_tie_name", "us_tie_relationship", "us_tie_phone"):
                if not given[column]:
                    self.problem(column, "is empty; a U.S. tie needs name, relationship, phone.")
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
                self.problem(
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
                self.problem(
                    "expected_receiver_name",
                    "is empty, but other expected_receiver columns are filled; name the receiver.",
                )
            elif not organisation:
                self.problem(
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

    # --- the itinerary -------------------------------------------------------------------

    def inbound_leg(self) -> FlightLeg | None:
        code = self.flight_code("inbound_flight", required=True)
        day = self.date("inbound_date", required=True)
        origin, origin_zone = self.airport("inbound_origin", required=True)
        departure = self.local_time(
            "inbound_departure_local",
            origin_zone,
            "inbound_departure_utc_offset",
            required=False,
        )
        arrival = self.local_time(
            "inbound_arrival_local", self.port.zone, "inbound_arrival_utc_offset", required=True
        )
        if departure and arrival and arrival <= departure:
            self.problem("inbound_arrival_local", "is not after the flight's departure.")
        if arrival is not None:
            self.arrival_day = arrival.astimezone(zoneinfo.ZoneInfo(self.port.zone)).date()
        if day is not None:
            self._check_travel_date("inbound_date", day)
        if code is None or day is None or not origin or arrival is None:
            return None
        return FlightLeg(code[0], code[1], day, origin, self.port.iata, departure, arrival)

    def _check_travel_date(self, column: str, day: dt.date) -> None:
        days = (day - self.port.today).days
        if days < -PAST_DAYS:
            self.warn(
                column,
                f"{day:%Y-%m-%d} is {-days} days ago (today is {self.port.today:%Y-%m-%d} at "
                f"{self.port.iata}); check that this is the right manifest and year.",
            )
        elif days > FUTURE_DAYS:
            self.warn(
                column,
                f"{day:%Y-%m-%d} is {days} days ahead; check the year.",
            )

    def onward_legs(self, inbound: FlightLeg | None) -> list[FlightLeg] | None:
        """The onward legs in order; None when one of them could not be read (the problem is
        reported), so the case is not compared with a half-read itinerary."""
        legs: list[FlightLeg] = []
        complete = True
        origin: str = self.port.iata
        origin_zone: str | None = self.port.zone
        previous_arrival = inbound.scheduled_arrival if inbound else None
        previous_departure: dt.datetime | None = None
        gap = 0
        cells = self.cells
        for n, columns in enumerate(LEG_COLUMNS, start=1):
            if not any(cells.get(c) not in ("", None) for c in columns.values()):
                gap = gap or n
                continue
            if gap:
                self.problem(
                    columns["flight"],
                    f"onward leg {n} is given but leg {gap} is empty; fill the legs in order "
                    f"({onward_prefix(gap)}_… first).",
                )
                complete = False
            leg = self._onward_leg(n, columns, origin, origin_zone)
            if leg is None:
                complete = False
                origin, origin_zone = "", None
                previous_arrival = previous_departure = None
                continue
            departure = leg.scheduled_departure
            if n == 1 and departure and previous_arrival:
                self._check_connection(columns["departure_local"], inbound, departure)
            elif departure and previous_arrival and departure <= previous_arrival:
                self.problem(
                    columns["departure_local"],
                    f"leaves before onward leg {n - 1} lands; the legs must follow each other.",
                )
            elif departure and previous_departure and departure <= previous_departure:
                self.problem(
                    columns["departure_local"],
                    f"leaves before onward leg {n - 1} does; the legs must be in order.",
                )
            legs.append(leg)
            origin, origin_zone = leg.destination, airport_zone(leg.destination)
            previous_arrival, previous_departure = leg.scheduled_arrival, departure
        return legs if complete else None

    def _onward_leg(
        self, n: int, columns: dict[str, str], origin: str, origin_zone: str | None
    ) -> FlightLeg | None:
        problems_before = len(self.problems)
        code = self.flight_code(columns["flight"], required=True)
        day = self.date(columns["date"], required=True)
        destination, destination_zone = self.airport(columns["destination"], required=True)
        departure = self.local_time(
            columns["departure_local"],
            origin_zone,
            columns["departure_utc_offset"],
            required=True,
        )
        arrival = self.local_time(
            columns["arrival_local"],
            destination_zone,
            columns["arrival_utc_offset"],
            required=False,
        )
        if departure and arrival and arrival <= departure:
            self.problem(columns["arrival_local"], "is not after the flight's departure.")
        if destination and destination == origin:
            self.problem(
                columns["destination"], f"onward leg {n} would leave {origin} and land there."
            )
        if (
            len(self.problems) > problems_before
            or code is None
            or day is None
            or not destination
            or not origin
            or departure is None
        ):
            return None
        return FlightLeg(code[0], code[1], day, origin, destination, departure, arrival)

    def _check_connection(
        self, column: str, inbound: FlightLeg | None, departure: dt.datetime
    ) -> None:
        if inbound is None or inbound.scheduled_arrival is None:
            return
        landed = inbound.scheduled_arrival
        if departure <= landed:
            self.problem(column, "is before the inbound flight lands.")
            return
        needed = self.port.cbp_allowance + self.port.min_connection
        if departure - landed < needed:
            self.warn(
                column,
                f"leaves {_duration(departure - landed)} after {inbound.code} lands; "
                f"{self.port.iata} plans {_duration(needed)} (CBP "
                f"{_duration(self.port.cbp_allowance)} and the minimum connection "
                f"{_duration(self.port.min_connection)}). Check the booking.",
            )

    # --- the person ----------------------------------------------------------------------

    def person_values(self) -> dict[str, Any]:
        given_names = self.text("given_names", 120)
        surname = self.text("surname", 120)
        if not given_names and not surname:
            self.problem("given_names", "is empty, and so is surname; a person needs a name.")
        born = self.date("date_of_birth")
        if born and born > self.port.today:
            self.problem("date_of_birth", f"“{born}” is in the future.")
        elif born and self.port.today.year - born.year > OLDEST_AGE:
            self.warn(
                "date_of_birth",
                f"{born:%Y-%m-%d} makes this person over {OLDEST_AGE} years old; check the year.",
            )
        nationality_written = self.text("nationality", 3)
        nationality = nationality_written.upper()
        if nationality and not _country_ok(nationality):
            self.problem(
                "nationality",
                f"“{nationality_written}” is not a two-letter country code (e.g. AF).",
            )
        language_written = self.text("primary_language", 3)
        language = language_written.lower()
        if language and not _language_ok(language):
            self.problem(
                "primary_language",
                f"“{language_written}” is not an ISO 639 language code (e.g. prs for Dari, ps "
                "for Pashto, sw for Swahili, ar for Arabic).",
            )
        interpreter = self.yes_no("interpreter_needed")
        if interpreter and not language:
            self.warn("interpreter_needed", "is yes, but primary_language is empty.")
        flags = dict.fromkeys(VULNERABILITIES.values(), False)
        old_urm = False
        for word in filter(None, WORDS.split(self.text("vulnerabilities", 200))):
            key = word.lower()
            if key in OLD_URM_WORDS:
                old_urm = True  # an older file's way to say the programme status URM
            elif key not in VULNERABILITIES:
                self.problem(
                    "vulnerabilities",
                    f"“{word}” is not one of medical, pregnancy, elderly, single_parent, other "
                    "(URM goes in programme_status).",
                )
            else:
                flags[VULNERABILITIES[key]] = True
        status = self.programme_status(old_urm, born)
        return {
            "given_names": given_names,
            "surname": surname,
            "date_of_birth": born,
            "sex": self.choice("sex", SEXES, "F, M, X (or female, male, unspecified)"),
            "nationality": nationality,
            "primary_language": language,
            "interpreter_needed": interpreter,
            "relationship": self.choice("relationship", RELATIONSHIPS, RELATIONSHIP_HINT)
            or Individual.Relationship.PRINCIPAL,
            "document_in_custody": self.yes_no("document_in_custody"),
            "ssr_codes": self.service_codes(),
            **flags,
            "programme_status": status,
            "vulnerability_notes": self.text("notes", 2000),
            "medical_notes": self.text("medical_notes", 2000),
            **self.travel_packet(),
        }

    def programme_status(self, old_urm: bool, born: dt.date | None) -> str:
        """URM, separated or accompanied minor (not the airline's UMNR code): refused for
        someone without a date of birth or 18 or over on the day they land."""
        text = self.text("programme_status", 30).upper().replace(" ", "_").replace("-", "_")
        status = PROGRAMME_STATUSES.get(text, "")
        if text and not status:
            self.problem(
                "programme_status",
                f"“{self.raw('programme_status')}” is not one of URM, separated, accompanied.",
            )
            return ""
        if old_urm and status and status != ProgrammeStatus.URM:
            self.problem(
                "vulnerabilities",
                f"says URM, but programme_status says {ProgrammeStatus(status).label}.",
            )
            return ""
        status = status or (ProgrammeStatus.URM if old_urm else "")
        problem = programme_status_problem(status, born, self.arrival_day or self.port.today)
        if problem:
            column = "programme_status" if self.raw("programme_status") else "vulnerabilities"
            self.problem(column, problem)
            return ""
        return str(status)

    def service_codes(self) -> list[str]:
        """Every code as given (in capitals); unknown ones are kept and warned about."""
        codes = ssr.split_codes(self.text("ssr_codes", 100))
        malformed = [c for c in codes if not ssr.CODE_PATTERN.match(c)]
        if malformed:
            self.problem(
                "ssr_codes",
                f"“{', '.join(malformed)}” is not a special service code (four letters, e.g. "
                "WCHR, MEDA, OXYG).",
            )
            return []
        unknown = [c for c in codes if not ssr.is_known(c)]
        if unknown:
            self.warn(
                "ssr_codes",
                f"{', '.join(unknown)} {'is not a code' if len(unknown) == 1 else 'are not codes'}"
                " the manifest guide lists; kept as given. Check with the airline what "
                f"{'it means' if len(unknown) == 1 else 'they mean'}.",
            )
        return codes

    def travel_packet(self) -> dict[str, Any]:
        a_number = self.a_number()
        category = self.choice(
            "immigration_category",
            IMMIGRATION_CATEGORIES,
            "refugee, SIV, parolee, follow-to-join",
            key=_word,
        )
        written_class = self.text("tb_class", 10)
        tb_key = ""
        if written_class:
            tb_key = re.sub(r"^class\s*", "", written_class.strip(), flags=re.IGNORECASE).upper()
        tb_class = ""
        if written_class and tb_key not in TB_CLASSES:
            self.problem("tb_class", f"“{written_class}” is not a TB class (A, B0, B1, B2, B3).")
        elif tb_key:
            tb_class = tb_key
        followup = self.yes_no("tb_followup")
        if tb_class == TBClass.A:
            self.warn(
                "tb_class",
                "class A tuberculosis travels only with a waiver; check the medical forms.",
            )
        elif tb_class in (TBClass.B1, TBClass.B2) and not followup:
            self.warn("tb_followup", f"is no, but class {tb_class} usually needs follow-up.")
        return {
            "a_number": a_number,
            "immigration_category": category,
            "tb_class": tb_class,
            "tb_followup": followup,
            "documents": self.documents(),
        }

    def a_number(self) -> str:
        written = self.text("a_number", 20)
        if not written:
            return ""
        compact = re.sub(r"[\s\-.]", "", written).upper()
        if not compact:
            return ""
        match = A_NUMBER_RE.match(compact)
        if not match:
            self.problem(
                "a_number",
                f"“{written}” is not an A-number (A and seven to nine digits, e.g. A012345678).",
            )
            return ""
        return f"A{match.group(1).zfill(9)}"

    def documents(self) -> list[str]:
        """The packet's documents as keys: a kind of the fixed list, or ``other:<words>``."""
        keys: list[str] = []
        for item in filter(
            None, (i.strip() for i in re.split(r"[;,]", self.text("documents_carried", 300)))
        ):
            kind = DOCUMENT_KINDS.get(_word(item))
            if kind is None:
                self.warn(
                    "documents_carried",
                    f"“{item}” is not in the list (cbp_packet, medical_forms, xrays, "
                    "vaccination_record, travel_letter); kept as another document.",
                )
                keys.append(f"other:{item[:200]}")
            else:
                keys.append(str(kind))
        for item in filter(None, (i.strip() for i in self.text("documents_other", 600).split(";"))):
            if len(item) > 200:
                self.problem("documents_other", f"“{item[:40]}…” is longer than 200 characters.")
                continue
            keys.append(f"other:{item}")
        return list(dict.fromkeys(keys))
