"""Costs from contracted rates: what a booking should cost, and how that was worked out, in
words the booking form and the audit log show ("2 nights × 1 room × $129.00")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from cases.models.bookings import Vendor, VendorRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Quote:
    """The cost the rates give (``None`` when no rate covers it) and how, in words."""

    amount: Decimal | None
    how: str

    @property
    def known(self) -> bool:
        return self.amount is not None


def rates_of(vendors: Iterable[Vendor]) -> dict[int, list[VendorRate]]:
    """Every rate of ``vendors`` (one query), newest first, by vendor id."""
    found: dict[int, list[VendorRate]] = {v.pk: [] for v in vendors}
    for rate in VendorRate.objects.filter(vendor_id__in=list(found)).order_by("-valid_from"):
        found[rate.vendor_id].append(rate)
    return found


def rate_on(rates: Iterable[VendorRate], unit: str, day: dt.date) -> VendorRate | None:
    return next((r for r in rates if r.unit == unit and r.covers(day)), None)


def _money(value: Decimal) -> str:
    return f"${value.quantize(CENT):,}"


def _missing(vendor: Vendor, unit: str, day: dt.date) -> Quote:
    label = VendorRate.Unit(unit).label.split(",")[0].lower()
    return Quote(None, f"{vendor} has no contracted {label} rate on {day:%d %b %Y}")


def hotel_rooms(vendor: Vendor, check_in: dt.date, nights: int, rooms: int) -> Quote:
    """Each night at the room rate valid that night, times the rooms."""
    rates = rates_of([vendor])[vendor.pk]
    total, prices = Decimal(0), []
    for n in range(nights):
        night = check_in + dt.timedelta(days=n)
        rate = rate_on(rates, VendorRate.Unit.ROOM_NIGHT, night)
        if rate is None:
            return _missing(vendor, VendorRate.Unit.ROOM_NIGHT, night)
        total += rate.amount * rooms
        prices.append(rate.amount)
    per_night = (
        f"× {_money(prices[0])}"
        if len(set(prices)) == 1
        else "at " + " + ".join(_money(p) for p in prices)
    )
    words = (
        f"{nights} night{'s' if nights != 1 else ''} × {rooms} room{'s' if rooms != 1 else ''} "
        f"{per_night} = {_money(total)}"
    )
    return Quote(total.quantize(CENT), words)


def meals(vendor: Vendor, day: dt.date, count: int) -> Quote:
    """The meals ordered, at the vendor's meal rate on the day of check-in."""
    if count == 0:
        return Quote(Decimal("0.00"), "no meals ordered")
    rate = rate_on(rates_of([vendor])[vendor.pk], VendorRate.Unit.MEAL, day)
    if rate is None:
        return _missing(vendor, VendorRate.Unit.MEAL, day)
    total = rate.amount * count
    return Quote(
        total.quantize(CENT),
        f"{count} meal{'s' if count != 1 else ''} × {_money(rate.amount)} = {_money(total)}",
    )


def meals_for_stay(hotel: Vendor, day: dt.date, count: int) -> Quote:
    """Meals during a hotel stay: at the hotel's meal rate, or, when the hotel has none, at the
    rate of the port's meal provider that has one (the first by name)."""
    quote = meals(hotel, day, count)
    if quote.known:
        return quote
    providers = list(
        Vendor.objects.filter(
            port_id=hotel.port_id, kind=Vendor.Kind.MEAL_PROVIDER, active=True
        ).order_by("name")
    )
    their_rates = rates_of(providers)
    for provider in providers:
        if rate_on(their_rates[provider.pk], VendorRate.Unit.MEAL, day) is not None:
            found = meals(provider, day, count)
            return Quote(found.amount, f"{found.how} ({provider})")
    return quote


def ride(vendor: Vendor, day: dt.date) -> Quote:
    rate = rate_on(rates_of([vendor])[vendor.pk], VendorRate.Unit.RIDE, day)
    if rate is None:
        return _missing(vendor, VendorRate.Unit.RIDE, day)
    return Quote(rate.amount.quantize(CENT), f"1 ride at {_money(rate.amount)}")


def interpreter(vendor: Vendor, day: dt.date, hours: Decimal) -> Quote:
    rate = rate_on(rates_of([vendor])[vendor.pk], VendorRate.Unit.INTERPRETER_HOUR, day)
    if rate is None:
        return _missing(vendor, VendorRate.Unit.INTERPRETER_HOUR, day)
    total = rate.amount * hours
    return Quote(
        total.quantize(CENT),
        f"{hours.normalize():f} h × {_money(rate.amount)} = {_money(total.quantize(CENT))}",
    )


def current_rates(vendors: Iterable[Vendor], day: dt.date) -> dict[int, list[VendorRate]]:
    """Each vendor's rates valid on ``day`` (one query): what the booking forms show beside
    each vendor's name."""
    found = rates_of(vendors)
    return {pk: [r for r in rates if r.covers(day)] for pk, rates in found.items()}
