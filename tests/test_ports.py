"""The seven Ports of Entry and the two operations offices, seeded as editable data."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from poe_ops.models import OperationsOffice, Port

pytestmark = pytest.mark.django_db


def test_it_seeds_the_seven_ports_with_their_offices():
    offices = {p.iata: p.office.code for p in Port.objects.select_related("office")}
    assert offices == {
        "ATL": "DC",
        "EWR": "DC",
        "IAD": "DC",
        "IAH": "DC",
        "JFK": "NY",
        "ORD": "NY",
        "LAX": "NY",
    }


def test_it_takes_names_and_time_zones_from_airportsdata():
    lax = Port.objects.get(iata="LAX")
    assert lax.time_zone == "America/Los_Angeles"
    assert "Los Angeles" in lax.name
    assert Port.objects.get(iata="ORD").time_zone == "America/Chicago"


def test_it_fills_a_new_port_from_its_iata_code():
    port = Port(iata="sea", office=OperationsOffice.objects.get(code="NY"))
    port.full_clean()
    port.save()
    assert port.iata == "SEA"
    assert port.time_zone == "America/Los_Angeles"
    assert "Seattle" in port.name


def test_it_refuses_an_unknown_airport_code():
    port = Port(iata="QQQ", office=OperationsOffice.objects.get(code="DC"))
    with pytest.raises(ValidationError) as excinfo:
        port.full_clean()
    assert "QQQ is not a known IATA airport code" in str(excinfo.value)


def test_it_refuses_a_time_zone_that_does_not_exist():
    port = Port.objects.get(iata="ATL")
    port.time_zone = "America/Atlantis"
    with pytest.raises(ValidationError) as excinfo:
        port.full_clean()
    assert "not an IANA time zone" in str(excinfo.value)


def test_today_is_the_ports_local_date(monkeypatch):
    # 06:30 UTC on 2 March: already 2 March in New York, still 1 March in Los Angeles.
    instant = dt.datetime(2026, 3, 2, 6, 30, tzinfo=dt.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: instant)
    assert Port.objects.get(iata="LAX").local_today() == dt.date(2026, 3, 1)
    assert Port.objects.get(iata="JFK").local_today() == dt.date(2026, 3, 2)
    assert Port.objects.get(iata="JFK").local_now().tzinfo == zoneinfo.ZoneInfo("America/New_York")


def test_an_office_lists_its_recipients_one_per_line():
    office = OperationsOffice(code="DC", name="DC", notification_emails="a@x.org\n\n  b@x.org \n")
    assert office.recipient_list() == ["a@x.org", "b@x.org"]
