"""A case moved between ports by a newer ABN version: the preview shows the move; confirming it
keeps the case's history, takes it off the old port's lists and onto the new one's, and tells
both ports and both their HQ offices once. Only Operations HQ (or someone who coordinates both
ports) may move a case; anyone else is refused without being told where the case is."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from arrivals.models import ImportBatch, Segment, StepEvent
from arrivals.queries.case_page import case_page
from arrivals.queries.portday import flights_of_day
from arrivals.services.manifest_import import confirm_import, import_manifest, upload_manifest
from cases.models import Case, CaseRevision
from poe_ops.models import AuditEvent, Notification, NotificationKind, Port
from poe_ops.roles import Role, assign_port_role
from poe_ops.services.notifications import deliver
from tests.factories import StepEventFactory, make_port_user
from tests.manifests import manifest_rows, to_csv, upload

pytestmark = pytest.mark.django_db
SOON = dt.date.today() + dt.timedelta(days=10)


@pytest.fixture
def ewr(reference_data) -> Port:
    return Port.objects.get(iata="EWR")


def at(poe: str, version: int, flight: str) -> bytes:
    rows = manifest_rows(cases=1, people_per_case=2, poe=poe, version=version, day=SOON)
    for row in rows:
        row.update(inbound_flight=flight, onward_flight="", onward_date="")
        row.update(onward_destination="", onward_departure_local="")
    return to_csv(rows)


@pytest.fixture
def case_at_jfk(jfk, jfk_officer) -> Case:
    batch = import_manifest(jfk_officer, jfk, upload(at("JFK", 1, "QR701")))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    case = Case.objects.get()
    StepEventFactory.create(individual=case.individuals.first(), actor=jfk_officer)
    return case


def test_the_preview_of_a_file_that_moves_a_case_from_jfk_to_ewr_shows_the_move(
    client, case_at_jfk, ewr, dc_ops
):
    batch = upload_manifest(dc_ops, ewr, upload(at("EWR", 2, "UA961")))

    assert batch.status == ImportBatch.Status.PREVIEW, batch.errors
    assert batch.summary["counts"]["moved"] == 1
    [moved] = batch.summary["updated"]
    assert (moved["kind"], moved["moved_from"]) == ("moved", "JFK")
    assert moved["changes"]["port"] == ["JFK", "EWR"]
    assert moved["changes"]["inbound flights"] == [f"QR701 {SOON}", f"UA961 {SOON}"]
    case_at_jfk.refresh_from_db()
    assert case_at_jfk.port.iata == "JFK"  # nothing written yet
    client.force_login(dc_ops)
    html = client.get(f"/imports/{batch.pk}/").content.decode()
    assert "1 moved from JFK" in html
    assert "Moving here from another port: 1" in html


def test_confirming_the_move_moves_the_case_with_its_history(
    case_at_jfk, jfk, ewr, dc_ops, jfk_officer
):
    batch = upload_manifest(dc_ops, ewr, upload(at("EWR", 2, "UA961")))

    confirm_import(dc_ops, batch)

    case = Case.objects.get()
    assert case.pk == case_at_jfk.pk and case.port == ewr and case.abn_version == 2
    assert StepEvent.objects.filter(individual__case=case).count() == 1  # the JFK step stays
    revision = CaseRevision.objects.get(case=case)
    assert (revision.abn_version, revision.values["port"]) == (1, "JFK")
    old = Segment.objects.get(flight__number="701")
    new = Segment.objects.get(flight__number="961")
    assert old.replaced_by == new and new.flight.port == ewr
    event = AuditEvent.objects.get(action="poe.case.moved")
    assert event.changes["port"] == ["JFK", "EWR"] and event.actor == dc_ops
    page = case_page(case)
    actions = {e.action for e in page.audit_events}
    assert {"poe.case.imported", "poe.case.moved"} <= actions  # the JFK history stays with it


def test_the_moved_case_leaves_jfks_lists_and_appears_at_ewr(case_at_jfk, jfk, ewr, dc_ops):
    confirm_import(dc_ops, upload_manifest(dc_ops, ewr, upload(at("EWR", 2, "UA961"))))

    jfk_day = flights_of_day(jfk, SOON)
    ewr_day = flights_of_day(ewr, SOON)
    assert [(f.flight.code, f.people) for f in jfk_day] == [("QR701", 0)]
    assert [(f.flight.code, f.people) for f in ewr_day] == [("UA961", 2)]


def test_both_ports_and_both_hq_offices_are_told_once(
    case_at_jfk, jfk, ewr, dc_ops, ny_ops, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    dc_ops.email, ny_ops.email = "dc.ops@example.org", "ny.ops@example.org"
    dc_ops.save()
    ny_ops.save()
    batch = upload_manifest(dc_ops, ewr, upload(at("EWR", 2, "UA961")))

    confirm_import(dc_ops, batch)
    confirm_import(dc_ops, batch)  # a second click
    import_manifest(dc_ops, ewr, upload(at("EWR", 2, "UA961")))  # the same version again

    told = Notification.objects.filter(kind=NotificationKind.CASE_CHANGE).order_by("port__iata")
    assert [(n.port.iata, n.office.code) for n in told] == [("EWR", "DC"), ("JFK", "NY")]
    for notification in told:
        deliver(notification.pk)
    assert len(mail.outbox) == 2  # one email per office, not per click or per import
    subject = f"Case {case_at_jfk.case_number} moved from JFK to EWR"
    told_whom = {address: m.subject for m in mail.outbox for address in m.to}
    assert told_whom["dc.ops@example.org"] == told_whom["ny.ops@example.org"] == subject
    assert all(
        len({"dc.ops@example.org", "ny.ops@example.org"} & set(m.to)) == 1 for m in mail.outbox
    )


def test_a_ports_own_staff_cannot_move_a_case_and_are_not_told_where_it_is(
    case_at_jfk, atl, atl_senior
):
    batch = import_manifest(atl_senior, atl, upload(at("ATL", 2, "QR755")))

    assert batch.status == ImportBatch.Status.REFUSED
    assert [(e["column"], e["message"]) for e in batch.errors] == [
        ("case_number", "this case number cannot be imported here; ask Operations HQ.")
    ]
    assert "JFK" not in str(batch.errors) + str(batch.warnings) + str(batch.summary)
    assert Case.objects.get().port.iata == "JFK"


def test_someone_who_coordinates_both_ports_may_move_a_case(case_at_jfk, jfk, atl, jfk_officer):
    assign_port_role(jfk_officer, atl, Role.OFFICER)
    batch = import_manifest(jfk_officer, atl, upload(at("ATL", 2, "QR755")))
    assert batch.status == ImportBatch.Status.APPLIED, batch.errors
    assert Case.objects.get().port == atl


def test_a_move_needs_a_newer_version(case_at_jfk, ewr, dc_ops):
    batch = import_manifest(dc_ops, ewr, upload(at("EWR", 1, "UA961")))
    assert batch.status == ImportBatch.Status.REFUSED
    assert "moving it here needs a newer version of its ABN" in batch.errors[0]["message"]


def test_the_old_ports_staff_no_longer_see_the_moved_case(client, case_at_jfk, ewr, dc_ops):
    confirm_import(dc_ops, upload_manifest(dc_ops, ewr, upload(at("EWR", 2, "UA961"))))
    jfk_associate = make_port_user("jfk.someone", case_at_jfk.port, Role.ASSOCIATE)
    client.force_login(jfk_associate)
    assert client.get(f"/cases/{case_at_jfk.case_number}/").status_code == 404
    client.force_login(dc_ops)
    assert client.get(f"/cases/{case_at_jfk.case_number}/").status_code == 200
