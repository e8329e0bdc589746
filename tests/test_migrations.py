"""Migrations that move data keep it: run backwards to the state before, write rows as they were
then, run forwards, and find them as they are now."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


def migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


def test_documents_move_to_the_core_with_their_case_and_their_audit_trail(reference_data):
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType

    migrate(
        [
            ("reports", "0003_incident_reports"),
            ("poe_ops", "0007_port_staffing_settings"),
            ("cases", "0003_bookings_vendors_escorts_custody"),  # cases_case as it was then
        ]
    )
    user = get_user_model().objects.create(username="asker")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM poe_ops_port WHERE iata = 'ATL'")
        (port_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO cases_case (case_number, abn_number, abn_version, port_id, "
            "local_affiliate, final_destination, status, notes, created_at, updated_at) "
            "VALUES ('AF100200', 'ABN1', 1, %s, '', '', 'expected', '', now(), now()) "
            "RETURNING id",
            [port_id],
        )
        (case_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO reports_document (kind, port_id, case_id, object_id, subject, status, "
            "file, requested_by_id, requested_at, attempts, error) VALUES "
            "('case_sheet', %s, %s, '', 'AF100200', 'ready', 'documents/x.pdf', %s, now(), 1, '')"
            " RETURNING id",
            [port_id, case_id, user.pk],
        )
        (document_id,) = cursor.fetchone()
    old_type = ContentType.objects.get_or_create(app_label="reports", model="document")[0]

    migrate(latest())

    from poe_ops.models import Document

    document = Document.objects.get(pk=document_id)
    assert (document.kind, document.object_id, document.subject) == (
        "case_sheet",
        str(case_id),
        "AF100200",
    )
    assert document.file.name == "documents/x.pdf"
    moved = ContentType.objects.get(pk=old_type.pk)
    assert (moved.app_label, moved.model) == ("poe_ops", "document")
    assert Document._meta.db_table == "poe_ops_document"


def test_stored_names_are_folded_again_so_search_finds_other_letter_forms(reference_data):
    """cases 0009: names folded the old way (Persian ی and Arabic ي apart, Ø kept) are folded
    again, so search finds them whichever keyboard typed the query."""
    from poe_ops.text import fold

    migrate([("cases", "0003_bookings_vendors_escorts_custody")])
    executor = MigrationExecutor(connection)
    old = executor.loader.project_state(("cases", "0003_bookings_vendors_escorts_custody")).apps
    Case = old.get_model("cases", "Case")
    Individual = old.get_model("cases", "Individual")
    port_id = old.get_model("poe_ops", "Port").objects.get(iata="ATL").pk
    case = Case.objects.create(case_number="AF100300", abn_number="ABN1", port_id=port_id)
    names = {"P1": ("Amina", "رحيمي"), "P2": ("Øyvind", "Sæther"), "P3": ("Jean", "Habimana")}
    for number, (given, surname) in names.items():
        # name_folded as the old fold wrote it: accents gone, letter forms untouched.
        Individual.objects.create(
            case=case,
            person_number=number,
            given_names=given,
            surname=surname,
            name_folded=f"{given} {surname}".lower(),
        )

    migrate(latest())

    from cases.models import Individual as Current

    folded = dict(
        Current.objects.filter(case_id=case.pk).values_list("person_number", "name_folded")
    )
    assert folded == {n: fold(f"{g} {s}") for n, (g, s) in names.items()}
    assert folded["P1"] == "amina رحیمی" and folded["P2"] == "oyvind saether"


def test_whoever_supervised_a_port_also_manages_it_after_the_upgrade(reference_data):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from poe_ops.models import Port
    from poe_ops.scoping import has_port_perm

    migrate([("poe_ops", "0009_document_table")])
    with connection.cursor() as cursor:  # the Port model has columns this schema has not yet
        cursor.execute("SELECT id FROM poe_ops_port WHERE iata = 'ATL'")
        (atl_id,) = cursor.fetchone()
    officer = get_user_model().objects.create(username="old.officer")
    associate = get_user_model().objects.create(username="old.associate")
    group = Group.objects.create(name="Old supervisors")
    supervise = Permission.objects.get(codename="supervise_port")
    operate = Permission.objects.get(codename="operate_port")
    UserObjectPermission.objects.filter(permission__codename="manage_port").delete()
    GroupObjectPermission.objects.filter(permission__codename="manage_port").delete()
    # bulk_create: guardian's save() would load the port through today's model.
    UserObjectPermission.objects.bulk_create(
        UserObjectPermission(
            user=user, permission=perm, content_type=supervise.content_type, object_pk=str(atl_id)
        )
        for user, perm in ((officer, supervise), (associate, operate))
    )
    GroupObjectPermission.objects.bulk_create(
        [
            GroupObjectPermission(
                group=group,
                permission=supervise,
                content_type=supervise.content_type,
                object_pk=str(atl_id),
            )
        ]
    )

    migrate(latest())

    atl = Port.objects.get(pk=atl_id)
    assert has_port_perm(officer, atl, "manage_port")
    assert not has_port_perm(associate, atl, "manage_port")
    assert GroupObjectPermission.objects.filter(
        group=group, permission__codename="manage_port", object_pk=str(atl.pk)
    ).exists()


def test_imports_recorded_before_previews_keep_what_they_showed(client, reference_data):
    """Summaries and problems written before the preview (issue 16) take the new shape, and
    their pages still show what they did; the people imported then get no packet and stay on
    their ABN version."""
    from django.contrib.auth import get_user_model

    migrate(
        [
            ("arrivals", "0003_rebooking"),
            ("cases", "0003_bookings_vendors_escorts_custody"),
            ("poe_ops", "0009_document_table"),
        ]
    )
    user = get_user_model().objects.create(username="old.senior", is_superuser=True)
    applied_summary = (
        '{"created": ["AF100200"], "updated": [{"case_number": "AF100100", "from_version": 1, '
        '"to_version": 2, "changed": ["final_destination"], "not_in_new_version": ["P3"]}], '
        '"unchanged": ["AF100300"], "flights_created": ["QR755 2026-04-14"], '
        '"flights_updated": []}'
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM poe_ops_port WHERE iata = 'ATL'")
        (port_id,) = cursor.fetchone()
        ids = []
        for status, errors, summary in (
            ("applied", "[]", applied_summary),
            ("refused", '[{"row": 37, "column": "date_of_birth", "message": "bad"}]',
             '{"error_count": 1}'),
        ):  # fmt: skip
            cursor.execute(
                "INSERT INTO arrivals_importbatch (port_id, uploaded_by_id, uploaded_at, "
                "file_name, sha256, row_count, status, errors, summary) VALUES "
                "(%s, %s, now(), 'old.csv', '', 3, %s, %s, %s) RETURNING id",
                [port_id, user.pk, status, errors, summary],
            )
            ids.append(cursor.fetchone()[0])
        cursor.execute(
            "INSERT INTO cases_case (case_number, abn_number, abn_version, port_id, "
            "local_affiliate, final_destination, status, notes, created_at, updated_at) "
            "VALUES ('AF100200', 'ABN1', 1, %s, '', '', 'expected', '', now(), now()) "
            "RETURNING id",
            [port_id],
        )
        (case_id,) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO cases_individual (case_id, person_number, given_names, surname, sex, "
            "nationality, primary_language, interpreter_needed, relationship, "
            "document_in_custody, ssr_codes, unaccompanied_minor, medical, pregnancy, elderly, "
            "single_parent, other_vulnerability, vulnerability_notes, current_step, "
            "name_folded) VALUES (%s, 'P1', 'Amina', 'Karimi', 'F', 'AF', 'prs', false, 'PA', "
            "false, '[\"WCHR\"]', false, false, false, false, false, false, '', 'expected', "
            "'amina karimi')",
            [case_id],
        )

    migrate(latest())

    from arrivals.models import ImportBatch
    from cases.models import Individual

    applied, refused = (ImportBatch.objects.get(pk=pk) for pk in ids)
    assert applied.summary["created"][0]["case_number"] == "AF100200"
    assert applied.summary["updated"][0]["people_removed"] == ["P3"]
    assert applied.summary["counts"]["new"] == 1 and applied.checked_at == applied.uploaded_at
    assert refused.errors == [
        {"row": 37, "column": "date_of_birth", "message": "bad", "case": "", "person": ""}
    ]
    person = Individual.objects.get()
    assert (person.a_number, person.removed_in_version, person.ssr_codes) == ("", None, ["WCHR"])
    assert not person.carried_documents.exists()
    client.force_login(user)
    page = client.get(f"/imports/{applied.pk}/").content.decode()
    assert "What this import did" in page and "AF100200" in page and "AF100100" in page
    assert (
        "<td>37</td><td>date_of_birth</td>"
        in client.get(f"/imports/{refused.pk}/").content.decode()
    )

    migrate([("arrivals", "0003_rebooking")])  # and back again, for the old code
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary FROM arrivals_importbatch WHERE id = %s", [ids[0]])
        (back,) = cursor.fetchone()
    back = back if isinstance(back, dict) else __import__("json").loads(back)
    assert back["created"] == ["AF100200"] and "counts" not in back
    migrate(latest())


def test_the_unaccompanied_minor_flag_becomes_the_programme_status(reference_data):
    """0007: the flag (or the airline's UMNR code, which the old custody rule also read) becomes
    URM; a custody record's one person moves into its list; USCCB and EMM become inactive."""
    migrate([("cases", "0003_bookings_vendors_escorts_custody")])
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create(username="recorder")
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM poe_ops_port WHERE iata = 'ATL'")
        (port_id,) = cursor.fetchone()
        cursor.execute("UPDATE cases_resettlementagency SET active = true")
        cursor.execute(
            "INSERT INTO cases_case (case_number, abn_number, abn_version, port_id, "
            "local_affiliate, final_destination, status, notes, created_at, updated_at) "
            "VALUES ('AF100300', 'ABN3', 1, %s, '', '', 'expected', '', now(), now()) "
            "RETURNING id",
            [port_id],
        )
        (case_id,) = cursor.fetchone()
        people = {}
        for number, flag, codes in (
            ("P1", True, "[]"),
            ("P2", False, '["UMNR"]'),
            ("P3", False, '["WCHR"]'),
        ):
            cursor.execute(
                "INSERT INTO cases_individual (case_id, person_number, given_names, surname, "
                "sex, nationality, primary_language, interpreter_needed, relationship, "
                "document_in_custody, ssr_codes, unaccompanied_minor, medical, pregnancy, "
                "elderly, single_parent, other_vulnerability, vulnerability_notes, "
                "current_step, name_folded) VALUES (%s, %s, 'A', 'B', 'F', 'AF', 'prs', false, "
                "'PA', false, %s, %s, false, false, false, false, false, '', 'expected', 'a b') "
                "RETURNING id",
                [case_id, number, codes, flag],
            )
            (people[number],) = cursor.fetchone()
        cursor.execute(
            "INSERT INTO cases_custodyhandover (case_id, subject, individual_id, from_kind, "
            "from_name, from_organisation, to_kind, to_name, to_organisation, at, place, "
            "idempotency_key, recorded_by_id, recorded_at) VALUES (%s, 'minor', %s, 'staff', "
            "'Amina', 'IOM', 'agency', 'Sam Rivera', 'IRC Atlanta', now(), 'Hall', 'old-key-1', "
            "%s, now()) RETURNING id",
            [case_id, people["P1"], user.pk],
        )
        (handover_id,) = cursor.fetchone()

    migrate(latest())

    from cases.models import CustodyHandover, Individual, ResettlementAgency

    status = dict(Individual.objects.values_list("person_number", "programme_status"))
    assert status == {"P1": "urm", "P2": "urm", "P3": ""}
    record = CustodyHandover.objects.get(pk=handover_id)
    assert record.subject == "people"
    assert list(record.individuals.values_list("pk", flat=True)) == [people["P1"]]
    assert not record.of_minor and record.receiver_check == ""  # recorded under the old rules
    ended = dict(ResettlementAgency.objects.filter(active=False).values_list("code", "note"))
    assert set(ended) == {"EMM", "USCCB"}
    assert "30 Sep 2025" in ended["EMM"] and "7 Apr 2025" in ended["USCCB"]


def test_connected_and_cbp_referral_become_the_new_steps_and_nothing_is_lost(reference_data):
    """Issue 14: "connected" becomes "at the gate", or "departed" when the onward flight has
    already left; "CBP referral" becomes "in CBP secondary" — people and their step events
    alike, and a case no longer finished is in progress again."""
    import datetime as dt

    from django.contrib.auth import get_user_model

    before = [("arrivals", "0005_import_summaries"), ("cases", "0004_travel_packet")]
    migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    Port, Case, Individual = (old.get_model(*m) for m in (("poe_ops", "Port"), *(
        ("cases", name) for name in ("Case", "Individual")
    )))  # fmt: skip
    Flight, Segment, StepEvent = (
        old.get_model("arrivals", name) for name in ("Flight", "Segment", "StepEvent")
    )
    user = get_user_model().objects.create(username="migrator")
    atl = Port.objects.get(iata="ATL")
    now = dt.datetime.now(dt.UTC)
    left = Flight.objects.create(
        carrier="DL", number="1200", scheduled_date=(now - dt.timedelta(hours=3)).date(),
        port=atl, origin="ATL", destination="BOI",
        scheduled_departure=now - dt.timedelta(hours=3),
    )  # fmt: skip
    later = Flight.objects.create(
        carrier="DL", number="1300", scheduled_date=(now + dt.timedelta(hours=3)).date(),
        port=atl, origin="ATL", destination="SLC",
        scheduled_departure=now + dt.timedelta(hours=3),
    )  # fmt: skip

    def person(case, number, step):
        return Individual.objects.create(
            case=case, person_number=number, given_names="Old", surname=number,
            current_step=step, name_folded=number.lower(),
        )  # fmt: skip

    gone = Case.objects.create(case_number="MIG1", abn_number="M1", port=atl, status="completed")
    waiting = Case.objects.create(case_number="MIG2", abn_number="M2", port=atl, status="completed")
    nowhere = Case.objects.create(case_number="MIG3", abn_number="M3", port=atl)
    Segment.objects.create(case=gone, flight=left, direction="onward")
    Segment.objects.create(case=waiting, flight=later, direction="onward")
    departed = person(gone, "P1", "connected")
    at_gate = person(waiting, "P2", "connected")
    person(nowhere, "P3", "connected")
    referred = person(nowhere, "P4", "cbp_referral")
    for individual, steps in (
        (departed, ["met", "cbp_cleared", "connected"]),
        (at_gate, ["met", "cbp_cleared", "connected"]),
        (referred, ["met", "cbp_referral"]),
    ):
        before_step = "expected"
        for step in steps:
            StepEvent.objects.create(
                individual=individual, port=atl, from_step=before_step, to_step=step,
                actor_id=user.pk, idempotency_key=f"mig-{individual.pk}-{step}",
            )  # fmt: skip
            before_step = step

    migrate(latest())

    from arrivals.models import StepEvent as NewStepEvent
    from cases.models import Case as NewCase
    from cases.models import Individual as NewIndividual

    now_at = dict(NewIndividual.objects.values_list("person_number", "current_step"))
    assert now_at == {
        "P1": "departed",
        "P2": "at_gate",
        "P3": "at_gate",
        "P4": "cbp_secondary",
    }
    history = {
        number: list(
            NewStepEvent.objects.filter(individual__person_number=number)
            .order_by("id")
            .values_list("from_step", "to_step")
        )
        for number in ("P1", "P2", "P4")
    }
    assert history == {
        "P1": [("expected", "met"), ("met", "cbp_cleared"), ("cbp_cleared", "departed")],
        "P2": [("expected", "met"), ("met", "cbp_cleared"), ("cbp_cleared", "at_gate")],
        "P4": [("expected", "met"), ("met", "cbp_secondary")],
    }
    assert NewStepEvent.objects.count() == 8, "every event kept"
    statuses = dict(NewCase.objects.values_list("case_number", "status"))
    assert statuses["MIG1"] == "completed" and statuses["MIG2"] == "in_progress"
    assert not NewIndividual.objects.filter(current_step__in=["connected", "cbp_referral"])


def test_the_landings_are_built_for_what_is_already_there(reference_data):
    """Issue 18 point 5: arrivals 0011 builds the statistics' landings for the cases, people,
    segments and flights already there (a person named on a segment, the whole case on
    another), and from then on the database keeps them."""
    import datetime as dt

    before = [("arrivals", "0009_stepevent_outcomes_index")]
    migrate(before)
    old = MigrationExecutor(connection).loader.project_state(before).apps
    Port, Case, Individual = (old.get_model(*m) for m in (("poe_ops", "Port"), *(
        ("cases", name) for name in ("Case", "Individual")
    )))  # fmt: skip
    Flight, Segment = (old.get_model("arrivals", name) for name in ("Flight", "Segment"))
    jfk = Port.objects.get(iata="JFK")
    landed = dt.datetime(2026, 3, 1, 5, 0, tzinfo=dt.UTC)
    inbound = Flight.objects.create(
        carrier="QR", number="701", scheduled_date=landed.date(), port=jfk, origin="DOH",
        destination="JFK", scheduled_arrival=landed, status="landed",
    )  # fmt: skip
    onward = Flight.objects.create(
        carrier="DL", number="1820", scheduled_date=landed.date(), port=jfk, origin="JFK",
        destination="BOI", scheduled_departure=landed + dt.timedelta(hours=5),
    )  # fmt: skip
    case = Case.objects.create(case_number="MIG18", abn_number="M18", port=jfk)
    people = [
        Individual.objects.create(
            case=case,
            person_number=f"P{n}",
            given_names="Old",
            surname=f"P{n}",
            current_step="met",
            name_folded=f"p{n}",
            nationality="AF",
        )
        for n in (1, 2)
    ]
    Segment.objects.create(case=case, flight=inbound, direction="inbound")
    Segment.objects.create(case=case, flight=onward, direction="onward").individuals.add(people[0])
    gone = Case.objects.create(case_number="MIG19", abn_number="M19", port=jfk, status="cancelled")
    Individual.objects.create(
        case=gone, person_number="P9", given_names="Old", surname="P9", name_folded="p9"
    )
    Segment.objects.create(case=gone, flight=inbound, direction="inbound")

    migrate(latest())

    from arrivals.models import Landing
    from cases.models import Individual as NewIndividual

    rows = {row.individual_id: row for row in Landing.objects.all()}
    assert set(rows) == {people[0].pk, people[1].pk}  # not the cancelled case's
    first, second = rows[people[0].pk], rows[people[1].pk]
    assert (first.port_id, first.landed, first.step, first.nationality) == (
        jfk.pk,
        landed,
        "met",
        "AF",
    )
    assert first.first_out == landed + dt.timedelta(hours=5)  # the connection names them
    assert second.first_out is None  # but not the other
    NewIndividual.objects.filter(pk=people[1].pk).update(current_step="handed_over")
    assert Landing.objects.get(individual_id=people[1].pk).step == "handed_over"
