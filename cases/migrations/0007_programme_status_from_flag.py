"""Data: the old unaccompanied-minor flag becomes the programme status URM; custody records name
their people in a list; the agencies that ended federal resettlement in 2025 become inactive.

Who becomes URM: everyone the old rules treated as an unaccompanied minor — the flag, or the
airline's UMNR code (the custody check used both), so no minor guarded before is released by
the upgrade. Staff or a newer ABN can correct a status afterwards. Backwards: URM sets the flag
again, and each custody record keeps its first person."""

from django.db import migrations

from cases.reference import mark_ended_agencies

BATCH = 2000


def forwards(apps, schema_editor):
    Individual = apps.get_model("cases", "Individual")
    CustodyHandover = apps.get_model("cases", "CustodyHandover")
    Agency = apps.get_model("cases", "ResettlementAgency")

    Individual.objects.filter(unaccompanied_minor=True).update(programme_status="urm")
    with_codes = (
        Individual.objects.exclude(programme_status="urm")
        .exclude(ssr_codes=[])
        .values_list("pk", "ssr_codes")
        .order_by("pk")
    )
    umnr = [pk for pk, codes in with_codes.iterator(chunk_size=BATCH) if "UMNR" in (codes or [])]
    for start in range(0, len(umnr), BATCH):
        Individual.objects.filter(pk__in=umnr[start : start + BATCH]).update(
            programme_status="urm"
        )

    Through = CustodyHandover.individuals.through
    Through.objects.bulk_create(
        [
            Through(custodyhandover_id=pk, individual_id=person)
            for pk, person in CustodyHandover.objects.exclude(individual=None).values_list(
                "pk", "individual_id"
            )
        ],
        batch_size=BATCH,
    )
    CustodyHandover.objects.filter(subject="minor").update(subject="people")

    mark_ended_agencies(Agency)


def backwards(apps, schema_editor):
    Individual = apps.get_model("cases", "Individual")
    CustodyHandover = apps.get_model("cases", "CustodyHandover")
    Individual.objects.filter(programme_status="urm").update(unaccompanied_minor=True)
    for handover in CustodyHandover.objects.prefetch_related("individuals"):
        people = sorted(p.pk for p in handover.individuals.all())
        handover.individual_id = people[0] if people else None
        handover.subject = "minor" if handover.subject == "people" else handover.subject
        handover.save(update_fields=["individual", "subject"])


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_receivers_and_programme_status")]

    operations = [migrations.RunPython(forwards, backwards)]
