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


def test_whoever_supervised_a_port_also_manages_it_after_the_upgrade(reference_data):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from guardian.models import GroupObjectPermission, UserObjectPermission

    from poe_ops.models import Port
    from poe_ops.scoping import has_port_perm

    migrate([("poe_ops", "0009_document_table")])
    atl = Port.objects.get(iata="ATL")
    officer = get_user_model().objects.create(username="old.officer")
    associate = get_user_model().objects.create(username="old.associate")
    group = Group.objects.create(name="Old supervisors")
    supervise = Permission.objects.get(codename="supervise_port")
    operate = Permission.objects.get(codename="operate_port")
    UserObjectPermission.objects.filter(permission__codename="manage_port").delete()
    GroupObjectPermission.objects.filter(permission__codename="manage_port").delete()
    for user, perm in ((officer, supervise), (associate, operate)):
        UserObjectPermission.objects.create(
            user=user, permission=perm, content_type=supervise.content_type, object_pk=str(atl.pk)
        )
    GroupObjectPermission.objects.create(
        group=group,
        permission=supervise,
        content_type=supervise.content_type,
        object_pk=str(atl.pk),
    )

    migrate(latest())

    assert has_port_perm(officer, atl, "manage_port")
    assert not has_port_perm(associate, atl, "manage_port")
    assert GroupObjectPermission.objects.filter(
        group=group, permission__codename="manage_port", object_pk=str(atl.pk)
    ).exists()
