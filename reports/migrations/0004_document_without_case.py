# The case arrival sheet names its case by object_id, as every other kind names its record, so
# that Document can move to the core (poe_ops) without a foreign key to cases.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0003_incident_reports'),
    ]

    operations = [
        migrations.RunSQL(
            "UPDATE reports_document SET object_id = CAST(case_id AS TEXT) "
            "WHERE case_id IS NOT NULL AND object_id = ''",
            reverse_sql=migrations.RunSQL.noop,
        ),
        migrations.RemoveField(model_name='document', name='case'),
    ]
