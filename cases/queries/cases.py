"""Finding one case for a user: the one way every view of a case starts; and who is still
travelling, which the day's lists show."""

from __future__ import annotations

from django.db.models import QuerySet

from cases.models import Case, Individual
from poe_ops.roles import VIEW
from poe_ops.scoping import User, get_scoped_or_404


def case_for(user: User, case_number: str, perm: str = VIEW) -> Case:
    """The case if ``user`` may view its port (with its port, agency and agency office): 404
    otherwise, also for another port's case; 403 when they may view it but lack ``perm``."""
    return get_scoped_or_404(
        Case.objects.select_related("port", "agency", "agency_office__agency"),
        user,
        perm,
        case_number=case_number,
    )


def travelling(people: QuerySet[Individual]) -> QuerySet[Individual]:
    """``people`` without those the day's lists leave out: the people of cancelled cases and
    those a newer ABN version no longer lists. Both stay on their case page with their history."""
    return people.filter(removed_in_version__isnull=True).exclude(
        case__status=Case.Status.CANCELLED
    )
