"""Settling a booking's cost: the contracted rates give it, or a person types another figure
and says why (an override). Used by every booking service; the audit event keeps both."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from cases.queries.rates import Quote
from poe_ops.refusals import Refusal


@dataclass(frozen=True)
class Settled:
    cost: Decimal
    computed: Decimal | None
    reason: str

    def audit(self, how: str) -> dict[str, object]:
        return {"cost": self.cost, "from_rates": self.computed, "how": how, "reason": self.reason}


def settle(
    typed: Decimal | None,
    reason: str,
    quote: Quote,
    *,
    what: str,
    field: str,
    reason_field: str,
    required: bool = True,
) -> Settled:
    """The cost to record. Empty: the rates' figure (refused when no rate covers it, unless the
    cost is not ``required``: then nothing is costed, as meals a hotel includes). Typed and
    equal to the rates' figure: that. Typed and different: an override, which needs a reason.
    Typed with no rate at all: accepted, recorded as not from rates."""
    reason = reason.strip()
    if typed is not None and typed < 0:
        raise Refusal(f"The {what} cannot be negative.", field=field)
    if typed is None:
        if quote.amount is None and not required:
            return Settled(Decimal("0.00"), None, "")
        if quote.amount is None:
            how = quote.how[:1].upper() + quote.how[1:]
            raise Refusal(f"{how}: type the {what}.", field=field)
        return Settled(quote.amount, quote.amount, "")
    if quote.amount is None or typed == quote.amount:
        return Settled(typed, quote.amount, reason if quote.amount is None else "")
    if not reason:
        raise Refusal(
            f"The {what} typed (${typed:,.2f}) differs from the contracted rates "
            f"({quote.how}): say why, or leave it empty to use the rates.",
            field=reason_field,
        )
    return Settled(typed, quote.amount, reason[:300])
