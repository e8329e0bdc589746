"""An arriving flight is named by the local day it lands, not the day it left: a family that
lands on Sunday morning came on "QR755 · Sun 29 Nov", though the airline dates the flight
Saturday at Doha. Onward flights are named by the day they leave. One place names them
(``Flight.day_label``); search, the incident form and the rebooking form use it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from arrivals.forms.rebooking import RebookForm
from arrivals.models import Segment
from reports.forms import IncidentForm
from tests.factories import FlightFactory
from tests.htmx import HTMX
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db

ATL = ZoneInfo("America/New_York")
DOHA = ZoneInfo("Asia/Qatar")


def label(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


@pytest.fixture
def overnight(atl):
    """QR755, dated Saturday 28 Nov at Doha, landing at ATL on Sunday 29 Nov at 06:31."""
    return FlightFactory.create(
        port=atl,
        carrier="QR",
        number="755",
        origin="DOH",
        destination="ATL",
        scheduled_date=dt.date(2026, 11, 28),
        scheduled_departure=dt.datetime(2026, 11, 28, 22, 5, tzinfo=DOHA),
        scheduled_arrival=dt.datetime(2026, 11, 29, 6, 31, tzinfo=ATL),
    )


def test_an_arriving_flight_is_named_by_the_local_day_it_lands(overnight):
    assert overnight.arrival_label == "QR755 · Sun 29 Nov"
    assert overnight.departure_label == "QR755 · Sat 28 Nov"
    assert overnight.label_at("ATL") == "QR755 · Sun 29 Nov"


def test_an_onward_flight_is_named_by_the_local_day_it_leaves(atl):
    # 23:30 at ATL on Sunday is already Monday in UTC; it still leaves on Sunday.
    onward = FlightFactory.create(
        port=atl,
        carrier="DL",
        number="1234",
        origin="ATL",
        destination="BOI",
        scheduled_date=dt.date(2026, 11, 29),
        scheduled_departure=dt.datetime(2026, 11, 29, 23, 30, tzinfo=ATL),
    )
    assert onward.label_at("ATL") == "DL1234 · Sun 29 Nov"


def test_a_flight_without_times_is_named_by_its_date(atl):
    flight = FlightFactory.create(
        port=atl,
        carrier="EK",
        number="201",
        scheduled_date=dt.date(2026, 11, 30),
        scheduled_departure=None,
        scheduled_arrival=None,
    )
    assert flight.arrival_label == "EK201 · Mon 30 Nov"


def test_search_names_the_flight_by_the_day_it_lands(client, atl, atl_associate, overnight):
    case, _ = family_on_flight(atl, overnight, size=1)
    client.force_login(atl_associate)
    html = client.post("/ports/ATL/search/", {"q": case.case_number}, **HTMX).content.decode()
    assert "QR755 · Sun 29 Nov" in html
    assert "Sat 28 Nov" not in html


def test_the_incident_form_lists_arrivals_by_landing_day_and_onward_legs_by_departure(atl):
    today = atl.local_today()
    tomorrow = today + dt.timedelta(days=1)
    arriving = FlightFactory.create(
        port=atl,
        carrier="QR",
        number="747",
        origin="DOH",
        destination="ATL",
        scheduled_date=today,
        scheduled_arrival=dt.datetime.combine(tomorrow, dt.time(6, 31), tzinfo=atl.zone),
    )
    leaving = FlightFactory.create(
        port=atl,
        carrier="DL",
        number="88",
        origin="ATL",
        destination="BOI",
        scheduled_date=today,
        scheduled_departure=dt.datetime.combine(today, dt.time(23, 30), tzinfo=atl.zone),
    )
    form = IncidentForm(port=atl)
    form.offer_flights([arriving, leaving])
    choices = dict(form.fields["flight"].widget.choices)
    assert choices[arriving.pk] == f"QR747 · {label(tomorrow)} from DOH"
    assert choices[leaving.pk] == f"DL88 · {label(today)} to BOI"


def test_the_rebooking_form_names_each_leg_by_its_own_day(atl, overnight):
    case, _ = family_on_flight(atl, overnight, size=1)
    onward = FlightFactory.create(
        port=atl,
        carrier="DL",
        number="1234",
        origin="ATL",
        destination="BOI",
        scheduled_date=dt.date(2026, 11, 29),
        scheduled_departure=dt.datetime(2026, 11, 29, 23, 30, tzinfo=ATL),
    )
    Segment.objects.create(case=case, flight=onward, direction="onward")
    segments = list(case.segments.select_related("flight").order_by("pk"))
    form = RebookForm(case=case, segments=segments)
    labels = [text for _value, text in form.fields["segment"].widget.choices]
    assert labels[0].startswith("QR755 · Sun 29 Nov DOH → ATL (inbound")
    assert labels[1].startswith("DL1234 · Sun 29 Nov ATL → BOI (onward")


def test_the_flight_status_page_names_the_day_it_lands(client, atl_senior, overnight):
    client.force_login(atl_senior)
    html = client.get(f"/ports/ATL/flights/{overnight.pk}/status/").content.decode()
    assert "Sun 29 Nov 2026 · scheduled 06:31 ATL local time" in html
    assert "Sat 28 Nov" not in html
