"""Seed the two operations offices and the seven Ports of Entry (editable afterwards)."""

from django.db import migrations

from poe_ops.reference import load_reference_data


def seed(apps, schema_editor):
    load_reference_data(apps.get_model("poe_ops", "OperationsOffice"), apps.get_model("poe_ops", "Port"))


class Migration(migrations.Migration):
    dependencies = [("poe_ops", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
