"""``arrivals_landing`` kept by PostgreSQL in the same transaction as the facts it is made of,
and built for the rows already there (docs/decisions.md, 2026-11-30: statistics of a year).

``arrivals_landings_refresh(cases)`` makes the rows of some cases again from cases, people,
segments, the people a segment names and flights (the definitions of
``reports.queries.statistics``), after locking those cases as a tap does, so two changes to one
case are applied one after the other. Statement-level triggers call it with every case a
statement touched — a bulk load or an import is one call, not one per row. On SQLite (the demo)
nothing is kept: the statistics count there from the facts themselves."""

from django.db import migrations

REFRESH = """
CREATE OR REPLACE FUNCTION arrivals_landings_refresh(touched bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    cases bigint[];
BEGIN
    SELECT array_agg(DISTINCT id ORDER BY id) INTO cases
    FROM unnest(touched) AS id WHERE id IS NOT NULL;
    IF cases IS NULL THEN
        RETURN;
    END IF;
    -- One change to a case at a time, in the order every tap locks cases: each statement
    -- below then reads what the other committed.
    PERFORM 1 FROM cases_case WHERE id = ANY(cases) ORDER BY id FOR NO KEY UPDATE;
    DELETE FROM arrivals_landing WHERE case_id = ANY(cases);
    INSERT INTO arrivals_landing (
        individual_id, segment_id, case_id, port_id, landed, step, nationality, language,
        category, programme, umnr, agency_id, first_out, alone
    )
    SELECT i.id, s.id, c.id, f.port_id,
           COALESCE(f.actual_arrival, f.estimated_arrival, f.scheduled_arrival),
           i.current_step, COALESCE(i.nationality, ''), COALESCE(i.primary_language, ''),
           COALESCE(i.immigration_category, ''), COALESCE(i.programme_status, ''),
           COALESCE(i.ssr_codes @> '["UMNR"]'::jsonb, false), c.agency_id,
           (SELECT min(o.scheduled_departure)
            FROM arrivals_segment os JOIN arrivals_flight o ON o.id = os.flight_id
            WHERE os.case_id = c.id AND os.direction = 'onward' AND o.origin = p.iata
              AND o.scheduled_departure IS NOT NULL
              AND (NOT EXISTS (SELECT 1 FROM arrivals_segment_individuals n
                               WHERE n.segment_id = os.id)
                   OR EXISTS (SELECT 1 FROM arrivals_segment_individuals n
                              WHERE n.segment_id = os.id AND n.individual_id = i.id))),
           count(*) OVER (PARTITION BY i.id) = 1
    FROM cases_case c
    JOIN cases_individual i ON i.case_id = c.id
    JOIN arrivals_segment s ON s.case_id = c.id
    JOIN arrivals_flight f ON f.id = s.flight_id
    JOIN poe_ops_port p ON p.id = f.port_id
    WHERE c.id = ANY(cases) AND c.status <> 'cancelled' AND i.removed_in_version IS NULL
      AND s.direction = 'inbound' AND s.replaced_by_id IS NULL AND f.status <> 'cancelled'
      AND COALESCE(f.actual_arrival, f.estimated_arrival, f.scheduled_arrival) IS NOT NULL
      AND (NOT EXISTS (SELECT 1 FROM arrivals_segment_individuals n WHERE n.segment_id = s.id)
           OR EXISTS (SELECT 1 FROM arrivals_segment_individuals n
                      WHERE n.segment_id = s.id AND n.individual_id = i.id));
END
$$;
"""


def _refresh(touched: str) -> str:
    return f"PERFORM arrivals_landings_refresh(ARRAY({touched}));"


# A person's row but their step and its time, to tell a tap from any other change.
_REST = "(to_jsonb({row}) - 'current_step' - 'current_step_at')"
_OTHERWISE_CHANGED = (
    "SELECT {pick} FROM changed n JOIN before b ON b.id = n.id "
    f"WHERE {_REST.format(row='n')} IS DISTINCT FROM {_REST.format(row='b')}"
)

# A tap changes a person's step (and its time) only: their rows take the new step, the case
# locked first as the refresh locks it. Any other change to a person makes their case's rows
# again (both cases, should they have moved).
PERSON_UPDATED = f"""
    PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM changed) ORDER BY id
        FOR NO KEY UPDATE;
    UPDATE arrivals_landing l SET step = n.current_step
    FROM changed n JOIN before b ON b.id = n.id
    WHERE l.individual_id = n.id AND l.step IS DISTINCT FROM n.current_step
      AND {_REST.format(row='n')} IS NOT DISTINCT FROM {_REST.format(row='b')};
    {_refresh(_OTHERWISE_CHANGED.format(pick="n.case_id") + " UNION "
              + _OTHERWISE_CHANGED.format(pick="b.case_id"))}
"""

# (table, event, which transition tables, what is done)
TRIGGERS = [
    # A case's status (cancelled or not) and agency are on its people's rows; its port is not
    # (people count where their flight landed).
    (
        "cases_case",
        "UPDATE",
        "OLD TABLE AS before NEW TABLE AS changed",
        _refresh(
            "SELECT n.id FROM changed n JOIN before b ON b.id = n.id "
            "WHERE (n.status, n.agency_id) IS DISTINCT FROM (b.status, b.agency_id)"
        ),
    ),
    ("cases_case", "DELETE", "OLD TABLE AS changed", _refresh("SELECT id FROM changed")),
    (
        "cases_individual",
        "INSERT",
        "NEW TABLE AS changed",
        _refresh("SELECT case_id FROM changed"),
    ),
    ("cases_individual", "UPDATE", "OLD TABLE AS before NEW TABLE AS changed", PERSON_UPDATED),
    (
        "cases_individual",
        "DELETE",
        "OLD TABLE AS changed",
        _refresh("SELECT case_id FROM changed"),
    ),
    (
        "arrivals_segment",
        "INSERT",
        "NEW TABLE AS changed",
        _refresh("SELECT case_id FROM changed"),
    ),
    (
        "arrivals_segment",
        "UPDATE",
        "OLD TABLE AS before NEW TABLE AS changed",
        _refresh("SELECT case_id FROM changed UNION SELECT case_id FROM before"),
    ),
    (
        "arrivals_segment",
        "DELETE",
        "OLD TABLE AS changed",
        _refresh("SELECT case_id FROM changed"),
    ),
    (
        "arrivals_segment_individuals",
        "INSERT",
        "NEW TABLE AS changed",
        _refresh(
            "SELECT s.case_id FROM changed JOIN arrivals_segment s ON s.id = changed.segment_id"
        ),
    ),
    (
        "arrivals_segment_individuals",
        "DELETE",
        "OLD TABLE AS changed",
        _refresh(
            "SELECT s.case_id FROM changed JOIN arrivals_segment s ON s.id = changed.segment_id"
        ),
    ),
    (
        "arrivals_flight",
        "UPDATE",
        "NEW TABLE AS changed",
        _refresh("SELECT s.case_id FROM changed JOIN arrivals_segment s ON s.flight_id = changed.id"),
    ),
]


def _name(table: str, event: str) -> str:
    return f"{table}_landings_{event.lower()}"


def _install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(REFRESH)
    for table, event, transitions, body in TRIGGERS:
        name = _name(table, event)
        schema_editor.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"{body} RETURN NULL; END $$;"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {transitions} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}();"
        )
    # The rows for what is already there.
    schema_editor.execute("SELECT arrivals_landings_refresh(ARRAY(SELECT id FROM cases_case))")


def _remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, event, _transitions, _body in TRIGGERS:
        name = _name(table, event)
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {name}()")
    schema_editor.execute("DROP FUNCTION IF EXISTS arrivals_landings_refresh(bigint[])")
    schema_editor.execute("DELETE FROM arrivals_landing")


class Migration(migrations.Migration):
    dependencies = [("arrivals", "0010_landings")]

    operations = [migrations.RunPython(_install, _remove)]
