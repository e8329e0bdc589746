"""The arrival steps of issue 14 replace two old ones, keeping every person and every event.

- "cbp_referral" (CBP referral) becomes "cbp_secondary" (in CBP secondary: routine).
- "connected" (connected to the domestic flight) becomes "at_gate", or "departed" when the
  person's onward flight has already left (its scheduled departure, or its date when it has no
  time, is in the past). A person with no onward flight on record stays "at_gate": that is what
  "connected" recorded.

The person's cached step and their step events (from and to) are rewritten alike, so the history
reads in the new words; a case whose people are no longer all finished is "in progress" again.
The audit log and sent notifications keep the words of their day. Going back maps the new steps
onto the nearest old ones (lossy, for rolling a deployment back)."""

from __future__ import annotations

import datetime as dt

from django.db import migrations
from django.db.models import Q
from django.utils import timezone

OLD_TO_NEW = {"cbp_referral": "cbp_secondary"}
FINISHED = {"departed", "handed_over"}


def _connected_target(apps, individual, now: dt.datetime) -> str:
    Segment = apps.get_model("arrivals", "Segment")
    legs = (
        Segment.objects.filter(
            case_id=individual.case_id, direction="onward", replaced_by__isnull=True
        )
        .filter(Q(individuals__isnull=True) | Q(individuals=individual.pk))
        .select_related("flight")
        .order_by("flight__scheduled_departure", "flight__scheduled_date", "pk")
    )
    leg = legs.first()
    if leg is None:
        return "at_gate"
    flight = leg.flight
    if flight.scheduled_departure is not None:
        gone = flight.scheduled_departure <= now
    else:
        gone = flight.scheduled_date < now.date()
    return "departed" if gone else "at_gate"


def forwards(apps, schema_editor):
    Individual = apps.get_model("cases", "Individual")
    Case = apps.get_model("cases", "Case")
    StepEvent = apps.get_model("arrivals", "StepEvent")
    now = timezone.now()

    for old, new in OLD_TO_NEW.items():
        Individual.objects.filter(current_step=old).update(current_step=new)
        StepEvent.objects.filter(from_step=old).update(from_step=new)
        StepEvent.objects.filter(to_step=old).update(to_step=new)

    touched = set(
        StepEvent.objects.filter(Q(from_step="connected") | Q(to_step="connected")).values_list(
            "individual_id", flat=True
        )
    )
    touched |= set(Individual.objects.filter(current_step="connected").values_list("pk", flat=True))
    cases = set()
    for individual in Individual.objects.filter(pk__in=touched).order_by("pk"):
        target = _connected_target(apps, individual, now)
        StepEvent.objects.filter(individual_id=individual.pk, from_step="connected").update(
            from_step=target
        )
        StepEvent.objects.filter(individual_id=individual.pk, to_step="connected").update(
            to_step=target
        )
        if individual.current_step == "connected":
            individual.current_step = target
            individual.save(update_fields=["current_step"])
            cases.add(individual.case_id)

    for case in Case.objects.filter(pk__in=cases, status="completed"):
        steps = set(Individual.objects.filter(case_id=case.pk).values_list("current_step", flat=True))
        if not steps <= FINISHED:
            case.status = "in_progress"
            case.save(update_fields=["status"])


NEW_TO_OLD = {
    "cbp_secondary": "cbp_referral",
    "refused_admission": "cbp_referral",
    "detained": "cbp_referral",
    "deferred_inspection": "cbp_cleared",
    "bags_claimed": "cbp_cleared",
    "customs_cleared": "cbp_cleared",
    "needs_rebooking": "cbp_cleared",
    "bags_rechecked": "connected",
    "boarding_pass": "connected",
    "through_security": "connected",
    "at_gate": "connected",
    "departed": "connected",
}


def backwards(apps, schema_editor):
    Individual = apps.get_model("cases", "Individual")
    StepEvent = apps.get_model("arrivals", "StepEvent")
    for new, old in NEW_TO_OLD.items():
        Individual.objects.filter(current_step=new).update(current_step=old)
        StepEvent.objects.filter(from_step=new).update(from_step=old)
        StepEvent.objects.filter(to_step=new).update(to_step=old)


class Migration(migrations.Migration):
    dependencies = [
        ("arrivals", "0006_onward_flights_and_step_details"),
        ("cases", "0005_arrival_steps"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
