"""The port's operations: the directory (searched from the tablet), the on-call rota (on the
port's day and HQ's board), the shift log the next shift reads first (with entries for the
supervisor), and interpreters booked from the flight page and the coverage page."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from arrivals.models import InterpreterBooking, ShiftLogEntry
from arrivals.services.interpreters import book_interpreter, change_status
from arrivals.services.shift_log import write_entry
from poe_ops.keys import new_key
from poe_ops.models import AuditEvent, Contact, Notification, NotificationKind, OnCall, night_of
from poe_ops.refusals import Refusal
from poe_ops.services.contacts import add_contact
from poe_ops.services.oncall import clear_on_call, set_on_call
from tests.factories import (
    AgencyOfficeFactory,
    ContactFactory,
    DelegationFactory,
    FlightFactory,
    VendorFactory,
    VendorRateFactory,
)
from tests.scenarios import family_on_flight, flight_with_people, local, staff

pytestmark = pytest.mark.django_db


# --- The directory ---------------------------------------------------------------------------


def test_the_directory_is_searched_by_name_organisation_or_phone_without_accents(
    client, atl, jfk, atl_associate
):
    ContactFactory.create(port=atl, kind="airline", name="Nadia Qureshi", organisation="Qatar")
    ContactFactory.create(port=atl, kind="hospital", name="Urgences", organisation="Hôpital Grady",
                          phone="404-555-0340")  # fmt: skip
    ContactFactory.create(port=jfk, name="Not ATL's", organisation="Qatar")
    VendorFactory.create(port=atl, kind="hotel", name="Airport Inn", phone="+1 404 555 0141")
    client.force_login(atl_associate)
    page = client.get("/ports/ATL/contacts/").content.decode()
    assert "3 entries" in page and "Not ATL&#x27;s" not in page and "Not ATL's" not in page
    searches = [
        ("qatar", "Nadia Qureshi"),
        ("hopital", "Urgences"),
        ("404 555 0340", "Urgences"),
        ("4045550141", "Airport Inn"),
    ]
    for query, expected in searches:
        found = client.get("/ports/ATL/contacts/", {"q": query}).content.decode()
        assert expected in found, query
        assert "1 found" in found, query
    partial = client.get("/ports/ATL/contacts/", {"q": "qatar"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "Nadia Qureshi" in partial.content.decode()
    assert 'href="/ports/ATL/contacts/new/"' not in page, "associates search; officers keep it"
    assert client.get("/ports/ATL/contacts/new/").status_code == 403


def test_contacts_are_kept_by_officers_audited_and_escaped(client, atl, atl_officer):
    client.force_login(atl_officer)
    bad = client.post(
        "/ports/ATL/contacts/new/",
        {"key": new_key(), "kind": "cbp", "name": "Desk", "phone": "ask"},
    )
    assert bad.status_code == 400
    assert "Phone: the number to ring, with its digits." in bad.content.decode()
    assert not Contact.objects.exists()
    contact = add_contact(
        atl_officer, atl, kind="cbp", name="<b>Watch</b>", phone="+1 404 555 0311"
    )
    page = client.get("/ports/ATL/contacts/").content.decode()
    assert "&lt;b&gt;Watch&lt;/b&gt;" in page and "<b>Watch</b>" not in page
    changed = client.post(
        f"/ports/ATL/contacts/{contact.pk}/",
        {"kind": "cbp", "name": "Watch commander", "phone": "+1 404 555 0311", "active": "on"},
    )
    assert changed.status_code == 302
    event = AuditEvent.objects.get(action="poe.contact.changed")
    assert event.changes == {"name": ["<b>Watch</b>", "Watch commander"]}


def test_the_agencies_local_offices_serving_the_port_are_in_its_directory(
    client, atl, jfk, atl_associate
):
    """Issue 15's offices, kept by HQ: those tied to the port, active, of an active agency —
    with their address, both phones and email, found by the tablet's search too."""
    from cases.models import ResettlementAgency

    AgencyOfficeFactory.create(
        name="IRC Atlanta", address="2305 Parklake Dr NE", city="Atlanta", state="GA",
        duty_phone="+1 404 555 0160", after_hours_phone="+1 404 555 0169",
        email="atlanta@irc.example.org", ports=[atl],
    )  # fmt: skip
    AgencyOfficeFactory.create(name="IRC New York", city="New York", state="NY", ports=[jfk])
    AgencyOfficeFactory.create(name="IRC Decatur (closed)", active=False, ports=[atl])
    emm = ResettlementAgency.objects.get(code="EMM")
    assert not emm.active  # wound down in 2025 (issue 15's data migration)
    AgencyOfficeFactory.create(agency=emm, name="EMM Atlanta", ports=[atl])
    client.force_login(atl_associate)
    page = client.get("/ports/ATL/contacts/").content.decode()
    assert "IRC Atlanta" in page and "2305 Parklake Dr NE, Atlanta, GA" in page
    assert 'href="tel:+1 404 555 0160"' in page and 'href="tel:+1 404 555 0169"' in page
    assert "After hours +1 404 555 0169" in page and "atlanta@irc.example.org" in page
    for absent in ("IRC New York", "IRC Decatur", "EMM Atlanta"):
        assert absent not in page, absent
    found = client.get("/ports/ATL/contacts/", {"q": "4045550169"}).content.decode()
    assert "1 found" in found and "IRC Atlanta" in found
    only = client.get("/ports/ATL/contacts/", {"kind": "agency"}).content.decode()
    assert "1 found" in only and 'data-source="agency_office"' in only


def test_the_directory_page_takes_a_fixed_number_of_queries(
    client, atl, atl_associate, django_assert_max_num_queries
):
    client.force_login(atl_associate)
    client.get("/ports/ATL/contacts/")
    for n in range(30):
        ContactFactory.create(port=atl, name=f"Desk {n}")
        VendorFactory.create(port=atl, phone=f"+1 404 555 {n:04d}")
        AgencyOfficeFactory.create(ports=[atl])
    with django_assert_max_num_queries(11):
        response = client.get("/ports/ATL/contacts/")
    assert response.content.decode().count('class="directory-entry"') == 90


# --- On call ---------------------------------------------------------------------------------


def test_tonight_is_last_evenings_night_until_eight_in_the_morning(monkeypatch, atl):
    day = dt.date(2026, 11, 29)
    for hour, night in ((2, day - dt.timedelta(days=1)), (7, day - dt.timedelta(days=1)),
                        (8, day), (23, day)):  # fmt: skip
        moment = local(atl, day, hour).astimezone(dt.UTC)
        assert night_of(atl, moment) == night, hour


def test_on_call_is_set_by_the_officer_shown_to_the_port_and_hq(
    client, atl, atl_officer, atl_associate, dc_ops, ny_ops
):
    staff(atl_associate, atl)
    tonight = night_of(atl)
    with pytest.raises(Refusal, match="type the number to ring that night") as no_phone:
        set_on_call(atl_officer, atl, tonight, person=atl_associate, phone="")
    assert no_phone.value.field == "phone"
    set_on_call(atl_officer, atl, tonight, person=atl_associate, phone="+1 404 555 0110")
    told = Notification.objects.get(kind=NotificationKind.ON_CALL)
    assert told.recipient == atl_associate
    name = atl_associate.get_full_name()
    client.force_login(atl_associate)
    day = client.get("/ports/ATL/today/").content.decode()
    assert f"On call tonight: <strong>{name}</strong>" in day
    assert 'href="tel:+1 404 555 0110"' in day
    client.force_login(dc_ops)
    assert f'On call tonight: <strong>{name}</strong> <a href="tel:+1 404 555 0110">' in (
        client.get("/board/").content.decode()
    )
    client.force_login(ny_ops)
    assert "+1 404 555 0110" not in client.get("/board/").content.decode()
    clear_on_call(atl_officer, atl, tonight)
    assert not OnCall.objects.exists()
    assert [e.action for e in AuditEvent.objects.order_by("pk")][-2:] == [
        "poe.on_call.set",
        "poe.on_call.cleared",
    ]


def test_someone_of_another_port_cannot_be_on_call(atl, atl_officer, jfk_associate):
    with pytest.raises(Refusal, match="does not work at ATL"):
        set_on_call(atl_officer, atl, night_of(atl), person=jfk_associate, phone="+1 718 555 0100")


def test_rostered_staff_without_an_account_of_their_own_can_be_on_call(client, atl, atl_officer):
    from tests.factories import make_user

    rostered = make_user("atl.rostered")  # on the staff list, holds no port permission
    profile = staff(rostered, atl)
    profile.phone = "+1 404 555 0188"
    profile.save()
    client.force_login(atl_officer)
    night = night_of(atl)
    page = client.get(f"/staffing/ATL/on-call/{night}/").content.decode()
    assert f'<option value="{rostered.pk}">' in page
    assert (
        client.post(f"/staffing/ATL/on-call/{night}/", {"person": rostered.pk}).status_code == 302
    )
    assert OnCall.objects.get(port=atl, night=night).phone == "+1 404 555 0188"


# --- The shift log ---------------------------------------------------------------------------


def test_an_entry_for_the_supervisor_reaches_the_officers_and_the_acting_officer(
    atl, atl_officer, atl_senior, atl_associate, jfk_officer
):
    DelegationFactory.create(port=atl, officer=atl_officer, delegate=atl_senior)
    case, _people = family_on_flight(atl, size=1)
    flight = case.segments.get().flight
    key = new_key()
    entry = write_entry(
        atl_associate,
        atl,
        text="CBP kept the family's envelope.\nCall the watch commander.",
        idempotency_key=key,
        flight=flight,
        case=case,
        for_supervisor=True,
    ).obj
    again = write_entry(atl_associate, atl, text="twice", idempotency_key=key, for_supervisor=True)
    assert again.repeated and again.obj == entry
    told = Notification.objects.filter(kind=NotificationKind.SHIFT_LOG)
    assert {n.recipient for n in told} == {atl_officer, atl_senior}
    assert {n.subject for n in told} == {
        "ATL shift log, for the supervisor: CBP kept the family's envelope."
    }
    assert AuditEvent.objects.filter(action="poe.shift_log.written").count() == 1
    assert ShiftLogEntry.objects.count() == 1


def test_entries_are_checked_in_words(atl, jfk, atl_associate):
    other_flight = FlightFactory.create(port=jfk)
    for kwargs, field, words in (
        ({"text": "  "}, "text", "Write what happened"),
        ({"text": "x", "flight": other_flight}, "flight", "is not a flight of ATL"),
        ({"text": "x", "at": timezone.now() - dt.timedelta(days=3)}, "at", "more than a day"),
    ):
        with pytest.raises(Refusal, match=words) as refused:
            write_entry(atl_associate, atl, idempotency_key=new_key(), **kwargs)
        assert refused.value.field == field
    assert not ShiftLogEntry.objects.exists()


def test_the_next_shift_reads_the_log_first_on_the_ports_day(client, atl, atl_associate, dc_ops):
    write_entry(
        atl_associate, atl, text="<script>x</script> belt 4 down", idempotency_key=new_key()
    )
    client.force_login(atl_associate)
    day = client.get("/ports/ATL/today/").content.decode()
    assert "Read first: the log of the last 24 hours" in day
    assert "&lt;script&gt;x&lt;/script&gt; belt 4 down" in day
    assert day.index("Read first") < day.index("Flights")
    response = client.post(
        "/ports/ATL/log/",
        {"key": new_key(), "text": "Night handover", "time": "", "for_supervisor": "on"},
    )
    assert response.status_code == 302
    assert ShiftLogEntry.objects.filter(text="Night handover", for_supervisor=True).exists()
    client.force_login(dc_ops)  # HQ reads the log, but does not write in it
    assert "Night handover" in client.get("/ports/ATL/log/").content.decode()
    assert client.post("/ports/ATL/log/", {"key": new_key(), "text": "x"}).status_code == 403


# --- Interpreters ----------------------------------------------------------------------------


def _service(port):
    service = VendorFactory.create(port=port, kind="interpreter", name="Language Line")
    VendorRateFactory.create(vendor=service, unit="interpreter_hour", amount=Decimal("95"))
    return service


def test_an_interpreter_is_booked_from_the_flight_page_at_the_hourly_rate(
    client, atl, atl_associate
):
    service = _service(atl)
    case, _people = family_on_flight(atl, size=2)
    flight = case.segments.get().flight
    client.force_login(atl_associate)
    page = client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    url = f"/ports/ATL/interpreters/new/?flight={flight.pk}"
    assert f'href="{url}"' in page
    form = client.get(url).content.decode()
    assert "Language Line ($95.00 per hour)" in form
    response = client.post(
        url,
        {
            "key": new_key(),
            "vendor": service.pk,
            "language": "Dari",
            "day": atl.local_today().isoformat(),
            "start_time": "14:00",
            "hours": "1.5",
            "mode": "in_person",
            "flight": flight.pk,
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/ports/ATL/flights/{flight.pk}/"
    )
    booking = InterpreterBooking.objects.get()
    assert (booking.language, booking.cost, booking.computed_cost) == (
        "prs",
        Decimal("142.50"),
        Decimal("142.50"),
    )
    assert "Dari" in client.get(f"/ports/ATL/flights/{flight.pk}/").content.decode()
    change_status(atl_associate, booking.pk, "confirmed")
    with pytest.raises(Refusal, match="confirmed; it cannot become requested"):
        change_status(atl_associate, booking.pk, "requested")


def test_an_interpreter_booking_needs_a_flight_or_a_case_and_a_known_language(atl, atl_associate):
    service = _service(atl)
    base = {
        "vendor": service,
        "starts_at": timezone.now(),
        "hours": Decimal("1"),
        "idempotency_key": new_key(),
    }
    with pytest.raises(Refusal, match="Say which flight or case"):
        book_interpreter(atl_associate, atl, language="prs", **base)
    with pytest.raises(Refusal, match="“Xyzzy” is not a language POE Ops knows") as unknown:
        flight = FlightFactory.create(port=atl)
        book_interpreter(atl_associate, atl, language="Xyzzy", flight=flight, **base)
    assert unknown.value.field == "language"
    assert not InterpreterBooking.objects.exists()


def test_the_coverage_page_offers_an_interpreter_for_each_language_gap(client, atl, atl_officer):
    staff(atl_officer, atl, languages=("ar",))
    today = atl.local_today()
    flight, _people = flight_with_people(
        atl, local(atl, today, 15), 3, interpreters=2, language="ti"
    )
    client.force_login(atl_officer)
    page = client.get("/staffing/ATL/coverage/").content.decode()
    assert (
        f'href="/ports/ATL/interpreters/new/?flight={flight.pk}&amp;language=tir">'
        f"Book a Tigrinya interpreter for {flight.code}</a>"
    ) in page
    form = client.get(f"/ports/ATL/interpreters/new/?flight={flight.pk}&language=tir")
    assert 'value="tir"' in form.content.decode()


def test_a_double_submit_of_a_contact_is_recorded_once(client, atl, atl_officer):
    client.force_login(atl_officer)
    post = {"key": new_key(), "kind": "cbp", "name": "Watch", "phone": "+1 404 555 0311"}
    for _ in range(2):
        assert client.post("/ports/ATL/contacts/new/", post).status_code == 302
    assert Contact.objects.count() == 1
    assert AuditEvent.objects.filter(action="poe.contact.created").count() == 1
