"""Imports recorded before previews keep what they showed: their summaries take the new shape
(the preview's: created cases as entries, changes field by field, counts), and their refusals'
problems name a case and a person (none, for those). Reversible."""

from django.db import migrations


def _forwards(apps, schema_editor):
    ImportBatch = apps.get_model("arrivals", "ImportBatch")
    for batch in ImportBatch.objects.all().iterator():
        summary = dict(batch.summary or {})
        if batch.status == "applied":
            created = [
                c if isinstance(c, dict) else {"case_number": c, "version": None, "people": None,
                                                "cancelled": False}
                for c in summary.get("created", [])
            ]
            updated = [
                {
                    "kind": "changed",
                    "moved_from": "",
                    "changes": {},
                    "people_added": [],
                    "people_removed": list(u.get("not_in_new_version", [])),
                    **u,
                }
                for u in summary.get("updated", [])
            ]
            summary.update(created=created, updated=updated)
            summary.setdefault("cancelled", [])
            summary.setdefault("moved_from", [])
            summary.setdefault(
                "counts",
                {
                    "new": len(created),
                    "changed": len(updated),
                    "moved": 0,
                    "cancelled": 0,
                    "reinstated": 0,
                    "unchanged": len(summary.get("unchanged", [])),
                    "people_added": 0,
                    "people_removed": sum(len(u["people_removed"]) for u in updated),
                    "warnings": 0,
                    "flights_created": len(summary.get("flights_created", [])),
                    "flights_updated": len(summary.get("flights_updated", [])),
                },
            )
        errors = [{"case": "", "person": "", **e} for e in (batch.errors or [])]
        ImportBatch.objects.filter(pk=batch.pk).update(
            summary=summary, errors=errors, checked_at=batch.uploaded_at
        )


def _backwards(apps, schema_editor):
    ImportBatch = apps.get_model("arrivals", "ImportBatch")
    for batch in ImportBatch.objects.all().iterator():
        summary = dict(batch.summary or {})
        if "created" in summary:
            summary["created"] = [
                c["case_number"] if isinstance(c, dict) else c for c in summary["created"]
            ]
        for key in ("counts", "cancelled", "moved_from"):
            summary.pop(key, None)
        # Uploads that never became an import in the old sense are kept as refused ones.
        status = batch.status if batch.status in ("applied", "refused") else "refused"
        ImportBatch.objects.filter(pk=batch.pk).update(summary=summary, status=status)


class Migration(migrations.Migration):
    dependencies = [("arrivals", "0004_import_preview")]

    operations = [migrations.RunPython(_forwards, _backwards)]
