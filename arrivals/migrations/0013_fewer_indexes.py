"""Two indexes a step event's insert kept for nobody (issue 20): the one on ``individual`` alone
(the (individual, at) index begins with it) and the pattern index Django adds beside the
unique index on ``idempotency_key`` (a key is never searched by its beginning)."""

import django.db.models.deletion
from django.db import migrations, models

PATTERN_INDEX = "arrivals_stepevent_idempotency_key_ad8e2761_like"


def _drop_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PATTERN_INDEX}")


def _restore_pattern_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PATTERN_INDEX} "
            "ON arrivals_stepevent (idempotency_key varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("arrivals", "0012_landings_cheaper_triggers"),
        ("cases", "0014_fewer_indexes"),
    ]

    operations = [
        migrations.RunPython(_drop_pattern_index, _restore_pattern_index),
        migrations.AlterField(
            model_name="stepevent",
            name="individual",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="steps",
                to="cases.individual",
            ),
        ),
    ]
