"""Rebooking: the flight being replaced, who, the new flight, and optionally a hotel and
transport in the same submit; for one case or everyone booked on a flight."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from arrivals.models import Flight, Segment
from arrivals.services.group_rebooking import GroupHotel, GroupRide
from arrivals.services.rebooking import NewFlight
from cases.forms.bookings import HotelForm, TransportForm
from cases.models import Case, Individual, Vendor
from poe_ops.forms import KeyedForm, PeopleField, local_instant


def _segment_label(segment: Segment) -> str:
    flight = segment.flight
    who = ", ".join(str(p) for p in segment.individuals.all()) or "whole case"
    # "QR755 · Sun 29 Nov": an inbound leg by the day it lands, an onward one by the day it leaves.
    return (
        f"{segment.flight_label} {flight.origin} → {flight.destination} "
        f"({segment.get_direction_display().lower()}) — {who}"
    )


class RebookForm(KeyedForm):
    segment = forms.ChoiceField(label="Flight being replaced", widget=forms.RadioSelect)
    carrier = forms.CharField(max_length=3, label="New flight: airline", help_text="e.g. DL")
    number = forms.CharField(max_length=5, label="Flight number", help_text="e.g. 1234")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    departure = forms.TimeField(
        label="Departs (local time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    destination = forms.CharField(max_length=3, label="To (airport code)")
    reason = forms.CharField(
        max_length=200, required=False, label="Reason", initial="Missed connection"
    )
    with_hotel = forms.BooleanField(required=False, label="Book a hotel for the night")
    with_transport = forms.BooleanField(required=False, label="Book ground transport")

    def __init__(
        self,
        data: Any = None,
        *,
        case: Case,
        segments: list[Segment],
        person: Individual | None = None,
    ) -> None:
        super().__init__(data)
        self.case = case
        self.segments = {str(s.pk): s for s in segments}
        choices = [(k, _segment_label(s)) for k, s in self.segments.items()]
        self.fields["segment"].choices = choices  # type: ignore[attr-defined]
        self.fields["individuals"] = PeopleField(
            queryset=case.individuals.order_by("person_number"),
            required=False,
            label="Who is rebooked",
            help_text="Tick none for everyone on the flight being replaced.",
        )
        self.hotel = HotelForm(data, case=case, prefix="hotel")
        self.transport = TransportForm(data, case=case, prefix="ride", with_people=False)
        for sub in (self.hotel, self.transport):
            del sub.fields["key"]
        del self.hotel.fields["individuals"]
        if not self.is_bound:
            chosen = self._preselected(person, segments)
            if chosen is not None:
                old = chosen.flight
                self.initial.update(
                    segment=str(chosen.pk),
                    carrier=old.carrier,
                    date=old.scheduled_date + dt.timedelta(days=1),
                    destination=old.destination,
                    individuals=[p.pk for p in chosen.individuals.all()],
                )
            self.transport.initial["dropoff"] = "hotel"

    @staticmethod
    def _preselected(person: Individual | None, segments: list[Segment]) -> Segment | None:
        onward = [s for s in segments if s.direction == Segment.Direction.ONWARD]
        # A cancelled leg first: that is what needs replacing.
        onward.sort(key=lambda s: s.flight.status != Flight.Status.CANCELLED)
        if person is not None:
            for s in onward:
                named = {p.pk for p in s.individuals.all()}
                if not named or person.pk in named:
                    return s
        return onward[0] if onward else (segments[0] if segments else None)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.is_bound and self.cleaned_data.get("with_hotel"):
            valid = self.hotel.is_valid() and valid
        if self.is_bound and self.cleaned_data.get("with_transport"):
            valid = self.transport.is_valid() and valid
        return valid

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("departure"):
            try:
                data["departure_at"] = local_instant(
                    self.case.port, data["date"], data["departure"], "departure"
                )
            except forms.ValidationError as error:
                self.add_error("departure", error)
        return data

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.hotel.errors or self.transport.errors)

    def new_flight(self) -> NewFlight:
        data = self.cleaned_data
        return NewFlight(
            carrier=data["carrier"],
            number=data["number"],
            date=data["date"],
            destination=data["destination"],
            departure=data.get("departure_at"),
        )

    def people(self) -> list[Individual]:
        return list(self.cleaned_data.get("individuals") or [])

    def hotel_kwargs(self, people: list[Individual]) -> dict[str, Any] | None:
        if not self.cleaned_data.get("with_hotel"):
            return None
        return self.hotel.service_kwargs(people)

    def transport_kwargs(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("with_transport"):
            return None
        return self.transport.service_kwargs()


class GroupRebookForm(KeyedForm):
    """Everyone booked on one flight moved to a new one in one submit, with a hotel (one
    booking per case) and a ride when they stay the night."""

    carrier = forms.CharField(max_length=3, label="New flight: airline", help_text="e.g. DL")
    number = forms.CharField(max_length=5, label="Flight number", help_text="e.g. 1234")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    departure = forms.TimeField(
        label="Departs (local time)", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = forms.CharField(max_length=200, required=False, label="Reason")
    with_hotel = forms.BooleanField(required=False, label="Book a hotel for the night (each case)")
    hotel = forms.ModelChoiceField(queryset=Vendor.objects.none(), required=False, label="Hotel")
    check_in = forms.DateField(
        required=False, label="Check-in date", widget=forms.DateInput(attrs={"type": "date"})
    )
    nights = forms.IntegerField(min_value=1, max_value=30, initial=1, required=False)
    people_per_room = forms.IntegerField(
        min_value=1,
        max_value=8,
        initial=4,
        required=False,
        label="People per room",
        help_text="Each case gets one room per this many of its people.",
    )
    room_rate = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2, label="Room rate (USD a night)"
    )
    with_ride = forms.BooleanField(required=False, label="Book ground transport (each case)")
    company = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), required=False, label="Company"
    )
    pickup_time = forms.TimeField(
        required=False, label="Pickup time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    pickup_place = forms.CharField(max_length=200, required=False, label="Pickup place")

    def __init__(self, data: Any = None, *, flight: Flight) -> None:
        super().__init__(data)
        self.flight = flight
        port = flight.port
        hotels = self.fields["hotel"]
        companies = self.fields["company"]
        assert isinstance(hotels, forms.ModelChoiceField)
        assert isinstance(companies, forms.ModelChoiceField)
        active = Vendor.objects.filter(port=port, active=True).order_by("name")
        hotels.queryset = active.filter(kind=Vendor.Kind.HOTEL)
        companies.queryset = active.filter(kind=Vendor.Kind.GROUND_TRANSPORT)
        if not self.is_bound:
            today = port.local_today()
            self.initial.update(
                carrier=flight.carrier,
                date=max(flight.scheduled_date + dt.timedelta(days=1), today),
                reason=f"{flight.code} {flight.get_status_display().lower()}",
                check_in=today,
                pickup_place=f"{port.iata} domestic departures",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        port = self.flight.port
        if data.get("date") and data.get("departure"):
            try:
                data["departure_at"] = local_instant(port, data["date"], data["departure"], "d")
            except forms.ValidationError as error:
                self.add_error("departure", error)
        if data.get("with_hotel"):
            for name in ("hotel", "check_in", "nights", "people_per_room"):
                if not data.get(name):
                    self.add_error(name, "Needed to book the hotel.")
        if data.get("with_ride"):
            for name in ("company", "pickup_time", "pickup_place"):
                if not data.get(name):
                    self.add_error(name, "Needed to book the ride.")
            day = data.get("check_in") or port.local_today()
            if data.get("pickup_time"):
                try:
                    data["pickup_at"] = local_instant(port, day, data["pickup_time"], "p")
                except forms.ValidationError as error:
                    self.add_error("pickup_time", error)
        return data

    def new_flight(self) -> NewFlight:
        data = self.cleaned_data
        return NewFlight(
            carrier=data["carrier"],
            number=data["number"],
            date=data["date"],
            destination=self.flight.destination,
            departure=data.get("departure_at"),
        )

    def group_hotel(self) -> GroupHotel | None:
        data = self.cleaned_data
        if not data.get("with_hotel"):
            return None
        return GroupHotel(
            vendor=data["hotel"],
            check_in=data["check_in"],
            nights=data["nights"],
            people_per_room=data["people_per_room"],
            room_rate=data.get("room_rate"),
        )

    def group_ride(self) -> GroupRide | None:
        data = self.cleaned_data
        if not data.get("with_ride"):
            return None
        dropoff = "hotel" if data.get("with_hotel") else "domestic_terminal"
        return GroupRide(data["company"], data["pickup_at"], data["pickup_place"], dropoff)
