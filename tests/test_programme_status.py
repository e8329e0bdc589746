"""UMNR and URM apart: the programme status (URM, separated, accompanied minor) is its own field,
from the manifest or set by staff, refused in words for anyone not under 18 on arrival; the
escort and custody rules, the tablet's flags and the board's counts key on it; the airline's
UMNR code is only an airline code."""

from __future__ import annotations

import datetime as dt

import pytest

from arrivals.services.manifest_import import (
    confirm_import,
    discard_import,
    import_manifest,
    upload_manifest,
)
from cases.models import CustodyHandover, ExpectedReceiver, Individual, USTie
from cases.queries.escorts import needs_escort
from cases.services.receivers import set_programme_status
from poe_ops.models import AuditEvent
from poe_ops.refusals import Refusal
from tests.factories import AgencyOfficeFactory, FlightFactory, IndividualFactory
from tests.manifests import manifest_rows, to_csv, upload
from tests.scenarios import family_on_flight

pytestmark = pytest.mark.django_db

ARRIVAL = dt.date(2026, 4, 14)


def _born(years_before: int, days: int = 0) -> dt.date:
    return ARRIVAL.replace(year=ARRIVAL.year - years_before) + dt.timedelta(days=days)


# --- Set by staff --------------------------------------------------------------------------


def test_urm_needs_a_date_of_birth_and_an_age_under_18_on_arrival(atl, atl_associate):
    person = IndividualFactory.create(case__port=atl, date_of_birth=None)
    with pytest.raises(Refusal, match=r"URM .* needs a date of birth"):
        set_programme_status(atl_associate, person, "urm", arrival=ARRIVAL)
    person.date_of_birth = _born(18)  # 18 that very day
    person.save()
    with pytest.raises(Refusal) as refused:
        set_programme_status(atl_associate, person, "urm", arrival=ARRIVAL)
    assert str(refused.value) == (
        "URM (unaccompanied refugee minor) is only for someone under 18 on arrival; born "
        f"{_born(18):%Y-%m-%d}, they are 18 on 14 Apr 2026."
    )
    person.date_of_birth = _born(18, days=1)  # 18 tomorrow
    person.save()
    set_programme_status(atl_associate, person, "urm", arrival=ARRIVAL)
    person.refresh_from_db()
    assert person.programme_status == "urm"
    event = AuditEvent.objects.get(action="poe.individual.programme_status")
    assert event.changes == {"programme_status": ["", "urm"]}


def test_only_an_officer_takes_a_minor_out_of_urm_with_a_reason(atl, atl_associate, atl_officer):
    person = IndividualFactory.create(case__port=atl, programme_status="urm")
    with pytest.raises(Refusal, match="only an officer of the port can change that"):
        set_programme_status(atl_associate, person, "", arrival=ARRIVAL)
    with pytest.raises(Refusal, match="say why"):
        set_programme_status(atl_officer, person, "", arrival=ARRIVAL)
    set_programme_status(atl_officer, person, "", arrival=ARRIVAL, reason="Turned 18 in flight")
    person.refresh_from_db()
    assert person.programme_status == ""


def test_the_programme_status_page_uses_the_arrival_day_and_answers_in_words(
    client, atl, atl_associate
):
    day = dt.date.today()
    flight = FlightFactory.create(
        port=atl, scheduled_arrival=dt.datetime.combine(day, dt.time(12), tzinfo=atl.zone)
    )
    case, (person,) = family_on_flight(atl, flight, size=1, date_of_birth=_born(30))
    client.force_login(atl_associate)
    url = f"/cases/{case.case_number}/people/{person.pk}/programme-status/"
    response = client.post(url, {"programme_status": "separated"})
    assert response.status_code == 400
    assert "Separated minor is only for someone under 18 on arrival" in response.content.decode()
    Individual.objects.filter(pk=person.pk).update(date_of_birth=day.replace(year=day.year - 15))
    assert client.post(url, {"programme_status": "separated"}).status_code == 302
    html = client.get(f"/cases/{case.case_number}/").content.decode()
    assert 'data-programme-status="separated">Separated minor' in html


def test_a_jfk_associate_cannot_open_an_atl_persons_status(client, atl, jfk_associate):
    person = IndividualFactory.create(case__port=atl)
    client.force_login(jfk_associate)
    url = f"/cases/{person.case.case_number}/people/{person.pk}/programme-status/"
    assert client.get(url).status_code == 404


# --- What keys on it ---------------------------------------------------------------------------


def test_umnr_alone_is_an_airline_code_and_urm_the_programme_status():
    umnr_only = {"current_step": "met", "programme_status": "", "ssr_codes": ["UMNR"]}
    urm = {"current_step": "met", "programme_status": "urm", "ssr_codes": []}
    separated = {"current_step": "met", "programme_status": "separated", "ssr_codes": []}
    assert not needs_escort(umnr_only), "a UMNR code alone asks no escort of the POE"
    assert needs_escort(urm), "a URM travels with an escort, UMNR or not"
    assert not needs_escort(separated), "a separated child travels with an adult"
    person = Individual(ssr_codes=["UMNR"], programme_status="")
    assert person.flags == ["UMNR"] and not person.needs_custody


def test_the_tablet_and_the_board_count_urm_and_separated_minors_apart(
    client, atl, atl_associate, dc_ops
):
    flight = FlightFactory.create(port=atl, scheduled_arrival=dt.datetime.now(dt.UTC))
    family_on_flight(atl, flight, size=1, programme_status="urm")
    family_on_flight(atl, flight, size=2, programme_status="separated")
    family_on_flight(atl, flight, size=1, ssr_codes=["UMNR"])
    client.force_login(atl_associate)
    day = dt.datetime.now(atl.zone).date()
    html = client.get(f"/ports/ATL/today/?date={day}").content.decode()
    assert 'data-flag="urm">URM <b>1</b>' in html
    assert 'data-flag="separated">Separated minor <b>2</b>' in html
    client.force_login(dc_ops)
    board = client.get(f"/board/?date={day}").content.decode()
    assert "URM 1</span>" in board and "Separated 2</span>" in board
    filtered = client.get(f"/board/?date={day}&flag=separated").content.decode()
    assert "Separated 2</span>" in filtered and "URM 1</span>" not in filtered


# --- From the manifest -------------------------------------------------------------------------


def _one_person(**cells):
    rows = manifest_rows(cases=1, people_per_case=1)
    rows[0].update(cells)
    return upload(to_csv(rows))


def test_the_manifest_gives_the_programme_status_and_refuses_an_adult_urm(atl, atl_senior):
    batch = import_manifest(atl_senior, atl, _one_person(programme_status="URM"))
    assert batch.status == "refused"
    (problem,) = batch.errors
    assert problem["column"] == "programme_status" and problem["row"] == 2
    assert "is only for someone under 18 on arrival" in problem["message"]
    young = _born(16).isoformat()
    batch = import_manifest(
        atl_senior, atl, _one_person(programme_status="separated minor", date_of_birth=young)
    )
    assert batch.status == "applied", batch.errors
    assert Individual.objects.get().programme_status == "separated"


def test_an_older_files_urm_vulnerability_still_means_the_programme_status(atl, atl_senior):
    young = _born(15).isoformat()
    batch = import_manifest(
        atl_senior, atl, _one_person(vulnerabilities="URM", ssr_codes="", date_of_birth=young)
    )
    assert batch.status == "applied", batch.errors
    person = Individual.objects.get()
    assert person.programme_status == "urm" and person.ssr_codes == []
    conflict = import_manifest(
        atl_senior,
        atl,
        _one_person(vulnerabilities="URM", programme_status="accompanied", date_of_birth=young),
    )
    assert "says URM, but programme_status says Accompanied minor" in str(conflict.errors)


def test_the_manifest_gives_the_expected_receiver_us_tie_and_agency_office(atl, atl_senior):
    office = AgencyOfficeFactory.create(name="IRC Atlanta")
    upload_ = _one_person(
        agency="IRC",
        local_affiliate="irc atlanta",
        us_tie_name="Farid Noori",
        us_tie_relationship="brother",
        us_tie_phone="+1 404 555 0123",
        expected_receiver_name="Farid Noori",
    )
    batch = import_manifest(atl_senior, atl, upload_)
    assert batch.status == "applied", batch.errors
    receiver = ExpectedReceiver.objects.get()
    tie = USTie.objects.get()
    assert (receiver.kind, receiver.organisation, receiver.us_tie) == ("us_tie", "brother", tie)
    assert receiver.source == tie.source == "manifest"
    assert receiver.case.agency_office == office


def test_receiver_columns_that_do_not_add_up_are_refused_with_row_and_column(atl, atl_senior):
    batch = import_manifest(
        atl_senior, atl, _one_person(us_tie_name="Farid Noori", expected_receiver_phone="+1 404")
    )
    assert batch.status == "refused"
    columns = sorted(p["column"] for p in batch.errors)
    assert columns == ["expected_receiver_name", "us_tie_phone", "us_tie_relationship"]
    assert not CustodyHandover.objects.exists()


def test_a_newer_abn_shows_a_changed_expected_receiver_in_the_preview_and_applies_it(
    atl, atl_senior
):
    """A newer version that names another receiver of a minor is shown before it is applied
    (the receiver of a URM is not something to change unseen); the same receiver again is no
    change, and an empty column keeps the one on record."""
    young = _born(16).isoformat()
    first = manifest_rows(cases=1, people_per_case=1)
    first[0].update(
        programme_status="URM",
        date_of_birth=young,
        expected_receiver_name="Sam Rivera",
        expected_receiver_organisation="IRC Atlanta",
    )
    assert import_manifest(atl_senior, atl, upload(to_csv(first))).status == "applied"
    same = [dict(first[0], abn_version=2, notes="v2")]
    preview = upload_manifest(atl_senior, atl, upload(to_csv(same)))
    [change] = preview.summary["updated"]
    assert "expected receiver" not in change["changes"]
    discard_import(atl_senior, preview)

    newer = [
        dict(
            first[0],
            abn_version=2,
            expected_receiver_kind="us_tie",
            expected_receiver_name="Farid Noori",
            expected_receiver_organisation="",
            us_tie_name="Farid Noori",
            us_tie_relationship="uncle",
            us_tie_phone="+1 404 555 0123",
        )
    ]
    preview = upload_manifest(atl_senior, atl, upload(to_csv(newer)))
    [change] = preview.summary["updated"]
    assert change["changes"]["expected receiver"] == [
        "Sam Rivera (IRC Atlanta)",
        "Farid Noori (uncle)",
    ]
    assert change["changes"]["U.S. tie"] == [None, "Farid Noori (uncle, added)"]
    assert ExpectedReceiver.objects.get().name == "Sam Rivera", "nothing written before"
    assert not USTie.objects.exists()

    confirm_import(atl_senior, preview)
    receiver = ExpectedReceiver.objects.get()
    assert (receiver.kind, receiver.name, receiver.us_tie) == (
        "us_tie",
        "Farid Noori",
        USTie.objects.get(),
    )

    kept = [dict(newer[0], abn_version=3, expected_receiver_kind="", expected_receiver_name="")]
    assert import_manifest(atl_senior, atl, upload(to_csv(kept))).status == "applied"
    assert ExpectedReceiver.objects.get().name == "Farid Noori"
