"""Flight status updates: seniors, officers and HQ set status and times in port-local time;
each change is audited; nonsense and daylight-saving gaps are refused and change nothing."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from arrivals.models import Flight
from arrivals.services.flights import parse_local_time, update_flight
from poe_ops.models import AuditEvent
from tests.factories import FlightFactory

pytestmark = pytest.mark.django_db

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def flight(atl):
    """QR 747 due at ATL at 14:30 local yesterday (so a landing time is in the past)."""
    day = atl.local_today() - dt.timedelta(days=1)
    due = dt.datetime.combine(day, dt.time(14, 30), tzinfo=NEW_YORK)
    return FlightFactory.create(
        port=atl, carrier="QR", number="747", scheduled_date=day, scheduled_arrival=due
    )


def url(flight):
    return f"/ports/{flight.port.iata}/flights/{flight.pk}/status/"


def test_a_senior_sets_a_delay_and_it_is_audited_with_the_changed_fields(atl_senior, flight):
    changes = update_flight(
        atl_senior, flight, status="delayed", estimated_arrival="15:10", actual_arrival=""
    )
    flight.refresh_from_db()
    expected = flight.scheduled_arrival + dt.timedelta(minutes=40)
    assert flight.status == "delayed"
    assert flight.estimated_arrival == expected
    event = AuditEvent.objects.for_object(flight).get(action="poe.flight.updated")
    assert event.actor == atl_senior
    assert event.port == flight.port
    assert event.changes == changes
    assert set(event.changes) == {"status", "estimated_arrival"}
    assert event.changes["status"] == ["scheduled", "delayed"]


def test_landed_without_a_time_records_now(atl_officer, flight):
    before = timezone.now()
    update_flight(atl_officer, flight, status="landed", estimated_arrival=None, actual_arrival="")
    flight.refresh_from_db()
    assert flight.status == "landed"
    assert before <= flight.actual_arrival <= timezone.now()


def test_hq_of_the_ports_office_may_update(dc_ops, flight):
    update_flight(dc_ops, flight, status="cancelled", estimated_arrival=None, actual_arrival=None)
    assert Flight.objects.get(pk=flight.pk).status == "cancelled"


def test_an_associate_is_refused(atl_associate, flight):
    with pytest.raises(PermissionDenied):
        update_flight(
            atl_associate, flight, status="delayed", estimated_arrival=None, actual_arrival=None
        )
    assert Flight.objects.get(pk=flight.pk).status == "scheduled"


def test_another_ports_officer_gets_404(jfk_officer, ny_ops, flight):
    for user in (jfk_officer, ny_ops):
        with pytest.raises(Http404):
            update_flight(
                user, flight, status="delayed", estimated_arrival=None, actual_arrival=None
            )


def test_a_time_that_does_not_exist_is_refused(atl):
    spring_forward = dt.date(2026, 3, 8)  # 02:00 → 03:00 in Atlanta
    gap_flight = FlightFactory.create(
        port=atl,
        scheduled_date=spring_forward,
        scheduled_arrival=dt.datetime(2026, 3, 8, 1, 0, tzinfo=NEW_YORK),
    )
    with pytest.raises(ValidationError, match="does not exist at ATL"):
        parse_local_time("2026-03-08T02:30", gap_flight, "Estimated arrival")
    with pytest.raises(ValidationError, match="does not exist at ATL"):
        parse_local_time("02:30", gap_flight, "Estimated arrival")


def test_a_time_that_happens_twice_is_refused(atl):
    fall_back = FlightFactory.create(
        port=atl,
        scheduled_date=dt.date(2026, 11, 1),
        scheduled_arrival=dt.datetime(2026, 11, 1, 1, 0, tzinfo=NEW_YORK),
    )
    with pytest.raises(ValidationError, match="happens twice at ATL"):
        parse_local_time("01:30", fall_back, "Estimated arrival")


def test_a_bare_time_after_midnight_means_the_next_day(atl):
    late = FlightFactory.create(
        port=atl,
        scheduled_date=dt.date(2026, 6, 1),
        scheduled_arrival=dt.datetime(2026, 6, 1, 23, 50, tzinfo=NEW_YORK),
    )
    assert parse_local_time("00:20", late) == dt.datetime(2026, 6, 2, 0, 20, tzinfo=NEW_YORK)


def test_an_actual_time_in_the_future_is_refused(atl_senior, flight):
    later = (timezone.now() + dt.timedelta(hours=2)).astimezone(NEW_YORK)
    with pytest.raises(ValidationError) as refused:
        update_flight(
            atl_senior,
            flight,
            status="landed",
            estimated_arrival=None,
            actual_arrival=later.strftime("%Y-%m-%dT%H:%M"),
        )
    assert "in the future" in refused.value.message_dict["actual_arrival"][0]


def test_an_actual_time_needs_the_status_landed(atl_senior, flight):
    with pytest.raises(ValidationError, match="set the status to Landed"):
        update_flight(
            atl_senior, flight, status="delayed", estimated_arrival="", actual_arrival="14:40"
        )


def test_nothing_changed_writes_no_audit_event(atl_senior, flight):
    assert (
        update_flight(
            atl_senior, flight, status="scheduled", estimated_arrival="", actual_arrival=""
        )
        == {}
    )
    assert not AuditEvent.objects.filter(action="poe.flight.updated").exists()


def test_the_form_shows_the_current_values_in_local_time(client, atl_senior, flight):
    flight.estimated_arrival = flight.scheduled_arrival + dt.timedelta(minutes=25)
    flight.save()
    client.force_login(atl_senior)
    html = client.get(url(flight)).content.decode()
    day = flight.scheduled_date.isoformat()
    assert f'value="{day}T14:55"' in html
    assert "ATL local time" in html


def test_posting_the_form_updates_and_returns_to_the_flight(client, atl_senior, flight):
    client.force_login(atl_senior)
    day = flight.scheduled_date.isoformat()
    response = client.post(
        url(flight), {"status": "landed", "estimated_arrival": "", "actual_arrival": f"{day}T14:41"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/ports/ATL/flights/{flight.pk}/"
    flight.refresh_from_db()
    assert flight.actual_arrival == dt.datetime.combine(
        flight.scheduled_date, dt.time(14, 41), tzinfo=NEW_YORK
    )


def test_a_bad_time_in_the_form_is_explained_and_changes_nothing(client, atl_senior, flight):
    client.force_login(atl_senior)
    response = client.post(
        url(flight), {"status": "delayed", "estimated_arrival": "25:99", "actual_arrival": ""}
    )
    assert response.status_code == 400
    assert "“25:99” is not a time" in response.content.decode()
    assert Flight.objects.get(pk=flight.pk).status == "scheduled"


def test_an_associate_gets_403_from_the_form(client, atl_associate, flight):
    client.force_login(atl_associate)
    assert client.get(url(flight)).status_code == 403
    assert client.post(url(flight), {"status": "landed"}).status_code == 403


def test_another_ports_user_gets_404_from_the_form(client, jfk_officer, flight):
    client.force_login(jfk_officer)
    assert client.get(url(flight)).status_code == 404


def test_a_flight_of_another_port_under_this_ports_url_is_404(client, jfk_officer, jfk, flight):
    client.force_login(jfk_officer)
    assert client.get(f"/ports/JFK/flights/{flight.pk}/status/").status_code == 404
