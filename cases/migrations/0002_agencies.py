"""The nine national resettlement agencies (reference data, editable in admin)."""

from django.db import migrations

from cases.reference import load_agencies


def seed(apps, schema_editor):
    load_agencies(apps.get_model("cases", "ResettlementAgency"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
