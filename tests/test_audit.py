"""The audit log: one function to write, only changed fields, append-only, tied to the request."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from poe_ops.models import AuditEvent
from poe_ops.services.audit import (
    PERSONAL_DATA_VIEWED,
    changed_fields,
    log_action,
    log_personal_data_access,
    snapshot,
)

pytestmark = pytest.mark.django_db


def test_it_records_who_did_what_to_which_object_at_which_port(atl_senior, atl):
    event = log_action(atl_senior, "poe.port.renamed", atl, changes={"name": ["Old", "New"]})
    event.refresh_from_db()
    assert event.actor == atl_senior
    assert event.action == "poe.port.renamed"
    assert event.port == atl
    assert event.object_id == str(atl.pk)
    assert event.object_repr == str(atl)
    assert event.changes == {"name": ["Old", "New"]}
    assert list(AuditEvent.objects.for_object(atl)) == [event]


def test_it_keeps_only_the_fields_that_changed(atl):
    before = snapshot(atl, ["name", "time_zone", "iata"])
    atl.name = "Hartsfield–Jackson Atlanta International"
    after = snapshot(atl, ["name", "time_zone", "iata"])
    assert list(changed_fields(before, after)) == ["name"]


def test_it_refuses_an_action_that_is_not_a_dotted_name(atl):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        log_action(None, "Renamed port", atl)
    assert not AuditEvent.objects.exists()


def test_events_cannot_be_changed_or_deleted_through_the_orm(atl):
    event = log_action(None, "poe.test.made", atl)
    event.action = "poe.test.rewritten"
    with pytest.raises(TypeError, match="append-only"):
        event.save()
    with pytest.raises(TypeError, match="append-only"):
        event.delete()
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.filter(pk=event.pk).update(action="poe.test.rewritten")
    with pytest.raises(TypeError, match="append-only"):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "poe.test.made"


def test_the_database_refuses_to_rewrite_history(atl):
    """Even raw SQL cannot edit or remove an audit event on PostgreSQL."""
    event = log_action(None, "poe.test.made", atl)
    for sql in (
        "UPDATE poe_ops_auditevent SET action = 'poe.test.forged' WHERE id = %s",
        "DELETE FROM poe_ops_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "poe.test.made"


def test_an_event_rolls_back_with_the_change_it_describes(atl):
    with pytest.raises(RuntimeError), transaction.atomic():
        log_action(None, "poe.test.made", atl)
        raise RuntimeError("the service failed after logging")
    assert not AuditEvent.objects.exists()


def test_personal_data_access_is_logged_with_its_purpose(atl_associate, atl):
    event = log_personal_data_access(atl_associate, atl, purpose="case page")
    assert event.action == PERSONAL_DATA_VIEWED
    assert event.data == {"purpose": "case page"}
    assert event.actor == atl_associate


def test_events_written_during_a_request_carry_its_request_id(client, atl_associate, atl):
    from django.urls import path

    from tests.urlconf import urlconf_with

    def touch(request):
        from django.http import HttpResponse

        log_action(request.user, "poe.test.touched", atl)
        return HttpResponse("ok")

    client.force_login(atl_associate)
    from django.test import override_settings

    module = urlconf_with(path("__touch__", touch))
    with override_settings(ROOT_URLCONF=module):
        response = client.get("/__touch__", HTTP_X_REQUEST_ID="proxy-given-id-1234")
    assert response["X-Request-ID"] == "proxy-given-id-1234"
    assert AuditEvent.objects.get(action="poe.test.touched").request_id == "proxy-given-id-1234"


def test_a_malformed_incoming_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")
    assert response["X-Request-ID"] != "<script>"
    assert len(response["X-Request-ID"]) == 32
