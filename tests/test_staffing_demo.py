"""seed_demo's staffing: profiles, a roster for this week and next at ATL and JFK, a few
expiring badges, one shortfall hour where a large flight lands and an unspoken language."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

from poe_ops.models import Port
from staffing.models import Credential, Shift, StaffProfile
from staffing.queries.coverage import coverage
from staffing.queries.credentials import expiring
from staffing.services.rosters import week_bounds

pytestmark = pytest.mark.django_db


# At 10:50 in Atlanta a delayed flight puts 50 people into one afternoon hour: with six staff
# the demo could not cover the other hours (12 short, on 30 Nov 2026); a seventh covers them.
@pytest.mark.local_clock("America/New_York", "10:50")
def test_the_demo_has_a_roster_with_one_shortfall_and_an_unspoken_language_and_is_idempotent():
    call_command("seed_demo", force=True, stdout=io.StringIO())
    for iata in ("ATL", "JFK"):
        port = Port.objects.get(iata=iata)
        today = port.local_today()
        monday = today - dt.timedelta(days=today.weekday())
        this_week = week_bounds(port, monday)
        next_week = week_bounds(port, monday + dt.timedelta(days=7))
        assert Shift.objects.filter(port=port, start__range=this_week).count() >= 20
        assert Shift.objects.filter(port=port, start__range=next_week).count() >= 20
        assert StaffProfile.objects.filter(home_ports=port).count() >= 5
        warnings = expiring([port], today)
        assert any(c.kind == Credential.Kind.AIRPORT_BADGE for c in warnings)
        days = coverage(port, today, 2)
        short = [h for d in days for h in d.hours if h.shortfall]
        assert len(short) == 1, (iata, [(h.start, h.needed, h.rostered) for h in short])
        assert short[0].people >= 10  # a large flight
        assert any(d.unspoken for d in days), iata
    shifts = Shift.objects.count()
    call_command("seed_demo", force=True, stdout=io.StringIO())
    assert Shift.objects.count() == shifts
