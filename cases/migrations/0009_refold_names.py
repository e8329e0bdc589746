"""Fold every stored name again: search folding now unifies Arabic and Persian letter forms
and Nordic letters (poe_ops.text.fold), and ``Individual.name_folded`` is what search reads."""

from django.db import migrations


def refold(apps, schema_editor):
    # The live function on purpose: whatever fold does now is what search compares against.
    from poe_ops.text import fold

    Individual = apps.get_model("cases", "Individual")
    changed = []
    for person in Individual.objects.only("pk", "given_names", "surname", "name_folded").iterator(
        chunk_size=2000
    ):
        folded = fold(f"{person.given_names} {person.surname}")
        if folded != person.name_folded:
            person.name_folded = folded
            changed.append(person)
        if len(changed) >= 2000:
            Individual.objects.bulk_update(changed, ["name_folded"])
            changed = []
    Individual.objects.bulk_update(changed, ["name_folded"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0008_remove_unaccompanied_minor")]

    operations = [migrations.RunPython(refold, migrations.RunPython.noop, elidable=True)]
