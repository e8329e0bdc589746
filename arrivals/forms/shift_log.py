"""The shift log and interpreter bookings: what the next shift must know, and an interpreter
for a flight or a case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from arrivals.models import Flight, InterpreterBooking
from cases.forms.vendors import VendorChoiceField
from cases.models import Case, Vendor
from poe_ops.forms import KeyedForm, local_instant
from poe_ops.models import Port


class FlightChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = obj.latest_arrival.astimezone(obj.port.zone) if obj.latest_arrival else None
        return f"{obj.code} from {obj.origin}" + (f", {when:%H:%M}" if when else "")


def _flights_around(port: Port, day: dt.date) -> QuerySet[Flight]:
    """The port's flights of ``day`` and the day before (a night shift spans two dates)."""
    return (
        Flight.objects.filter(
            port=port,
            scheduled_date__gte=day - dt.timedelta(days=1),
            scheduled_date__lte=day + dt.timedelta(days=1),
        )
        .select_related("port")
        .order_by("scheduled_arrival", "carrier", "number")
    )


class CaseNumberField(forms.CharField):
    """A case of the port by its number; ``clean`` gives the case, or says it is not here."""

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.port = port

    def clean(self, value: Any) -> Any:
        number = str(super().clean(value) or "").strip().upper()
        if not number:
            return None
        case = Case.objects.filter(port=self.port, case_number=number).first()
        if case is None:
            raise forms.ValidationError(f"No case {number} at {self.port.iata}.")
        return case


class ShiftLogForm(KeyedForm):
    text = forms.CharField(
        label="What happened, what the next shift must know",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time = forms.TimeField(
        required=False,
        label="At (local time)",
        help_text="Empty: now.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    flight = FlightChoice(queryset=Flight.objects.none(), required=False, empty_label="—")
    for_supervisor = forms.BooleanField(
        required=False,
        label="For the supervisor (sent to the officer on duty now)",
    )

    def __init__(self, *args: Any, port: Port, day: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.port, self.day = port, day
        self.fields["flight"].queryset = _flights_around(port, day)  # type: ignore[attr-defined]
        self.fields["case"] = CaseNumberField(label="Case number", port=port)
        self.order_fields(["text", "time", "flight", "case", "for_supervisor", "key"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("time") is not None:
            now = self.port.local_now()
            day = now.date()
            # A time later than now was yesterday evening's (a night shift writing at 02:00).
            if data["time"] > now.time().replace(second=59, microsecond=0):
                day -= dt.timedelta(days=1)
            try:
                data["at"] = local_instant(self.port, day, data["time"], "time")
            except forms.ValidationError as error:
                self.add_error("time", error)
        return data


class InterpreterForm(KeyedForm):
    vendor: forms.ModelChoiceField[Vendor] = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), label="Interpreter service"
    )
    language = forms.CharField(
        max_length=60,
        help_text="Its name (Dari, Tigrinya) or ISO 639 code (prs).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label="From (local time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    hours = forms.DecimalField(
        min_value=Decimal("0.25"), max_value=Decimal("12"), decimal_places=2, initial=Decimal("2")
    )
    mode = forms.ChoiceField(label="How", choices=InterpreterBooking.Mode.choices)
    flight = FlightChoice(queryset=Flight.objects.none(), required=False, empty_label="—")
    cost = forms.DecimalField(
        label="Cost (USD)",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="Leave empty to use the contracted hourly rate.",
    )
    cost_reason = forms.CharField(
        required=False,
        max_length=300,
        label="Why the cost differs",
        help_text="Needed only when the cost typed differs from the contracted rate.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, port: Port, day: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.port = port
        self.fields["vendor"] = VendorChoiceField(port, "interpreter")
        self.fields["vendor"].label = "Interpreter service"
        self.fields["flight"].queryset = _flights_around(port, day)  # type: ignore[attr-defined]
        self.fields["case"] = CaseNumberField(
            label="Case number", port=port, help_text="A flight, a case, or both."
        )
        self.order_fields(
            ["vendor", "language", "day", "start_time", "hours", "mode", "flight", "case"]
        )
        if not self.is_bound:
            self.initial.setdefault("day", day)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start_time"):
            try:
                data["starts_at"] = local_instant(
                    self.port, data["day"], data["start_time"], "start_time"
                )
            except forms.ValidationError as error:
                self.add_error("start_time", error)
        if not self.errors and not data.get("flight") and not data.get("case"):
            self.add_error("flight", "Say which flight or case the interpreter is for.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("vendor", "language", "starts_at", "hours", "mode", "flight", "case")
        return {
            **{name: data[name] for name in names},
            "cost": data["cost"],
            "cost_reason": data["cost_reason"],
            "notes": data["notes"],
            "idempotency_key": data["key"],
        }
