# The statistics read a period's step events of four kinds by step first (misconnections and hospital
# cases are ~0.2 % of a year), with each one's port in the index.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("arrivals", "0013_fewer_indexes"),
        ("cases", "0014_fewer_indexes"),
        ("poe_ops", "0018_fewer_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="stepevent",
            name="stepevent_outcomes_at",
        ),
        migrations.AddIndex(
            model_name="stepevent",
            index=models.Index(
                condition=models.Q(
                    ("accepted", True),
                    ("to_step__in", ["handed_over", "departed", "needs_rebooking", "hospital"]),
                    ("undoes__isnull", True),
                ),
                fields=["to_step", "at"],
                include=("individual", "id", "port"),
                name="stepevent_steps_at",
            ),
        ),
    ]
