"""The audit log stays append-only, with one narrow door for the retention run
(poe_ops.services.audit.scrub_events): inside a transaction that set ``poe_ops.retention``, an
UPDATE may blank what an event says about a person (its object_repr, changes and data) but
never who did what, when, to which record. DELETE is still refused."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION poe_ops_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND current_setting('poe_ops.retention', true) = 'on'
     AND NEW.id = OLD.id
     AND NEW.at = OLD.at
     AND NEW.action = OLD.action
     AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
     AND NEW.content_type_id IS NOT DISTINCT FROM OLD.content_type_id
     AND NEW.object_id = OLD.object_id
     AND NEW.port_id IS NOT DISTINCT FROM OLD.port_id
     AND NEW.request_id = OLD.request_id THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'poe_ops_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""

STRICT = """
CREATE OR REPLACE FUNCTION poe_ops_auditevent_append_only() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'poe_ops_auditevent is append-only (% refused)', TG_OP;
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(STRICT, params=None)


class Migration(migrations.Migration):
    dependencies = [("poe_ops", "0013_worker_heartbeat")]

    operations = [migrations.RunPython(forwards, backwards)]
