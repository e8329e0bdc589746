"""End of day: each port's open items of a day (people not in a closing state, flights without
a final status, hand-overs with no receiver, unsigned custody records, incident drafts), signed
off by the senior associate or officer once each has a note (audited, once), and HQ's view of
which ports signed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from arrivals.models import Flight
from cases.models import Individual
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent, Port
from poe_ops.refusals import Conflict, Refusal
from reports.models import DaySignOff, IncidentReport
from reports.queries.end_of_day import port_day, port_days
from reports.services.end_of_day import sign_off_day
from tests.factories import (
    CaseFactory,
    CustodyHandoverFactory,
    FlightFactory,
    IndividualFactory,
    SegmentFactory,
    StepEventFactory,
)
from tests.statistics_month import NEW_YORK, at

pytestmark = pytest.mark.django_db

DAY = dt.date(2026, 3, 10)


def _landed(port: Port, when: dt.datetime, step: str, **person: Any) -> Individual:
    case = CaseFactory.create(port=port)
    found = IndividualFactory.create(
        case=case, current_step=step, given_names="Ahmad", surname="Karimi", **person
    )
    SegmentFactory.create(
        case=case,
        flight=FlightFactory.create(
            port=port, scheduled_arrival=when, actual_arrival=when, status="landed"
        ),
    )
    return found


@pytest.fixture
def day_at_atl(atl, jfk):
    hotel = _landed(atl, at(NEW_YORK, 2026, 3, 10, 9, 0), "hotel")
    handed = _landed(atl, at(NEW_YORK, 2026, 3, 9, 9, 0), "handed_over")
    StepEventFactory.create(
        individual=handed,
        port=atl,
        from_step="customs_cleared",
        to_step="handed_over",
        at=at(NEW_YORK, 2026, 3, 9, 11, 0),
    )
    _landed(atl, at(NEW_YORK, 2026, 3, 10, 9, 0), "departed")
    _landed(atl, at(NEW_YORK, 2026, 3, 20, 9, 0), "met")  # after the day
    _landed(jfk, at(NEW_YORK, 2026, 3, 10, 9, 0), "met")  # another port
    late = FlightFactory.create(
        port=atl, carrier="ET", scheduled_arrival=at(NEW_YORK, 2026, 3, 10, 22, 0)
    )
    leaving = FlightFactory.create(
        port=atl,
        carrier="DL",
        origin="ATL",
        destination="BOI",
        scheduled_departure=at(NEW_YORK, 2026, 3, 10, 18, 0),
        scheduled_date=DAY,
    )
    custody = CustodyHandoverFactory.create(
        case=handed.case,
        receiver_check="expected",
        to_phone="+1 404 555 0100",
        to_id_type="badge",
        to_id_last_digits="1234",
        at=at(NEW_YORK, 2026, 3, 10, 12, 0),
    )
    draft = IncidentReport.objects.create(
        port=atl, author=_author(), created_at=at(NEW_YORK, 2026, 3, 10, 8, 0)
    )
    return {
        "hotel": hotel,
        "handed": handed,
        "late": late,
        "leaving": leaving,
        "custody": custody,
        "draft": draft,
    }


def _author():
    from tests.factories import make_user

    return make_user("eod.author")


def test_the_days_open_items_at_the_port(day_at_atl, atl):
    items = port_day(atl, DAY).items
    d = day_at_atl
    assert sorted(i.key for i in items) == sorted(
        [
            f"person:{d['hotel'].pk}",
            f"flight:{d['late'].pk}",
            f"flight:{d['leaving'].pk}",
            f"receiver:{d['handed'].pk}",
            f"custody:{d['custody'].pk}",
            f"draft:{d['draft'].pk}",
        ]
    )
    texts = {i.key.split(":")[0]: i.text for i in items}
    assert (
        texts["person"].startswith("Ahmad Karimi (case ")
        and "to hotel overnight" in texts["person"]
    )
    assert (
        "arrival Tue 10 Mar still “Scheduled”" in texts["flight"] or "departure" in texts["flight"]
    )
    assert "nobody recorded as receiving them" in texts["receiver"]


def test_settled_items_drop_off(day_at_atl, atl):
    d = day_at_atl
    Flight.objects.filter(pk=d["late"].pk).update(status="landed")
    Flight.objects.filter(pk=d["leaving"].pk).update(status="departed")
    CustodyHandoverFactory.create(case=d["handed"].case, subject="people", to_kind="agency")
    IncidentReport.objects.filter(pk=d["draft"].pk).update(status="submitted")
    d["hotel"].current_step = "departed"
    d["hotel"].save()
    custody = d["custody"]
    custody.from_signature.name = "a.png"
    custody.to_signature.name = "b.png"
    custody.save()
    assert port_day(atl, DAY).items == []


def test_sign_off_needs_a_note_for_each_open_item(day_at_atl, atl, atl_senior):
    items = port_day(atl, DAY).items
    notes = {i.key: "Being handled by the night shift" for i in items[1:]}
    with pytest.raises(Refusal) as refused:
        sign_off_day(atl_senior, atl, DAY, notes, idempotency_key=new_key())
    assert "1 open item without a note" in refused.value.message
    assert not DaySignOff.objects.exists()
    notes[items[0].key] = "At the hotel; connection tomorrow 08:00"
    key = new_key()
    signed = sign_off_day(atl_senior, atl, DAY, notes, idempotency_key=key)
    assert len(signed.items) == 6 and {i["note"] for i in signed.items} >= {
        "At the hotel; connection tomorrow 08:00"
    }
    # A double submit is the same sign-off; another person is told who signed first.
    assert sign_off_day(atl_senior, atl, DAY, notes, idempotency_key=key) == signed
    with pytest.raises(Conflict) as conflict:
        sign_off_day(atl_senior, atl, DAY, notes, idempotency_key=new_key())
    assert "signed Tue 10 Mar off at" in conflict.value.message
    assert DaySignOff.objects.count() == 1
    event = AuditEvent.objects.get(action="poe.day.signed_off")
    assert event.port == atl and event.data == {"day": "2026-03-10", "open_items": 6}


def test_the_page_signs_off_and_refuses_in_words(client, day_at_atl, atl, atl_senior):
    url = reverse("reports:end_of_day", args=["ATL"]) + "?day=2026-03-10"
    client.force_login(atl_senior)
    page = client.get(url)
    assert page.status_code == 200 and "6 open items" in page.content.decode()
    key = page.context["form"].initial["key"]
    refused = client.post(url, {"key": key})
    assert refused.status_code == 400
    assert "6 open items without a note" in refused.content.decode()
    data = {
        "key": key,
        **{f"note-{i.key}": f"Note {n}" for n, i in enumerate(port_day(atl, DAY).items)},
    }
    done = client.post(url, data)
    assert done.status_code == 302
    shown = client.get(url).content.decode()
    assert "Signed off" in shown and "Note 3" in shown


def test_an_associate_sees_the_list_but_does_not_sign(client, day_at_atl, atl_associate):
    url = reverse("reports:end_of_day", args=["ATL"]) + "?day=2026-03-10"
    client.force_login(atl_associate)
    page = client.get(url).content.decode()
    assert "Sign the day off" not in page
    assert client.post(url, {"key": new_key()}).status_code == 403
    assert not DaySignOff.objects.exists()


def test_an_empty_day_is_signed_off_without_notes_but_not_a_day_to_come(atl, atl_officer):
    signed = sign_off_day(atl_officer, atl, DAY, {}, idempotency_key=new_key())
    assert signed.items == []
    tomorrow = atl.local_today() + dt.timedelta(days=1)
    with pytest.raises(Refusal, match="has not begun"):
        sign_off_day(atl_officer, atl, tomorrow, {}, idempotency_key=new_key())


def test_hq_sees_which_ports_signed_off(client, atl, atl_officer, dc_ops):
    sign_off_day(atl_officer, atl, DAY, {}, idempotency_key=new_key())
    days = port_days(Port.objects.filter(office__code="DC"), DAY)
    assert [(d.port.iata, d.sign_off is not None) for d in days] == [
        ("ATL", True),
        ("EWR", False),
        ("IAD", False),
        ("IAH", False),
    ]
    client.force_login(dc_ops)
    page = client.get(reverse("reports:end_of_day_overview") + "?day=2026-03-10").content.decode()
    assert "1 of 4 ports signed off." in page
    assert page.count("Not signed off") == 3


def test_hqs_overview_opens_on_the_day_its_ports_are_in(client, dc_ops):
    """At 19:40 in Washington on 30 November (already the 1st in UTC) HQ's overview shows the
    30th, the day being signed off, not a day none of its ports has begun."""
    with time_machine.travel(dt.datetime(2026, 12, 1, 0, 40, tzinfo=dt.UTC), tick=False):
        client.force_login(dc_ops)
        response = client.get(reverse("reports:end_of_day_overview"))
    assert response.context["day"] == dt.date(2026, 11, 30)
    assert "30 November 2026" in response.content.decode()


def test_the_overview_reads_a_fixed_number_of_queries(
    client, day_at_atl, dc_ops, django_assert_num_queries
):
    client.force_login(dc_ops)
    url = reverse("reports:end_of_day_overview") + "?day=2026-03-10"
    client.get(url)
    with django_assert_num_queries(18):  # the reader's port permissions remembered (issue 20)
        client.get(url)


def test_restricted_reports_are_counted_not_listed(
    client, day_at_atl, atl, atl_associate, atl_officer
):
    # Issue 19's routing: a protection/PSEA report, a minor concern and one naming a member of
    # staff are their authors' and their readers' alone. Everyone who views the port reads the
    # end of day, so they are one counted item there: no number, author or category of one.
    author = _author()
    named = atl_associate
    protection = IncidentReport.objects.create(
        port=atl, author=author, category="protection", created_at=at(NEW_YORK, 2026, 3, 10, 8, 0)
    )
    minor = IncidentReport.objects.create(
        port=atl,
        author=author,
        category="minor_concern",
        status="returned",
        created_at=at(NEW_YORK, 2026, 3, 9, 20, 0),
    )
    conduct = IncidentReport.objects.create(
        port=atl, author=author, category="security", created_at=at(NEW_YORK, 2026, 3, 10, 9, 0)
    )
    conduct.staff_concerned.add(named)
    items = port_day(atl, DAY).items
    keys = [i.key for i in items]
    assert f"draft:{day_at_atl['draft'].pk}" in keys  # an ordinary draft is still listed
    for report in (protection, minor, conduct):
        assert f"draft:{report.pk}" not in keys
    [restricted] = [i for i in items if i.key == "draft:restricted"]
    assert restricted.text.startswith("3 restricted incident reports not submitted")
    # The person the conduct report names, an associate, reads the page without learning of it.
    url = reverse("reports:end_of_day", args=["ATL"]) + "?day=2026-03-10"
    client.force_login(named)
    page = client.get(url).content.decode()
    assert "3 restricted incident reports not submitted" in page
    for report in (protection, minor, conduct):
        assert f"Incident #{report.pk} " not in page
    assert "Protection / PSEA" not in page and "Unaccompanied-minor concern" not in page
    # It is signed off with one note, like any other item.
    notes = {i.key: "Followed up" for i in items}
    signed = sign_off_day(atl_officer, atl, DAY, notes, idempotency_key=new_key())
    assert len(signed.items) == len(items) == 7
