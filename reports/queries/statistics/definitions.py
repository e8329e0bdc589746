"""What is counted, and where:

- **Arrivals** are people whose current inbound flight (a segment not replaced by a rebooking,
  on a flight not cancelled, of a case not cancelled, the person still on the ABN) landed at a
  port in the period — landed meaning its actual arrival, else its estimate, else its schedule,
  counted in the *port's* local days (``periods``). A person counts at the port their flight
  landed at, not the case's port today: a case moved to another port after it arrived stays
  where it arrived, and one moved before it flew counts where it then landed. They count once
  they are past "expected" (met, or anything after); still "expected", "no-show" or "rebooked"
  (coming on another flight) they have not arrived.
- **No-shows**: people on those flights whose step is "no-show".
- **Transits** are arrivals whose case was booked on a domestic flight out of the port; a
  **same-day connection** is one whose first booked departure from the port (as first booked,
  before any rebooking) was on the local day they landed.
- **Misconnections** are people marked "needs rebooking" at the port in the period (a step not
  undone). Their cause (``misconnect_cause``) is read from their first booked connection and
  their inbound flight: the onward flight cancelled or delayed; else the inbound flight landed
  late; else the time went in CBP and the airport.
- **Hospital cases**: people taken to hospital at the port in the period.
- **Minors**: arrivals who are URM or separated minors (programme status, ``cases.models``), and
  those whose ticket carries the airline's UMNR code (``cases.ssr``) — not the same thing.
- **Hotel nights**: room-nights of bookings (not cancelled) at the port's hotels that fall in the
  period; a stay that runs past the month's end counts its nights in each month.
- **Costs**: hotel, meals and ground transport at the port's vendors, each booking counted in
  the period of its check-in or pick-up (as the port's monthly costs CSV does); cost per case is
  that total over the cases that arrived.
- **Staff hours**: hours and overtime on timesheets submitted or approved, for days in the
  period.
- **Incidents**: reports submitted (not drafts) that happened in the period, those the reader
  counts (``reports.queries.incidents.counted``: those they may see, and every one at the ports
  they supervise or are HQ of — by category and severity only, never a report).
- **Time from landing** to hand-over and to departure: from the flight's landing to the person's
  first "handed over" or "departed" step that stands (not undone), when it came after landing
  and less than OUTCOME_DAYS after the period's end; median and 90th percentile per port
  (percentiles by linear interpolation, as PostgreSQL's ``percentile_cont``).

``URM_STATUSES`` and ``minor_counts`` are the one place minors are counted, should the programme
statuses change (``sql_count`` counts the same ``URM_STATUSES`` and ``UMNR``). A breakdown
lists its values by people, most first, then by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django_countries import countries

from cases.models import ImmigrationCategory, ProgrammeStatus
from cases.steps import ArrivalStep
from poe_ops.languages import language_name

Step = ArrivalStep

# Not (yet) arrived: still expected, not coming, or coming on another flight.
NOT_ARRIVED = frozenset({Step.EXPECTED, Step.NO_SHOW, Step.REBOOKED})
# A flight is late (and so is a departure) from this many minutes after its schedule: the U.S.
# DOT's on-time measure.
LATE_MINUTES = 15
# A hand-over or departure later than this after the period is not looked for.
OUTCOME_DAYS = 14
# The longest hotel stay a booking may have (HotelBooking.nights).
LONGEST_STAY = 30
# Time from landing to hand-over, in buckets (upper bounds in minutes; the last has none).
HANDOVER_BUCKETS = ((60, "under 1 h"), (120, "1–2 h"), (180, "2–3 h"), (240, "3–4 h"),
                    (360, "4–6 h"), (720, "6–12 h"), (None, "12 h or more"))  # fmt: skip

ONWARD_DISRUPTED = "onward"
INBOUND_LATE = "inbound"
CBP_TIME = "cbp"
CAUSES = {
    INBOUND_LATE: "Inbound flight landed late",
    ONWARD_DISRUPTED: "Onward flight delayed or cancelled",
    CBP_TIME: "Time in CBP and the airport",
}
URM_STATUSES = {
    ProgrammeStatus.URM: "URM",
    ProgrammeStatus.SEPARATED: "Separated minor",
}
UMNR = "UMNR"
MINORS = (URM_STATUSES[ProgrammeStatus.URM], URM_STATUSES[ProgrammeStatus.SEPARATED], UMNR)
NO_AGENCY = "No agency on the ABN"
NOT_GIVEN = "Not given"


def label_of(choices: Any, value: str) -> str:
    """A choice's label, else the value itself, else "Not given"."""
    return str(choices(value).label) if value in choices.values else (value or NOT_GIVEN)


def category_label(value: str) -> str:
    return label_of(ImmigrationCategory, value)


# Each breakdown of the people (named as the person's value it reads): its title, and a value in
# words (a country's or a language's name is looked up per value, not per person).
BREAKDOWNS: dict[str, tuple[str, Callable[[str], str]]] = {
    "agency": ("Resettlement agency", lambda v: v or NO_AGENCY),
    "nationality": ("Nationality", lambda v: str(countries.name(v)) if v else NOT_GIVEN),
    "language": ("Language", lambda v: language_name(v) or v or NOT_GIVEN),
    "category": ("Immigration category", category_label),
}
