"""On PostgreSQL, make the audit table append-only in the database itself: an UPDATE or DELETE
raises, whatever code (or person at a psql prompt) attempts it. TRUNCATE stays possible: it is
the database owner's deliberate act (and how the test suite resets tables between tests)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION poe_ops_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'poe_ops_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER poe_ops_auditevent_append_only
  BEFORE UPDATE OR DELETE ON poe_ops_auditevent
  FOR EACH ROW EXECUTE FUNCTION poe_ops_auditevent_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS poe_ops_auditevent_append_only ON poe_ops_auditevent;
DROP FUNCTION IF EXISTS poe_ops_auditevent_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("poe_ops", "0002_offices_and_ports")]

    operations = [migrations.RunPython(forwards, backwards)]
