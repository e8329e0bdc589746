"""Where each person is in the arrival: every step tapped (an event, accepted or refused, with
its idempotency key), and a person's landing kept for the statistics."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from arrivals.models.flights import Segment
from cases.models import Case, Individual
from cases.step_details import describe_detail
from cases.steps import STEP_MAX_LENGTH, ArrivalStep
from poe_ops.models import Port


class StepEvent(models.Model):
    """One tap on the tablet: a person moved from one arrival step to another (append-only).

    A repeated submit carries the same ``idempotency_key`` and is answered with the event it
    already made. Refused moves are recorded too (``accepted=False`` with the reason), so the
    history explains what the tablet showed."""

    # Found through the (individual, at) index below, which begins with it: no index of its own.
    individual = models.ForeignKey(
        Individual, on_delete=models.PROTECT, related_name="steps", db_index=False
    )
    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="+")
    from_step = models.CharField(max_length=STEP_MAX_LENGTH, choices=ArrivalStep.choices)
    to_step = models.CharField(max_length=STEP_MAX_LENGTH, choices=ArrivalStep.choices)
    detail = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the step carries (cases.steps.check_detail): bags and claim tags, the "
        "lost-bag report, the hospital and who went along, where the person was met.",
    )
    accepted = models.BooleanField(default=True)
    refusal_reason = models.CharField(max_length=200, blank=True)
    undoes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="undone_by"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The name the tablet was given ("ATL tablet 3", poe_ops.http.device_of); events recorded
    # before tablets had names hold the browser's user agent.
    device = models.CharField(max_length=300, blank=True, help_text="The browser's user agent.")
    idempotency_key = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["individual", "at"]),
            # The statistics of a period (reports.queries.statistics) read the hand-overs,
            # departures, misconnections and hospital cases that stand from this index alone:
            # a year is ~5 % of the events, its misconnections and hospital cases ~0.2 %, read
            # by step first (a year's misconnected cases in 35 ms, not 120 ms reading every
            # outcome of the year and each one's port from the table).
            models.Index(
                fields=["to_step", "at"],
                include=["individual", "id", "port"],
                condition=models.Q(
                    to_step__in=[
                        ArrivalStep.HANDED_OVER,
                        ArrivalStep.DEPARTED,
                        ArrivalStep.NEEDS_REBOOKING,
                        ArrivalStep.HOSPITAL,
                    ],
                    accepted=True,
                    undoes__isnull=True,
                ),
                name="stepevent_steps_at",
            ),
            # The undos alone (a few in a hundred events): the statistics leave out what was
            # undone by reading these, not the whole unique index on ``undoes``.
            models.Index(
                fields=["undoes"], condition=models.Q(undoes__isnull=False), name="stepevent_undos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.individual}: {self.from_step} → {self.to_step}"

    @property
    def detail_text(self) -> str:
        return describe_detail(self.to_step, self.detail)


class Landing(models.Model):
    """One person on one current inbound segment: where and when they landed, where they are
    now and what the statistics break them down by, and their first booked connection out of
    that airport — what a period's statistics count, one narrow row per person and landing
    (``reports.queries.statistics.sql_count``; docs/decisions.md, 2026-11-30).

    Derived, never written by the application: PostgreSQL keeps it in the same transaction as
    every change to the facts it is made of (triggers on cases, people, segments, the people a
    segment names and flights; migration ``arrivals.0011``), whoever writes them — a tap, an
    undo, a manifest import, a rebooking, a case moved between ports, the admin, a bulk load.
    ``manage.py rebuild_landings`` makes it again from the facts (a repair). A row exists for
    a person still on the ABN, of a case not cancelled, on an inbound segment not replaced, on
    a flight not cancelled, that carries them (names them, or names nobody)."""

    individual = models.ForeignKey(
        Individual, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    segment = models.ForeignKey(
        Segment, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    case = models.ForeignKey(
        Case, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    port = models.ForeignKey(
        Port, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    # The flight's actual arrival, else its estimate, else its schedule.
    landed = models.DateTimeField()
    step = models.CharField(max_length=STEP_MAX_LENGTH)
    nationality = models.TextField(blank=True)
    language = models.TextField(blank=True)
    category = models.TextField(blank=True)
    programme = models.TextField(blank=True)
    umnr = models.BooleanField(default=False)
    agency = models.ForeignKey(
        "cases.ResettlementAgency",
        null=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The first domestic flight out of the landing airport the person was booked on (rebooked
    # or not): its scheduled departure.
    first_out = models.DateTimeField(null=True)
    # The person's only current landing (nearly everyone): counted as it is, without looking
    # for an earlier landing of theirs in the period.
    alone = models.BooleanField(default=True)
    # The person's first "handed over" and first "departed" that stand (accepted, not an undo,
    # not undone), wherever and whenever they were tapped: the statistics' time from landing
    # (arrivals migration 0015 keeps them as step events are written).
    handed_over_at = models.DateTimeField(null=True)
    departed_at = models.DateTimeField(null=True)
    # The local day at the port it landed, and whether the first connection was booked to
    # leave on that day: set by PostgreSQL as the row is written, and again should the port's
    # time zone change (arrivals migration 0015).
    day = models.DateField(null=True)
    same_day = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["individual", "segment"], name="landing_once")
        ]
        indexes = [
            models.Index(fields=["port", "landed"], name="landing_port_landed"),
            # The few people with more than one current landing, looked at apart.
            models.Index(
                fields=["landed"], condition=models.Q(alone=False), name="landing_not_alone"
            ),
            models.Index(fields=["case"], name="landing_case"),
        ]

    def __str__(self) -> str:
        return f"{self.individual_id} landed at {self.port_id} {self.landed:%Y-%m-%d %H:%M}"
