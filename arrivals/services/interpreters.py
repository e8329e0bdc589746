"""Booking an interpreter from one of the port's interpreter services, for a flight or a case:
the language, when, how long, how, and the cost from the service's hourly rate (or typed, with a
reason). A repeated key is one booking; audited; the status moves like other bookings'."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from arrivals.models import Flight, InterpreterBooking
from cases.models import Case, Vendor
from cases.queries import rates
from cases.services.costs import settle
from poe_ops.keys import Saved, check_key, once
from poe_ops.languages import find_language, language_name
from poe_ops.models import Port
from poe_ops.refusals import Refusal
from poe_ops.roles import OPERATE
from poe_ops.scoping import User, require_port_perm, signed_in
from poe_ops.services.audit import changed_fields, log_action

MOVES: dict[str, frozenset[str]] = {
    InterpreterBooking.Status.REQUESTED: frozenset(
        {InterpreterBooking.Status.CONFIRMED, InterpreterBooking.Status.CANCELLED}
    ),
    InterpreterBooking.Status.CONFIRMED: frozenset(
        {InterpreterBooking.Status.COMPLETED, InterpreterBooking.Status.CANCELLED}
    ),
    InterpreterBooking.Status.COMPLETED: frozenset(),
    InterpreterBooking.Status.CANCELLED: frozenset(),
}


def book_interpreter(
    user: User,
    port: Port,
    *,
    vendor: Vendor | None,
    language: str,
    starts_at: dt.datetime,
    hours: Decimal,
    idempotency_key: str,
    mode: str = InterpreterBooking.Mode.IN_PERSON,
    flight: Flight | None = None,
    case: Case | None = None,
    cost: Decimal | None = None,
    cost_reason: str = "",
    notes: str = "",
) -> Saved[InterpreterBooking]:
    require_port_perm(user, port, OPERATE)
    check_key(idempotency_key)
    actor = signed_in(user)
    if vendor is None:
        raise Refusal("Choose the interpreter service.", field="vendor")
    if vendor.port_id != port.pk or vendor.kind != Vendor.Kind.INTERPRETER:
        raise Refusal(f"{vendor} is not an interpreter service of {port.iata}.", field="vendor")
    if not vendor.active:
        raise Refusal(
            f"{vendor} is no longer in use at {port.iata}; choose another.", field="vendor"
        )
    code = find_language(language)
    if not code:
        raise Refusal(
            f"“{language}” is not a language POE Ops knows: its name (Dari) or ISO code (prs).",
            field="language",
        )
    if flight is None and case is None:
        raise Refusal("Say which flight or case the interpreter is for.", field="flight")
    if flight is not None and flight.port_id != port.pk:
        raise Refusal(f"{flight.code} is not a flight of {port.iata}.", field="flight")
    if case is not None and case.port_id != port.pk:
        raise Refusal(f"Case {case.case_number} is not a case of {port.iata}.", field="case")
    if not Decimal("0.25") <= hours <= Decimal("12"):
        raise Refusal("Book between a quarter of an hour and 12 hours.", field="hours")
    if mode not in InterpreterBooking.Mode.values:
        raise Refusal("How: in person, by phone or by video.", field="mode")
    quote = rates.interpreter(vendor, starts_at.astimezone(port.zone).date(), hours)
    settled = settle(
        cost, cost_reason, quote, what="cost", field="cost", reason_field="cost_reason"
    )
    booking = InterpreterBooking(
        port=port,
        vendor=vendor,
        language=code,
        starts_at=starts_at,
        hours=hours,
        mode=mode,
        flight=flight,
        case=case,
        cost=settled.cost,
        computed_cost=settled.computed,
        cost_override_reason=settled.reason,
        notes=notes.strip(),
        idempotency_key=idempotency_key,
        created_by=actor,
    )

    def then(made: InterpreterBooking) -> None:
        log_action(
            user,
            "poe.booking.interpreter.created",
            made,
            port=port,
            data={
                "service": vendor.name,
                "language": code,
                "language_name": language_name(code),
                "starts_at": starts_at,
                "hours": hours,
                "mode": mode,
                "flight": flight.code if flight else None,
                "case": case.case_number if case else None,
                "cost": settled.audit(quote.how),
            },
        )

    with transaction.atomic():
        return once(booking, then, matches=lambda first: first.port_id == port.pk)


def change_status(user: User, booking_id: int, to_status: str) -> InterpreterBooking:
    """requested → confirmed → completed; cancelled before completion. A repeat is no change."""
    with transaction.atomic():
        booking = (
            InterpreterBooking.objects.select_for_update(of=("self",))
            .select_related("port", "vendor")
            .get(pk=booking_id)
        )
        require_port_perm(user, booking.port, OPERATE)
        labels = dict(InterpreterBooking.Status.choices)
        if to_status not in labels:
            raise Refusal(f"“{to_status}” is not a booking status.")
        if booking.status == to_status:
            return booking
        if to_status not in MOVES[booking.status]:
            raise Refusal(
                f"This booking is {labels[booking.status].lower()}; it cannot become "
                f"{labels[to_status].lower()}."
            )
        before = booking.status
        booking.status = to_status
        booking.save(update_fields=["status", "updated_at"])
        log_action(
            user,
            "poe.booking.interpreter.status",
            booking,
            port=booking.port,
            changes=changed_fields({"status": before}, {"status": to_status}),
        )
    return booking
