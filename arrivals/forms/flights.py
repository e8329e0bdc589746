"""A flight's status, arriving or leaving, as a senior associate records it."""

from __future__ import annotations

from typing import Any

from django import forms

from arrivals.services.flights import ARRIVAL_STATUSES, DEPARTURE_STATUSES
from poe_ops.models import Port


class FlightStatusForm(forms.Form):
    """A flight's status and times, typed in the port's local time. The times are read and
    checked by ``flights.update_flight``, whose refusals are keyed by these field names."""

    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in ARRIVAL_STATUSES],
        error_messages={
            "required": "Choose a status from the list.",
            "invalid_choice": "Choose a status from the list.",
        },
    )
    estimated_arrival = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty if the airline gives no estimate.",
    )
    actual_arrival = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Choosing “Landed” with this empty records the time now.",
    )

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estimated_arrival"].label = f"Estimated arrival ({port.iata} local time)"
        self.fields["actual_arrival"].label = f"Actual arrival ({port.iata} local time)"


class DepartureStatusForm(forms.Form):
    """A departing domestic flight's status, times and gate, typed in the port's local time;
    read and checked by ``flights.update_departure`` (its refusals keyed by these names)."""

    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in DEPARTURE_STATUSES],
        error_messages={
            "required": "Choose a status from the list.",
            "invalid_choice": "Choose a status from the list.",
        },
        help_text="Cancelled puts everyone booked on it into “needs rebooking” and tells HQ.",
    )
    estimated_departure = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty if the airline gives no estimate.",
    )
    actual_departure = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Choosing “Departed” with this empty records the time now.",
    )
    gate = forms.CharField(
        required=False,
        max_length=8,
        label="Gate",
        help_text="e.g. B12",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estimated_departure"].label = f"Estimated departure ({port.iata} local time)"
        self.fields["actual_departure"].label = f"Actual departure ({port.iata} local time)"
