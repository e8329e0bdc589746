"""Each landing carries its person's first hand-over and first departure that stand, kept by
PostgreSQL as step events are written, and its local day (docs/decisions.md, 2026-11-30: the year's statistics read
less): the statistics' time from landing reads them from the landings of the period, not by
joining a year's people to a year's step events (a quarter of the year's counting statement).

``arrivals_landings_refresh`` (0011) fills them as it makes a case's rows. A row trigger on
step events moves them when a hand-over or a departure is tapped, an undo is tapped, or such an
event is changed or deleted — taps of other steps (nearly all of them) skip it in the trigger's
``WHEN``, before any function is called. Like the refresh, it first locks the person's case as
every tap locks it.

The local day of landing (and whether the first connection was booked to leave on it) is set on
each row as it is written, by a trigger that reads the port's time zone: the statistics no
longer work it out for each of a year's people."""

from importlib import import_module

from django.db import migrations, models

_0011 = import_module("arrivals.migrations.0011_landings_kept_by_postgresql")

# The person's first ``step`` that stands: accepted, not an undo, not undone.
FIRST_STANDING = """(SELECT min(e.at) FROM arrivals_stepevent e
     WHERE e.individual_id = {person} AND e.to_step = '{step}' AND e.accepted
       AND e.undoes_id IS NULL
       AND NOT EXISTS (SELECT 1 FROM arrivals_stepevent u WHERE u.undoes_id = e.id))"""


def _firsts(person: str) -> str:
    return ", ".join(
        FIRST_STANDING.format(person=person, step=step) for step in ("handed_over", "departed")
    )


def _refresh_with_outcomes() -> str:
    columns = "agency_id, first_out, alone\n    )"
    values = "count(*) OVER (PARTITION BY i.id) = 1\n"
    assert columns in _0011.REFRESH and values in _0011.REFRESH
    return _0011.REFRESH.replace(
        columns, "agency_id, first_out, alone, handed_over_at, departed_at\n    )"
    ).replace(values, f"count(*) OVER (PARTITION BY i.id) = 1,\n           {_firsts('i.id')}\n")


OUTCOMES = f"""
CREATE FUNCTION arrivals_landings_outcomes(people bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM cases_case WHERE id IN (
        SELECT case_id FROM cases_individual WHERE id = ANY(people)) ORDER BY id
        FOR NO KEY UPDATE;
    UPDATE arrivals_landing l SET (handed_over_at, departed_at) = ({_firsts('l.individual_id')})
    WHERE l.individual_id = ANY(people);
END $$;

CREATE FUNCTION arrivals_stepevent_landings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM arrivals_landings_outcomes(ARRAY[OLD.individual_id]);
    ELSIF TG_OP = 'UPDATE' THEN
        PERFORM arrivals_landings_outcomes(ARRAY[OLD.individual_id, NEW.individual_id]);
    ELSE
        -- An undo: the person of the event it undoes (theirs, always; read to be sure).
        PERFORM arrivals_landings_outcomes(ARRAY[NEW.individual_id] || ARRAY(
            SELECT individual_id FROM arrivals_stepevent WHERE id = NEW.undoes_id));
    END IF;
    RETURN NULL;
END $$;
"""

# The local day of landing and whether the first connection leaves on it, on every row as it
# is written; a port's time zone changed (never, nearly) moves its rows' days.
_ZONE = "COALESCE(NULLIF({port}.time_zone, ''), 'UTC')"
LOCAL_DAY = f"""
CREATE FUNCTION arrivals_landing_local_day() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    zone text;
BEGIN
    SELECT {_ZONE.format(port="p")} INTO zone FROM poe_ops_port p WHERE p.id = NEW.port_id;
    NEW.day := (NEW.landed AT TIME ZONE zone)::date;
    NEW.same_day := COALESCE((NEW.first_out AT TIME ZONE zone)::date = NEW.day, false);
    RETURN NEW;
END $$;

CREATE TRIGGER arrivals_landing_local_day BEFORE INSERT OR UPDATE OF landed, first_out, port_id
ON arrivals_landing FOR EACH ROW EXECUTE FUNCTION arrivals_landing_local_day();

CREATE FUNCTION poe_ops_port_landings_zone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE arrivals_landing SET landed = landed WHERE port_id = NEW.id;  -- the day again
    RETURN NULL;
END $$;

CREATE TRIGGER poe_ops_port_landings_zone AFTER UPDATE OF time_zone ON poe_ops_port
FOR EACH ROW WHEN (OLD.time_zone IS DISTINCT FROM NEW.time_zone)
EXECUTE FUNCTION poe_ops_port_landings_zone();
"""

_OUTCOME = "{row}.to_step IN ('handed_over', 'departed') OR {row}.undoes_id IS NOT NULL"
TRIGGERS = {
    "insert": f"AFTER INSERT ON arrivals_stepevent FOR EACH ROW WHEN ({_OUTCOME.format(row='NEW')})",
    "update": (
        "AFTER UPDATE ON arrivals_stepevent FOR EACH ROW WHEN ("
        f"{_OUTCOME.format(row='OLD')} OR {_OUTCOME.format(row='NEW')})"
    ),
    "delete": f"AFTER DELETE ON arrivals_stepevent FOR EACH ROW WHEN ({_OUTCOME.format(row='OLD')})",
}


def _install(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(_refresh_with_outcomes())
    schema_editor.execute(OUTCOMES)
    schema_editor.execute(LOCAL_DAY)
    for event, when in TRIGGERS.items():
        schema_editor.execute(
            f"CREATE TRIGGER arrivals_stepevent_landings_{event} {when} "
            "EXECUTE FUNCTION arrivals_stepevent_landings()"
        )
    # The landings already there (their local day by the trigger, as ``landed`` is set).
    schema_editor.execute(
        f"UPDATE arrivals_landing l SET landed = landed, (handed_over_at, departed_at) = "
        f"({_firsts('l.individual_id')})"
    )


def _remove(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for event in TRIGGERS:
        schema_editor.execute(
            f"DROP TRIGGER IF EXISTS arrivals_stepevent_landings_{event} ON arrivals_stepevent"
        )
    schema_editor.execute("DROP TRIGGER IF EXISTS poe_ops_port_landings_zone ON poe_ops_port")
    schema_editor.execute("DROP FUNCTION IF EXISTS poe_ops_port_landings_zone()")
    schema_editor.execute("DROP TRIGGER IF EXISTS arrivals_landing_local_day ON arrivals_landing")
    schema_editor.execute("DROP FUNCTION IF EXISTS arrivals_landing_local_day()")
    schema_editor.execute("DROP FUNCTION IF EXISTS arrivals_stepevent_landings()")
    schema_editor.execute("DROP FUNCTION IF EXISTS arrivals_landings_outcomes(bigint[])")
    schema_editor.execute(_0011.REFRESH)


class Migration(migrations.Migration):
    dependencies = [("arrivals", "0014_statistics_steps_first")]

    operations = [
        migrations.AddField(
            model_name="landing", name="handed_over_at", field=models.DateTimeField(null=True)
        ),
        migrations.AddField(
            model_name="landing", name="departed_at", field=models.DateTimeField(null=True)
        ),
        migrations.AddField(model_name="landing", name="day", field=models.DateField(null=True)),
        migrations.AddField(
            model_name="landing", name="same_day", field=models.BooleanField(default=False)
        ),
        migrations.RunPython(_install, _remove),
    ]
