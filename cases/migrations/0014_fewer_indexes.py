"""A person's step no longer indexed (issue 20): a tap then changes no indexed column, so
PostgreSQL updates the row in place (HOT) without touching the table's eleven indexes; and the
table's pages keep a tenth free for those updates (fillfactor)."""

from django.db import migrations, models


def _room_for_updates(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_individual SET (fillfactor = 90)")


def _packed(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE cases_individual RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_vendor_rates_and_booking_costs"),
    ]

    operations = [
        migrations.RunPython(_room_for_updates, _packed),
        migrations.AlterField(
            model_name="individual",
            name="current_step",
            field=models.CharField(
                choices=[
                    ("expected", "Expected"),
                    ("met", "Met"),
                    ("cbp_secondary", "In CBP secondary"),
                    ("cbp_cleared", "Admitted by CBP"),
                    ("deferred_inspection", "Admitted, deferred inspection"),
                    ("refused_admission", "Refused admission"),
                    ("detained", "Detained by CBP"),
                    ("bags_claimed", "Bags claimed"),
                    ("customs_cleared", "Through customs"),
                    ("bags_rechecked", "Bags re-checked"),
                    ("boarding_pass", "Boarding pass issued"),
                    ("through_security", "Through security"),
                    ("at_gate", "At gate"),
                    ("departed", "Departed"),
                    ("handed_over", "Handed over"),
                    ("hotel", "To hotel overnight"),
                    ("hospital", "Hospital"),
                    ("no_show", "No-show"),
                    ("needs_rebooking", "Needs rebooking"),
                    ("rebooked", "Rebooked"),
                ],
                default="expected",
                max_length=24,
            ),
        ),
    ]
