"""Roles and per-port permissions, and the one scoping helper every view uses."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from poe_ops.models import OperationsOffice, Port
from poe_ops.roles import COORDINATE, OPERATE, SUPERVISE, VIEW, Role
from poe_ops.scoping import (
    ensure_may_approve,
    get_port_or_404,
    get_scoped_or_404,
    ports_for,
    scope,
)

pytestmark = pytest.mark.django_db


def iatas(user, perm=VIEW):
    return sorted(ports_for(user, perm).values_list("iata", flat=True))


def test_role_groups_exist_after_migrate():
    from django.contrib.auth.models import Group

    names = set(Group.objects.values_list("name", flat=True))
    assert {r.label for r in Role} <= names


def test_an_associate_sees_and_operates_only_their_port(atl_associate):
    assert iatas(atl_associate) == ["ATL"]
    assert iatas(atl_associate, OPERATE) == ["ATL"]
    assert iatas(atl_associate, COORDINATE) == []
    assert iatas(atl_associate, SUPERVISE) == []


def test_a_senior_coordinates_and_an_officer_supervises(atl_senior, atl_officer):
    assert iatas(atl_senior, COORDINATE) == ["ATL"]
    assert iatas(atl_senior, SUPERVISE) == []
    assert iatas(atl_officer, SUPERVISE) == ["ATL"]


def test_hq_sees_exactly_its_offices_ports(dc_ops, ny_ops):
    assert iatas(dc_ops) == ["ATL", "EWR", "IAD", "IAH"]
    assert iatas(ny_ops) == ["JFK", "LAX", "ORD"]
    assert iatas(dc_ops, OPERATE) == []


def test_moving_a_port_to_another_office_moves_its_visibility(dc_ops, ny_ops):
    iah = Port.objects.get(iata="IAH")
    iah.office = OperationsOffice.objects.get(code="NY")
    iah.save()
    assert "IAH" not in iatas(dc_ops)
    assert "IAH" in iatas(ny_ops)


def test_a_new_port_is_visible_to_its_office_at_once(ny_ops):
    Port.objects.create(iata="SEA", office=OperationsOffice.objects.get(code="NY"))
    assert "SEA" in iatas(ny_ops)


def test_an_outsider_and_anonymous_see_nothing(outsider):
    from django.contrib.auth.models import AnonymousUser

    assert iatas(outsider) == []
    assert list(ports_for(AnonymousUser())) == []


def test_a_deactivated_user_sees_nothing(atl_associate):
    atl_associate.is_active = False
    atl_associate.save()
    assert iatas(atl_associate) == []


def test_global_permissions_do_not_open_any_port(outsider):
    """Administrators edit reference data; a global view_port grants no port's arrivals."""
    from django.contrib.auth.models import Permission

    outsider.user_permissions.add(Permission.objects.get(codename="view_port"))
    assert iatas(outsider) == []


def test_another_ports_iata_is_a_404_not_a_403(atl_associate):
    with pytest.raises(Http404):
        get_port_or_404(atl_associate, "JFK")
    assert get_port_or_404(atl_associate, "atl").iata == "ATL"


def test_lacking_an_action_on_a_visible_port_is_a_403_with_a_reason(dc_ops):
    with pytest.raises(PermissionDenied, match="not act on its arrivals"):
        get_port_or_404(dc_ops, "ATL", OPERATE)


def test_scope_narrows_any_queryset_through_its_port(atl_associate, dc_ops):
    from poe_ops.services.audit import log_action

    atl, jfk = Port.objects.get(iata="ATL"), Port.objects.get(iata="JFK")
    log_action(None, "poe.test.one", atl)
    log_action(None, "poe.test.two", jfk)
    from poe_ops.models import AuditEvent

    seen = scope(AuditEvent.objects.all(), atl_associate)
    assert [e.action for e in seen] == ["poe.test.one"]
    event = AuditEvent.objects.get(action="poe.test.two")
    with pytest.raises(Http404):
        get_scoped_or_404(AuditEvent.objects.all(), atl_associate, pk=event.pk)


def test_an_officer_cannot_approve_their_own_submission(atl_officer, atl):
    with pytest.raises(PermissionDenied, match="cannot approve your own"):
        ensure_may_approve(atl_officer, atl, atl_officer)


def test_an_officer_may_approve_a_colleagues_submission(atl_officer, atl_associate, atl):
    ensure_may_approve(atl_officer, atl, atl_associate)


def test_only_the_ports_officers_may_approve(atl_senior, jfk_officer, atl_associate, atl):
    with pytest.raises(PermissionDenied, match="Only an officer"):
        ensure_may_approve(atl_senior, atl, atl_associate)
    with pytest.raises(Http404):
        ensure_may_approve(jfk_officer, atl, atl_associate)
