"""One manifest row's cells checked and turned into values, with problems in plain words."""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from dataclasses import dataclass
from typing import Any

from cases.models import SSR, Individual, ProgrammeStatus
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
ONWARD_COLUMNS = (
    "onward_flight",
    "onward_date",
    "onward_destination",
    "onward_departure_local",
    "onward_departure_utc_offset",
)

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
LOCAL_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S")


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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: where (row as a spreadsheet shows it; None for the file)
    and why."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}, {self.column}" if self.row else (self.column or "File")
        return f"{where}: {self.message}"

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


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
def _airport_zone(iata: str) -> str | None:
    record = Port.airport_record(iata)
    return str(record["tz"]) if record else None


def _shown(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    return str(value)


class RowReader:
    """Reads one row's cells; each bad cell adds a Problem and yields None."""

    def __init__(
        self,
        row: int,
        cells: dict[str, Any],
        problems: list[Problem],
        port_iata: str,
        port_zone: str,
        agency_codes: set[str],
    ) -> None:
        self.row, self.cells, self.problems = row, cells, problems
        self.port_iata, self.port_zone, self.agency_codes = port_iata, port_zone, agency_codes
        # The port-local day the row's people land (set by inbound_leg): a URM is under 18 then.
        self.arrival_day: dt.date | None = None

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row, column, message))

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

    def choice(self, column: str, allowed: dict[str, str], hint: str) -> str:
        value = self.text(column, 40).upper()
        if value and value not in allowed:
            self.problem(column, f"“{value}” is not one of {hint}.")
            return ""
        return allowed.get(value, "")

    def yes_no(self, column: str) -> bool:
        value = self.text(column, 10).lower()
        if value in YES:
            return True
        if value not in NO:
            self.problem(column, f"“{value}” is neither yes nor no.")
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
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return dt.date.fromisoformat(value)
        except ValueError:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
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
            for fmt in LOCAL_FORMATS:
                try:
                    naive = dt.datetime.strptime(str(value), fmt)
                    break
                except ValueError:
                    continue
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
        code = self.text(column, 10, required=required).upper()
        if not code:
            return "", None
        zone = _airport_zone(code) if re.fullmatch(r"[A-Z]{3}", code) else None
        if zone is None:
            self.problem(column, f"“{code}” is not a known IATA airport code.")
            return "", None
        return code, zone

    def flight_code(self, column: str, *, required: bool) -> tuple[str, str] | None:
        code = self.text(column, 10, required=required).upper()
        if not code:
            return None
        match = FLIGHT_RE.match(code)
        if not match:
            self.problem(column, f"“{code}” is not a flight number like QR747.")
            return None
        return match.group(1), match.group(2).lstrip("0") or "0"

    def case_values(self) -> dict[str, Any]:
        poe = self.text("poe", 3, required=True).upper()
        if poe and poe != self.port_iata:
            self.problem(
                "poe",
                f"this row is for {poe}, but the file is being imported to {self.port_iata}. "
                f"Import {poe}'s cases at {poe}.",
            )
        version_text = self.text("abn_version", 6, required=True)
        version = None
        if version_text:
            if version_text.isdigit() and int(version_text) > 0:
                version = int(version_text)
            else:
                self.problem("abn_version", f"“{version_text}” is not a whole number (1, 2, …).")
        agency = self.text("agency", 40).upper()
        agency = AGENCY_ALIASES.get(agency, agency)
        if agency and agency in ENDED and agency not in self.agency_codes:
            self.problem(
                "agency",
                f"“{agency}” ended federal resettlement on {ENDED[agency][0]:%d %b %Y} and is "
                "no longer an active agency; ask for the ABN with the case's current agency.",
            )
            agency = ""
        elif agency and agency not in self.agency_codes:
            known = ", ".join(sorted(self.agency_codes))
            self.problem(
                "agency", f"“{agency}” is not an active resettlement agency code ({known})."
            )
            agency = ""
        return {
            "abn_number": self.text("abn_number", 32, required=True),
            "abn_version": version,
            "poe": poe,
            "agency_code": agency,
            "local_affiliate": self.text("local_affiliate", 200),
            "final_destination": self.text("final_destination", 200),
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
            "inbound_arrival_local", self.port_zone, "inbound_arrival_utc_offset", required=True
        )
        if departure and arrival and arrival <= departure:
            self.problem("inbound_arrival_local", "is not after the flight's departure.")
        if arrival is not None and self.port_zone:
            self.arrival_day = arrival.astimezone(zoneinfo.ZoneInfo(self.port_zone)).date()
        if code is None or day is None or not origin or arrival is None:
            return None
        return FlightLeg(code[0], code[1], day, origin, self.port_iata, departure, arrival)

    def onward_leg(self, inbound: FlightLeg | None) -> FlightLeg | None:
        given = [c for c in ONWARD_COLUMNS if self.raw(c) not in ("", None)]
        if not given:
            return None
        code = self.flight_code("onward_flight", required=True)
        day = self.date("onward_date", required=True)
        destination, _ = self.airport("onward_destination", required=True)
        departure = self.local_time(
            "onward_departure_local", self.port_zone, "onward_departure_utc_offset", required=True
        )
        if (
            departure
            and inbound
            and inbound.scheduled_arrival
            and departure <= inbound.scheduled_arrival
        ):
            self.problem("onward_departure_local", "is before the inbound flight lands.")
        if code is None or day is None or not destination or departure is None:
            return None
        return FlightLeg(code[0], code[1], day, self.port_iata, destination, departure, None)

    def person_values(self) -> dict[str, Any]:
        given_names = self.text("given_names", 120)
        surname = self.text("surname", 120)
        if not given_names and not surname:
            self.problem("given_names", "is empty, and so is surname; a person needs a name.")
        born = self.date("date_of_birth")
        if born and born > dt.date.today():
            self.problem("date_of_birth", f"“{born}” is in the future.")
        nationality = self.text("nationality", 3).upper()
        if nationality and not _country_ok(nationality):
            self.problem(
                "nationality", f"“{nationality}” is not a two-letter country code (e.g. AF)."
            )
        language = self.text("primary_language", 3).lower()
        if language and not _language_ok(language):
            self.problem(
                "primary_language",
                f"“{language}” is not an ISO 639 language code (e.g. prs for Dari, ps for "
                "Pashto, sw for Swahili, ar for Arabic).",
            )
        codes = [c for c in re.split(r"[\s,;]+", self.text("ssr_codes", 100).upper()) if c]
        unknown = [c for c in codes if c not in SSR.values]
        if unknown:
            self.problem("ssr_codes", f"unknown code(s) {', '.join(unknown)} (e.g. WCHR, MEDA).")
        flags = dict.fromkeys(VULNERABILITIES.values(), False)
        words = re.split(r"[\s,;]+", self.text("vulnerabilities", 200).lower())
        old_urm = False
        for word in filter(None, words):
            if word in OLD_URM_WORDS:
                old_urm = True  # an older file's way to say the programme status URM
            elif word not in VULNERABILITIES:
                self.problem(
                    "vulnerabilities",
                    f"“{word}” is not one of medical, pregnancy, elderly, single_parent, other "
                    "(URM goes in programme_status).",
                )
            else:
                flags[VULNERABILITIES[word]] = True
        status = self.programme_status(old_urm, born)
        return {
            "given_names": given_names,
            "surname": surname,
            "date_of_birth": born,
            "sex": self.choice("sex", {s: s for s in Individual.Sex.values}, "F, M, X"),
            "nationality": nationality,
            "primary_language": language,
            "interpreter_needed": self.yes_no("interpreter_needed"),
            "relationship": self.choice(
                "relationship",
                {r: r for r in Individual.Relationship.values},
                ", ".join(Individual.Relationship.values),
            )
            or Individual.Relationship.PRINCIPAL,
            "document_in_custody": self.yes_no("document_in_custody"),
            "ssr_codes": list(dict.fromkeys(c for c in codes if c in SSR.values)),
            **flags,
            "programme_status": status,
            "vulnerability_notes": self.text("notes", 2000),
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
        problem = programme_status_problem(status, born, self.arrival_day or dt.date.today())
        if problem:
            column = "programme_status" if self.raw("programme_status") else "vulnerabilities"
            self.problem(column, problem)
            return ""
        return str(status)
