"""What the agency screens read: the agencies with their local offices, the offices that meet
cases at a port (the port's contacts), and the messages the POE sent to an agency office."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from cases.models import AgencyOffice, ResettlementAgency
from poe_ops.models import Notification, NotificationKind, Port
from poe_ops.queries.notifications import feed
from poe_ops.scoping import User

MESSAGES_SHOWN = 100


def agencies_with_offices(*, include_inactive: bool = True) -> list[ResettlementAgency]:
    """Every agency (active first) with its offices and their ports: three queries."""
    offices = AgencyOffice.objects.prefetch_related("ports").order_by("-active", "state", "name")
    agencies = ResettlementAgency.objects.prefetch_related(Prefetch("offices", queryset=offices))
    if not include_inactive:
        agencies = agencies.filter(active=True)
    return list(agencies.order_by("-active", "code"))


def offices_at(port: Port) -> QuerySet[AgencyOffice]:
    """The active offices (of active agencies) that meet cases at ``port``, with their duty and
    after-hours phones: what a port's contacts directory lists."""
    return (
        AgencyOffice.objects.filter(ports=port, active=True, agency__active=True)
        .select_related("agency")
        .order_by("agency__code", "name")
    )


def messages_to_agencies(user: User, office: AgencyOffice | None = None) -> list[Notification]:
    """The messages sent to agency offices that ``user`` may read (HQ of the ports' offices,
    the ports' officers), newest first; only ``office``'s when given."""
    found = feed(user).filter(kind=NotificationKind.AGENCY)
    if office is not None:
        found = found.filter(context__office=office.pk)
    return list(found[:MESSAGES_SHOWN])
