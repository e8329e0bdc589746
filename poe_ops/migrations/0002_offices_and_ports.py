"""Seed the two operations offices and the seven Ports of Entry (editable afterwards)."""

import airportsdata
from django.db import migrations

from poe_ops.reference import OFFICES, PORTS


def seed(apps, schema_editor):
    OperationsOffice = apps.get_model("poe_ops", "OperationsOffice")
    Port = apps.get_model("poe_ops", "Port")
    airports = airportsdata.load("IATA")
    offices = {}
    for code, name in OFFICES:
        offices[code], _ = OperationsOffice.objects.get_or_create(code=code, defaults={"name": name})
    for iata, office in PORTS:
        airport = airports[iata]
        Port.objects.get_or_create(
            iata=iata,
            defaults={"name": airport["name"], "time_zone": airport["tz"], "office": offices[office]},
        )


class Migration(migrations.Migration):
    dependencies = [("poe_ops", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
