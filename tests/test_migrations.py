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

    migrate([("reports", "0003_incident_reports"), ("poe_ops", "0007_port_staffing_settings")])
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


def test_the_unaccompanied_minor_flag_becomes_the_programme_status(reference_data):
    """0005: the flag (or the airline's UMNR code, which the old custody rule also read) becomes
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
