"""The people of a period counted by PostgreSQL (``count``): the same definitions as
``python_count``, grouped in the database so that a year at seven ports returns a few thousand
rows, not the hundreds of thousands of people in it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import connection, transaction

from arrivals.models import Landing, StepEvent
from cases.models import ProgrammeStatus, ResettlementAgency
from poe_ops.models import Port
from reports.queries.periods import Period
from reports.queries.statistics import reading
from reports.queries.statistics.definitions import (
    BREAKDOWNS,
    HANDOVER_BUCKETS,
    MINORS,
    NOT_ARRIVED,
    Step,
)
from reports.queries.statistics.figures import Arrivals, Row, Spread
from reports.queries.statistics.python_count import minor_counts

# PostgreSQL's memory for sorting and grouping while counting a period (the default 4 MB spills
# a year of people to temporary files).
WORK_MEM = "64MB"

# The same definitions as ``python_count``, grouped by PostgreSQL so that a year at seven
# ports returns a few thousand rows, not the hundreds of thousands of people in it. ``person``
# is everyone on a current inbound segment that landed in the period at one of the ports (the
# segment's named people, or all the case's people when it names none), each at their first
# landing: read from ``arrivals.Landing``, one narrow row per person and landing that
# PostgreSQL keeps up to date with the facts (arrivals migration 0011), so that a year is one
# range of an index, not 100,000 people put together from cases, people, segments and flights.
# ``arrived`` are those past "expected" (not no-show, not rebooked).

_PEOPLE = """
WITH port (id, start_at, end_at) AS (VALUES {ports}),
person AS MATERIALIZED (
    SELECT {person_columns}
    FROM {landing} l JOIN port p ON p.id = l.port_id LEFT JOIN {agency} a ON a.id = l.agency_id
    WHERE l.alone AND l.landed >= p.start_at AND l.landed < p.end_at
      AND l.landed >= %(span_start)s AND l.landed < %(span_end)s
    UNION ALL
    (SELECT DISTINCT ON (l.individual_id) {person_columns}
     FROM {landing} l JOIN port p ON p.id = l.port_id LEFT JOIN {agency} a ON a.id = l.agency_id
     WHERE NOT l.alone AND l.landed >= p.start_at AND l.landed < p.end_at
       AND l.landed >= %(span_start)s AND l.landed < %(span_end)s
     ORDER BY l.individual_id, l.landed, l.port_id)
)
"""

# Each arrival's first booked departure from the port (rebooked or not) that carries them (a
# segment that names nobody carries the whole case), the day they landed in the port's time zone
# and whether that departure was booked for that day: all kept on their landing (arrivals
# migrations 0011 and 0015). Grouped by port, by port and day, by each breakdown's value.
#
# The cases are counted from ``port_case``: each port's arrived cases once (a few in three of
# the people), with their agency (a case's) and how many people — the cases per port, all
# together and per agency read that, not every person again. The minors of all the ports are
# the ports' added up (each person lands at one port in the counting).
#
# Then each arrival's minutes from landing to their first hand-over and departure that stand
# (accepted, not an undo, not undone: kept on the landing, arrivals migration 0015), when they
# came after landing and before OUTCOME_DAYS after the period's end, summed up per port and at
# all the ports together (port None) in one pass: how many of each, their median and 90th
# percentile, and how many hand-overs in each of HANDOVER_BUCKETS — a year's 100,000 times stay
# in the database.
_COUNTS = """,
outcome AS (
    SELECT port_id, {to_handover} AS to_handover, {to_departure} AS to_departure
    FROM person WHERE arrived
),
port_case AS MATERIALIZED (
    SELECT port_id, case_id, min(agency) AS agency, count(*) AS people
    FROM person WHERE arrived GROUP BY port_id, case_id
)
SELECT 'port', port_id, NULL::date, NULL::text,
       count(*) FILTER (WHERE arrived), NULL::bigint,
       count(*) FILTER (WHERE step = %(no_show)s), count(first_out),
       count(*) FILTER (WHERE same_day AND first_out IS NOT NULL),
       count(*) FILTER (WHERE arrived AND programme = %(urm)s),
       count(*) FILTER (WHERE arrived AND programme = %(separated)s),
       count(*) FILTER (WHERE arrived AND umnr), NULL::float8[]
FROM person GROUP BY port_id
UNION ALL
SELECT 'port cases', port_id, NULL, NULL, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL,
       NULL
FROM port_case GROUP BY port_id
UNION ALL
SELECT 'all', NULL, NULL, NULL, NULL, count(DISTINCT case_id), NULL, NULL, NULL, NULL, NULL,
       NULL, NULL
FROM port_case
UNION ALL
SELECT 'day', port_id, day, NULL, count(*), NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM person WHERE arrived GROUP BY port_id, day
UNION ALL
SELECT 'agency', NULL, NULL, agency, sum(people)::bigint, count(DISTINCT case_id), NULL, NULL,
       NULL, NULL, NULL, NULL, NULL
FROM port_case GROUP BY agency
{breakdowns}
UNION ALL
SELECT 'outcome', port_id, NULL, NULL, count(to_handover), count(to_departure), NULL, NULL,
       NULL, NULL, NULL, NULL,
       COALESCE(percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY to_handover),
                ARRAY[NULL, NULL]::float8[])
       || COALESCE(percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY to_departure),
                   ARRAY[NULL, NULL]::float8[])
       || ARRAY[{buckets}]::float8[]
FROM outcome WHERE to_handover IS NOT NULL OR to_departure IS NOT NULL
GROUP BY GROUPING SETS ((port_id), ())
"""

# Each person's figures from their landing (``l``) at the port (``p``).
_PERSON_COLUMNS = """
l.individual_id AS id, l.case_id, l.port_id, l.landed, l.step,
l.step <> ALL(%(not_arrived)s) AS arrived, l.nationality, l.language, l.category, l.programme,
l.umnr, COALESCE(a.code, '') AS agency, l.day,
CASE WHEN l.step <> ALL(%(not_arrived)s) THEN l.first_out END AS first_out,
l.same_day, l.handed_over_at, l.departed_at
"""

# People and cases by each breakdown's value (the cases counted per value, then the values'):
# every breakdown of the people's own in one pass over them (grouping sets), not one pass each.
# The agency is the case's: counted from ``port_case`` above.
_BREAKDOWNS = """
UNION ALL
SELECT breakdown, NULL, NULL, value, sum(people)::bigint, count(*), NULL, NULL, NULL, NULL,
       NULL, NULL, NULL
FROM (SELECT CASE {which} END AS breakdown, CASE {value} END AS value, case_id,
             count(*) AS people
      FROM person WHERE arrived
      GROUP BY GROUPING SETS ({sets})) per_case
GROUP BY breakdown, value
"""


def _breakdowns() -> str:
    names = [name for name in BREAKDOWNS if name != "agency"]
    return _BREAKDOWNS.format(
        which=" ".join(f"WHEN GROUPING({n}) = 0 THEN '{n}'" for n in names),
        value=" ".join(f"WHEN GROUPING({n}) = 0 THEN {n}" for n in names),
        sets=", ".join(f"({n}, case_id)" for n in names),
    )


# A breakdown whose different values read the same (two codes, one name) counts its cases once.
_CASES_OF = """
SELECT count(DISTINCT case_id) FROM person WHERE arrived AND {column} = ANY(%(values)s)
"""


def _minutes(column: str) -> str:
    """Minutes from landing to ``column``'s moment, when it counts (``date_part`` for the
    seconds, as a double: ``EXTRACT`` makes a numeric of each, a third slower)."""
    return (
        f"CASE WHEN {column} >= landed AND {column} < %(latest)s "
        f"THEN date_part('epoch', {column} - landed) / 60 END"
    )


def _buckets() -> str:
    """How many hand-overs fall in each of HANDOVER_BUCKETS (as ``figures.bucket_counts``)."""
    counts, lower = [], None
    for upper, _label in HANDOVER_BUCKETS:
        within = [
            f"to_handover >= {lower}" if lower is not None else "to_handover IS NOT NULL",
            f"to_handover < {upper}" if upper is not None else "",
        ]
        counts.append(f"count(*) FILTER (WHERE {' AND '.join(w for w in within if w)})")
        lower = upper
    return ", ".join(counts)


def _sql(template: str, ports: Sequence[Port]) -> str:
    tables = {
        "landing": Landing._meta.db_table,
        "agency": ResettlementAgency._meta.db_table,
        "event": StepEvent._meta.db_table,
    }
    values = ", ".join(
        f"(%(port{n})s::bigint, %(start{n})s::timestamptz, %(end{n})s::timestamptz)"
        for n in range(len(ports))
    )
    return template.format(
        ports=values,
        person_columns=_PERSON_COLUMNS,
        breakdowns=_breakdowns(),
        buckets=_buckets(),
        to_handover=_minutes("handed_over_at"),
        to_departure=_minutes("departed_at"),
        **{k: connection.ops.quote_name(v) for k, v in tables.items()},
    )


def _parameters(ports: Sequence[Port], period: Period) -> dict[str, Any]:
    bounds = [period.bounds(port) for port in ports]
    parameters: dict[str, Any] = {
        "not_arrived": sorted(NOT_ARRIVED),
        "no_show": Step.NO_SHOW,
        "urm": ProgrammeStatus.URM,
        "separated": ProgrammeStatus.SEPARATED,
        # The whole span, so that the index on the landing is read over the period only.
        "span_start": min(start for start, _end in bounds),
        "span_end": max(end for _start, end in bounds),
        "latest": reading.searched_until(ports, period),
    }
    for n, port in enumerate(ports):
        start, end = period.bounds(port)
        parameters |= {
            f"port{n}": port.pk,
            f"start{n}": start,
            f"end{n}": end,
        }
    return parameters


def count(ports: Sequence[Port], period: Period) -> Arrivals:
    """The people of the period counted by PostgreSQL: one query (and one more for each name
    two values of a breakdown share), a few thousand rows whatever the period."""
    parameters = _parameters(ports, period)
    result = Arrivals({}, {}, {}, {}, {}, {}, 0, minor_counts([]), {}, {}, {}, {})
    raw: dict[str, dict[str, tuple[int, int]]] = {name: {} for name in BREAKDOWNS}
    with transaction.atomic(), connection.cursor() as cursor:
        # A year's people are sorted and grouped in memory, not in temporary files.
        # Nor is the statement compiled (PostgreSQL's JIT, for its estimated cost): that takes
        # longer than running it. One round trip for both.
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true)", [WORK_MEM]
        )
        cursor.execute(_sql(_PEOPLE + _COUNTS, ports), parameters)
        for row in cursor.fetchall():
            kind, port_id, day, value, people, cases, no_shows, transits, same_day = row[:9]
            minors = dict(zip(MINORS, row[9:12], strict=True))
            if kind == "outcome":  # minutes from landing to hand-over and departure
                handover_median, handover_p90, median, p90, *buckets = row[12]
                result.spreads[(port_id, Step.HANDED_OVER)] = Spread(
                    people, handover_median, handover_p90
                )
                result.spreads[(port_id, Step.DEPARTED)] = Spread(cases, median, p90)
                if port_id is not None:
                    result.handover_buckets[port_id] = [int(n) for n in buckets]
            elif kind == "port cases":
                result.cases[port_id] = cases
            elif kind == "port":
                if people:
                    result.people[port_id] = people
                    result.minors[port_id] = minors
                for counts, n in (
                    (result.no_shows, no_shows),
                    (result.transits, transits),
                    (result.same_day, same_day),
                ):
                    if n:
                        counts[port_id] = n
            elif kind == "day":
                result.daily.setdefault(port_id, {})[day] = people
            elif kind == "all":
                result.total_cases = cases
            else:
                raw[kind][value] = (people, cases)
        result.total_minors = {
            kind: sum(minors[kind] for minors in result.minors.values()) for kind in MINORS
        }
        for name, (_title, label) in BREAKDOWNS.items():
            result.breakdowns[name] = named_rows(cursor, name, raw[name], label, ports, parameters)
    return result


def named_rows(
    cursor: Any,
    name: str,
    values: Mapping[str, tuple[int, int]],
    label: Callable[[str], str],
    ports: Sequence[Port],
    parameters: dict[str, Any],
) -> list[Row]:
    """A breakdown's rows, each value named once; values that read the same are one row (their
    cases counted once, by asking the database again)."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for value in values:
        by_name[label(value)].append(value)
    rows = []
    for named, same in by_name.items():
        people = sum(values[v][0] for v in same)
        cases = values[same[0]][1]
        if len(same) > 1:
            cursor.execute(
                _sql(_PEOPLE + _CASES_OF.replace("{column}", name), ports),
                parameters | {"values": list(same)},
            )
            cases = cursor.fetchone()[0]
        rows.append(Row(named, people, cases))
    return sorted(rows, key=lambda row: (-row.people, row.label))
