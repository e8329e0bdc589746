"""What the booking, escort and custody services share: refusals, idempotency keys, the
checks on people and vendors."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from cases.bookings import (
    CustodyHandover,
    EscortAssignment,
    GroundTransportBooking,
    HotelBooking,
    Vendor,
)
from cases.models import Case, Individual

User = AbstractBaseUser | AnonymousUser
B = TypeVar("B", HotelBooking, GroundTransportBooking, EscortAssignment, CustodyHandover)

_KEY = re.compile(r"^[A-Za-z0-9:-]{8,64}$")


class BookingError(ValueError):
    """Refused: the message says what is wrong and where. Nothing was changed."""


@dataclass(frozen=True)
class Saved:
    """What a create call made; ``repeated`` when the key had been used before."""

    obj: Any
    repeated: bool = False


def _actor(user: User) -> Any:
    if not user.is_authenticated:
        raise PermissionDenied("Sign in first.")
    return user


def _check_key(key: str) -> None:
    if not _KEY.match(key or ""):
        raise BookingError("This form has no valid idempotency key; reload the page and try again.")


def _earlier(model: type[B], key: str, case: Case) -> Saved | None:
    found = model.objects.filter(idempotency_key=key).first()
    if found is None:
        return None
    if found.case_id != case.pk:
        raise BookingError("This form was already used for another case; reload the page.")
    return Saved(found, repeated=True)


def _once(model: type[B], key: str, case: Case, create: Callable[[], B]) -> Saved:
    """``create()`` unless ``key`` was used before; a racing duplicate gets the first one."""
    earlier = _earlier(model, key, case)
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            return Saved(create())
    except IntegrityError:
        earlier = _earlier(model, key, case)
        if earlier is None:
            raise
        return earlier


def _people(case: Case, individuals: Sequence[Individual]) -> list[Individual]:
    strangers = [str(p) for p in individuals if p.case_id != case.pk]
    if strangers:
        raise BookingError(f"Not in case {case.case_number}: {', '.join(strangers)}.")
    return list(individuals)


def _vendor(case: Case, vendor: Vendor | None, kind: str, what: str) -> Vendor:
    if vendor is None:
        raise BookingError(f"Choose the {what}.")
    if vendor.port_id != case.port_id or vendor.kind != kind:
        raise BookingError(f"{vendor} is not a {what} of {case.port.iata}.")
    if not vendor.active:
        raise BookingError(f"{vendor} is no longer in use at {case.port.iata}; choose another.")
    return vendor


def _money(value: Decimal | None, what: str) -> Decimal:
    value = Decimal("0") if value is None else value
    if value < 0:
        raise BookingError(f"The {what} cannot be negative.")
    return value


def _case_path(case: Case) -> str:
    return reverse("cases:detail", args=[case.case_number])
