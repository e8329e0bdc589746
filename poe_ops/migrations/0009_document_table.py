from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('poe_ops', '0008_document'),
        ('reports', '0005_document_moved_to_poe_ops'),
    ]

    operations = [
        migrations.AlterModelTable(name='document', table=None),
    ]
