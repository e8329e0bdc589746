"""Two indexes every audit event's insert kept for nobody (issue 20): the one on
``content_type`` alone (the (content_type, object_id, -at) index begins with it) and the
pattern index Django adds beside the one on ``action`` (no page searches an action by its
beginning)."""

import django.db.models.deletion
from django.db import migrations, models

PATTERN_INDEX = "poe_ops_auditevent_action_a86b9e82_like"


def _drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PATTERN_INDEX}")


def _restore_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PATTERN_INDEX} "
            "ON poe_ops_auditevent (action varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("poe_ops", "0017_notification_kind_report"),
    ]

    operations = [
        migrations.RunPython(_drop_pattern_index, _restore_pattern_index),
        migrations.AlterField(
            model_name="auditevent",
            name="content_type",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="contenttypes.contenttype",
            ),
        ),
    ]
