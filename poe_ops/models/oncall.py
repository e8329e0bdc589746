"""Who answers the port's phone after hours, night by night."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone

from poe_ops.models.ports import Port

# After hours at a port: from the evening of a night's date to this hour the next morning.
# Before it, the night still running is yesterday's.
AFTER_HOURS_END = dt.time(8, 0)


def night_of(port: Port, moment: dt.datetime | None = None) -> dt.date:
    """The night that ``moment`` (default: now) belongs to at ``port``: today's date from
    08:00 on, yesterday's before (at 02:00 the person on call is last evening's)."""
    local = (moment or timezone.now()).astimezone(port.zone)
    if local.time() < AFTER_HOURS_END:
        return local.date() - dt.timedelta(days=1)
    return local.date()


class OnCall(models.Model):
    """The person on call at ``port`` on the night of ``night`` and the number to ring."""

    port = models.ForeignKey(Port, on_delete=models.PROTECT, related_name="on_call")
    night = models.DateField(help_text="The evening the night starts (port-local).")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="on_call_nights"
    )
    phone = models.CharField(max_length=40, help_text="The number to ring that night.")
    note = models.CharField(max_length=200, blank=True)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    set_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["port", "night"]
        verbose_name = "on-call night"
        constraints = [
            models.UniqueConstraint(
                fields=["port", "night"],
                name="one_on_call_per_port_and_night",
                violation_error_message="Someone is already on call that night.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.port.iata} on call, night of {self.night:%a %d %b}"
