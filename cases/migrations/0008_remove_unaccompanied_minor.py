"""The old flag and the single person of a custody record go: the programme status and the
record's list of people replace them (moved by 0007)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("cases", "0007_programme_status_from_flag")]

    operations = [
        migrations.RemoveField(model_name="custodyhandover", name="individual"),
        migrations.RemoveField(model_name="individual", name="unaccompanied_minor"),
        migrations.AlterField(
            model_name="custodyhandover",
            name="subject",
            field=models.CharField(
                choices=[("people", "People"), ("documents", "Documents held in custody")],
                max_length=10,
            ),
        ),
    ]
