"""Two of the landings' triggers (arrivals 0011) made cheaper for the tap, keeping the same rows
(issue 20: measured with pg_stat_statements, they were a third of PostgreSQL's time per tap).

- **A case's status**: its people's rows read only whether it is cancelled (and its agency), so
  only a change of that remakes them. A tap moves a case from "expected" to "arriving" to "done"
  one person at a time; each of those made the case's rows again (2 ms a time).
- **A person's update**: whether anything but their step changed (comparing the whole row as
  JSON) is worked out once per statement, not twice, and a tap (the step alone) only moves the
  step on their rows."""

from importlib import import_module

from django.db import migrations

_0011 = import_module("arrivals.migrations.0011_landings_kept_by_postgresql")

CASE_UPDATED = """
CREATE OR REPLACE FUNCTION cases_case_landings_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM arrivals_landings_refresh(ARRAY(
        SELECT n.id FROM changed n JOIN before b ON b.id = n.id
        WHERE (n.status = 'cancelled', n.agency_id)
              IS DISTINCT FROM (b.status = 'cancelled', b.agency_id)));
    RETURN NULL;
END $$;
"""

# A person's row but their step and its time, to tell a tap from any other change.
_REST = "(to_jsonb({row}) - 'current_step' - 'current_step_at')"

PERSON_UPDATED = f"""
CREATE OR REPLACE FUNCTION cases_individual_landings_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    others bigint[];
BEGIN
    -- The people whose change is more than a step: their cases' rows are made again.
    SELECT array_agg(n.id) INTO others FROM changed n JOIN before b ON b.id = n.id
    WHERE {_REST.format(row="n")} IS DISTINCT FROM {_REST.format(row="b")};
    -- The cases first, in the order the refresh and every tap lock them.
    PERFORM 1 FROM cases_case WHERE id IN (SELECT case_id FROM changed) ORDER BY id
        FOR NO KEY UPDATE;
    UPDATE arrivals_landing l SET step = n.current_step
    FROM changed n
    WHERE l.individual_id = n.id AND l.step IS DISTINCT FROM n.current_step
      AND (others IS NULL OR n.id <> ALL(others));
    IF others IS NOT NULL THEN
        PERFORM arrivals_landings_refresh(ARRAY(
            SELECT case_id FROM changed WHERE id = ANY(others)
            UNION SELECT case_id FROM before WHERE id = ANY(others)));
    END IF;
    RETURN NULL;
END $$;
"""


def _install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(CASE_UPDATED)
    schema_editor.execute(PERSON_UPDATED)


def _restore(apps, schema_editor):
    """Back to 0011's bodies (the triggers themselves are unchanged)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    for table, event, _transitions, body in _0011.TRIGGERS:
        if (table, event) in {("cases_case", "UPDATE"), ("cases_individual", "UPDATE")}:
            schema_editor.execute(
                f"CREATE OR REPLACE FUNCTION {_0011._name(table, event)}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$;"
            )


class Migration(migrations.Migration):
    dependencies = [("arrivals", "0011_landings_kept_by_postgresql")]

    operations = [migrations.RunPython(_install, _restore)]
