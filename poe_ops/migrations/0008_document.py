# Document moves from reports to the core (decision record 2026-11-29): the table stays where it
# is until 0009 renames it; here only Django's state learns the model, and the content type
# (which audit events point at) follows it.

import django.db.models.deletion
import django.utils.timezone
import poe_ops.models.documents
from django.conf import settings
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    old = ContentType.objects.filter(app_label='reports', model='document').first()
    if old is None:
        return
    ContentType.objects.filter(app_label='poe_ops', model='document').delete()
    old.app_label = 'poe_ops'
    old.save(update_fields=['app_label'])


def content_type_back(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    ContentType.objects.filter(app_label='poe_ops', model='document').update(app_label='reports')


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('poe_ops', '0007_port_staffing_settings'),
        ('reports', '0004_document_without_case'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Document',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(help_text='A registered kind (poe_ops.registry.DOCUMENT_KINDS).', max_length=32)),
                        ('day', models.DateField(blank=True, help_text='The port-local day it covers.', null=True)),
                        ('object_id', models.CharField(blank=True, help_text="The record it is made from (a case's, an incident report's, a timesheet's id); the kind says which model.", max_length=64)),
                        ('subject', models.CharField(help_text='What it is about, e.g. a case number.', max_length=200)),
                        ('status', models.CharField(choices=[('pending', 'Preparing'), ('ready', 'Ready'), ('failed', 'Failed')], db_index=True, default='pending', max_length=8)),
                        ('file', models.FileField(blank=True, max_length=300, upload_to=poe_ops.models.documents.document_path)),
                        ('requested_at', models.DateTimeField(db_index=True, default=django.utils.timezone.now)),
                        ('claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('attempts', models.PositiveSmallIntegerField(default=0)),
                        ('finished_at', models.DateTimeField(blank=True, null=True)),
                        ('error', models.TextField(blank=True)),
                        ('page_count', models.PositiveIntegerField(blank=True, null=True)),
                        ('size', models.PositiveIntegerField(blank=True, help_text='Bytes.', null=True)),
                        ('port', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='poe_ops.port')),
                        ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'ordering': ['-requested_at', '-id'],
                        'indexes': [models.Index(fields=['status', 'requested_at'], name='reports_doc_status_fa7be9_idx')],
                        'db_table': 'reports_document',
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, content_type_back),
    ]
