"""Finding one case for a user: the one way every view of a case starts."""

from __future__ import annotations

from cases.models import Case
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
