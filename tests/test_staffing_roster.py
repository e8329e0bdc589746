"""The roster: a week per port, shifts refused for conflicts with the reason in words, the
badge block an officer may override with a reason, and staffing against projected arrivals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from poe_ops.models import AuditEvent, ReviewStatus
from staffing.forms import iso_week
from staffing.models import LeaveRequest, Position, Shift
from staffing.queries.coverage import coverage
from staffing.services import rosters
from staffing.services.rosters import ShiftRefused
from tests.htmx import HTMX
from tests.scenarios import flight_with_people, local, next_monday, staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def team(atl, atl_associate, atl_senior, atl_officer):
    staff(atl_associate, atl, languages=("ar",))
    staff(atl_senior, atl, languages=("ps",))
    staff(atl_officer, atl, languages=("prs",))
    return atl


def roster_url(port, monday):
    return f"/staffing/{port.iata}/roster/?week={iso_week(monday)}"


def add(actor, port, person, day, start, end, **kwargs):
    return rosters.add_shift(
        actor,
        port,
        staff=person,
        start=local(port, day, start),
        end=local(port, day, end) if end > start else local(port, day + dt.timedelta(days=1), end),
        **kwargs,
    )


def test_it_shows_the_shortfall_hour_and_unspoken_language_and_a_new_shift_clears_them(
    client, team, atl_officer, atl_associate, atl_senior
):
    atl = team
    tuesday = next_monday(atl) + dt.timedelta(days=1)
    flight_with_people(atl, local(atl, tuesday, 14, 10), 25, interpreters=2, language="prs")
    add(atl_officer, atl, atl_associate, tuesday, 10, 18)
    add(atl_officer, atl, atl_senior, tuesday, 10, 18)
    client.force_login(atl_officer)

    page = client.get(roster_url(atl, next_monday(atl))).content.decode()
    assert "14:00 short 1 (need 3, rostered 2)" in page
    assert "Dari (2, QR747)" in page

    response = client.post(
        "/staffing/ATL/roster/shifts/new/",
        {
            "staff": atl_officer.pk,
            "day": tuesday.isoformat(),
            "start_time": "13:00",
            "end_time": "17:00",
            "position": Position.ARRIVALS_HALL,
        },
    )
    assert response.status_code == 302
    page = client.get(roster_url(atl, next_monday(atl))).content.decode()
    assert "short" not in page.split("Staffing against projected arrivals")[1].split("Shifts")[0]
    assert "Dari (2" not in page
    assert "<span>13:00</span>–<span>17:00</span>" in page


def test_the_hour_by_hour_page_weights_needs(client, team, atl_officer, atl_associate):
    atl = team
    atl.people_per_staff = 4
    atl.save()
    day = next_monday(atl)
    flight_with_people(atl, local(atl, day, 9, 30), 2, programme_status="urm")  # 2 x 3
    flight_with_people(atl, local(atl, day, 9, 45), 1, number="33", ssr_codes=["WCHR"])  # 2
    add(atl_officer, atl, atl_associate, day, 6, 14)
    (result,) = coverage(atl, day)
    nine = next(h for h in result.hours if h.start.hour == 9)
    assert (nine.people, nine.weighted, nine.needed, nine.rostered) == (3, 8, 2, 1)
    assert nine.shortfall == 1
    client.force_login(atl_officer)
    page = client.get(f"/staffing/ATL/coverage/?date={day.isoformat()}").content.decode()
    assert "short 1" in page and "QR33, QR747" in page


def test_the_hour_by_hour_page_draws_needed_against_rostered(
    client, team, atl_officer, atl_associate
):
    atl = team
    atl.people_per_staff = 4
    atl.save()
    day = next_monday(atl)
    flight_with_people(atl, local(atl, day, 9, 30), 2, programme_status="urm")
    add(atl_officer, atl, atl_associate, day, 6, 14)
    client.force_login(atl_officer)
    page = client.get(f"/staffing/ATL/coverage/?date={day.isoformat()}").content.decode()
    chart = page.split('<figure class="coverage-chart">')[1].split("</figure>")[0]
    (result,) = coverage(atl, day)
    bars = sum(1 for h in result.hours if h.needed) + sum(1 for h in result.hours if h.rostered)
    assert bars == 2 + 8 and chart.count("<rect") == 2 + bars  # and the legend's two swatches
    assert (
        f"Staff needed and rostered at ATL, hour by hour, {day:%a %d %b}: "
        "short at 09:00 (needed 2, rostered 1)" in chart
    )
    assert (
        "<title>09, Staff needed: 2</title>" in chart and "<title>09, Rostered: 1</title>" in chart
    )
    assert "<title>13, Rostered: 1</title>" in chart and "<title>14, Rostered" not in chart


def test_it_refuses_an_overlapping_shift_and_saves_nothing(team, atl_officer, atl_associate):
    atl = team
    day = next_monday(atl)
    add(atl_officer, atl, atl_associate, day, 6, 14)
    with pytest.raises(ShiftRefused) as refused:
        add(atl_officer, atl, atl_associate, day, 12, 20)
    assert "already works" in str(refused.value) and "which overlaps" in str(refused.value)
    assert Shift.objects.count() == 1


def test_it_refuses_a_shift_during_approved_leave(team, atl_officer, atl_associate):
    atl = team
    day = next_monday(atl)
    LeaveRequest.objects.create(
        port=atl,
        author=atl_associate,
        first_day=day,
        last_day=day + dt.timedelta(days=2),
        status=ReviewStatus.APPROVED,
    )
    with pytest.raises(ShiftRefused, match="is on approved annual leave"):
        add(atl_officer, atl, atl_associate, day + dt.timedelta(days=1), 6, 14)
    assert not Shift.objects.exists()


def test_it_refuses_more_than_the_ports_weekly_maximum(team, atl_officer, atl_associate):
    atl = team
    atl.max_weekly_hours = 20
    atl.save()
    day = next_monday(atl)
    add(atl_officer, atl, atl_associate, day, 6, 14)
    add(atl_officer, atl, atl_associate, day + dt.timedelta(days=1), 6, 14)
    with pytest.raises(ShiftRefused, match=r"24\.0 hours in the week of .*ATL's maximum is 20"):
        add(atl_officer, atl, atl_associate, day + dt.timedelta(days=2), 6, 14)
    assert Shift.objects.count() == 2


def test_the_form_shows_the_conflict_in_words_and_saves_nothing(
    client, team, atl_senior, atl_associate, atl_officer
):
    atl = team
    day = next_monday(atl)
    add(atl_officer, atl, atl_associate, day, 6, 14)
    client.force_login(atl_senior)
    response = client.post(
        "/staffing/ATL/roster/shifts/new/",
        {"staff": atl_associate.pk, "day": day.isoformat(), "start_time": "13:00",
         "end_time": "21:00", "position": "arrivals_hall"},
        **HTMX,
    )  # fmt: skip
    assert response.status_code == 200  # htmx swaps the form with the refusal in it
    assert "The shift was not saved." in response.content.decode()
    assert "which overlaps" in response.content.decode()
    assert Shift.objects.count() == 1


def test_an_overnight_shift_ends_the_next_morning(client, team, atl_senior, atl_associate):
    atl = team
    day = next_monday(atl)
    client.force_login(atl_senior)
    response = client.post(
        "/staffing/ATL/roster/shifts/new/",
        {"staff": atl_associate.pk, "day": day.isoformat(), "start_time": "22:00",
         "end_time": "06:00", "position": "transit_hotel"},
    )  # fmt: skip
    assert response.status_code == 302
    shift = Shift.objects.get()
    assert shift.local_end.date() == day + dt.timedelta(days=1)
    assert shift.hours == 8


def test_an_expired_badge_blocks_an_airport_shift_until_an_officer_gives_a_reason(
    atl, atl_officer, atl_senior, atl_associate
):
    day = next_monday(atl)
    staff(atl_associate, atl, badge_expires=day - dt.timedelta(days=3))
    staff(atl_senior, atl)
    with pytest.raises(ShiftRefused) as refused:
        add(atl_senior, atl, atl_associate, day, 6, 14)
    assert "airport badge expired on" in str(refused.value)
    assert refused.value.badge_only
    with pytest.raises(ShiftRefused, match="Only an officer can override"):
        add(atl_senior, atl, atl_associate, day, 6, 14, override_reason="Renewal booked")
    assert not Shift.objects.exists()

    # Transit / hotel is not airside: no badge needed.
    add(atl_senior, atl, atl_associate, day, 15, 20, position=Position.TRANSIT_HOTEL)

    shift = add(
        atl_officer, atl, atl_associate, day, 6, 14, override_reason="Escorted by badge holder"
    )
    assert shift.badge_override_reason == "Escorted by badge holder"
    event = AuditEvent.objects.get(action="poe.shift.badge_overridden")
    assert event.actor == atl_officer
    assert event.data["reason"] == "Escorted by badge holder"
    assert "expired" in event.data["problem"]


def test_someone_without_a_badge_on_record_is_refused_airside(atl, atl_officer, atl_associate):
    staff(atl_associate, atl, badge_expires=None)
    with pytest.raises(ShiftRefused, match="has no airport badge on record"):
        add(atl_officer, atl, atl_associate, next_monday(atl), 6, 14)


def test_changing_and_removing_a_shift_is_audited(team, atl_officer, atl_associate):
    atl = team
    day = next_monday(atl)
    shift = add(atl_officer, atl, atl_associate, day, 6, 14)
    rosters.change_shift(
        atl_officer, shift, start=local(atl, day, 7), end=local(atl, day, 15),
        position=Position.ESCORT,
    )  # fmt: skip
    changed = AuditEvent.objects.get(action="poe.shift.changed")
    assert set(changed.changes) == {"start", "end", "position"}
    rosters.delete_shift(atl_officer, shift)
    assert not Shift.objects.exists()
    assert AuditEvent.objects.filter(action="poe.shift.deleted").count() == 1
    assert AuditEvent.objects.filter(action="poe.shift.created").count() == 1


def test_an_associate_may_see_but_not_edit_the_roster(client, team, atl_associate):
    client.force_login(atl_associate)
    page = client.get("/staffing/ATL/roster/")
    assert page.status_code == 200
    assert "Add a shift" not in page.content.decode()
    assert client.get("/staffing/ATL/roster/shifts/new/").status_code == 403
    with pytest.raises(PermissionDenied):
        add(atl_associate, team, atl_associate, next_monday(team), 6, 14)


def test_another_ports_officer_gets_404(client, team, jfk_officer, atl_officer, atl_associate):
    shift = add(atl_officer, team, atl_associate, next_monday(team), 6, 14)
    client.force_login(jfk_officer)
    assert client.get("/staffing/ATL/roster/").status_code == 404
    assert client.get(f"/staffing/ATL/roster/shifts/{shift.pk}/").status_code == 404
    assert client.get(f"/staffing/JFK/roster/shifts/{shift.pk}/").status_code == 404
    with pytest.raises(Http404):
        add(jfk_officer, team, atl_associate, next_monday(team), 15, 20)


def test_a_malformed_week_says_so_and_shows_this_week(client, team, atl_officer):
    client.force_login(atl_officer)
    page = client.get("/staffing/ATL/roster/?week=next-tuesday").content.decode()
    assert "is not a week in the form YYYY-Www" in page


def test_the_week_view_does_not_grow_queries_with_shifts(
    client, team, atl_officer, atl_associate, atl_senior, django_assert_max_num_queries
):
    atl = team
    monday = next_monday(atl)
    client.force_login(atl_officer)
    client.get(roster_url(atl, monday))  # warm caches (content types)
    flight_with_people(atl, local(atl, monday, 9), 5, interpreters=1)
    for n in range(5):
        add(atl_officer, atl, atl_associate, monday + dt.timedelta(days=n), 6, 12)
        add(atl_officer, atl, atl_senior, monday + dt.timedelta(days=n), 12, 18)
    with django_assert_max_num_queries(19) as few:  # the nav's approvals count included
        client.get(roster_url(atl, monday))
    for n in range(5):
        add(atl_officer, atl, atl_officer, monday + dt.timedelta(days=n), 6, 10)
        flight_with_people(atl, local(atl, monday + dt.timedelta(days=n), 15), 3, number=f"9{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(roster_url(atl, monday))
    assert response.content.decode().count("shift-chip position") == 15
