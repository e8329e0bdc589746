# Document now belongs to poe_ops (poe_ops/migrations/0008_document): only the state moves.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0004_document_without_case'),
        ('poe_ops', '0008_document'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Document')],
            database_operations=[],
        ),
    ]
