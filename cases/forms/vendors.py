"""Vendors, their contracted rates, and the period their quality is read over."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from cases.models.bookings import (
    UNITS_OF_KIND,
    Vendor,
    VendorRate,
)
from cases.queries import rates
from poe_ops.forms import KeyedForm
from poe_ops.models import Port


class VendorChoiceField(forms.ModelChoiceField[Vendor]):
    """A port's active vendors of a kind, each named with the rates valid today, so the person
    booking sees what the cost will be computed from."""

    def __init__(self, port: Port, kind: str) -> None:
        vendors = list(Vendor.objects.filter(port=port, kind=kind, active=True).order_by("name"))
        self.today_rates = rates.current_rates(vendors, port.local_today())
        super().__init__(
            queryset=Vendor.objects.filter(pk__in=[v.pk for v in vendors]).order_by("name"),
            empty_label="Choose…",
            error_messages={
                "required": "Choose one.",
                "invalid_choice": "Choose one of the list.",
            },
        )

    def label_from_instance(self, obj: Vendor) -> str:
        found = self.today_rates.get(obj.pk, [])
        if not found:
            return f"{obj.name} (no contracted rate today)"
        prices = ", ".join(f"${r.amount} {r.get_unit_display().split(', ')[1]}" for r in found)
        return f"{obj.name} ({prices})"


class ResolveForm(forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="What was done")


class PeriodForm(forms.Form):
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise forms.ValidationError("The period starts after it ends.")
        return data


class VendorForm(forms.ModelForm[Vendor]):
    """A vendor's details; ``cases.services.vendors`` checks the name is the port's only one."""

    class Meta:
        model = Vendor
        fields = [
            "kind",
            "name",
            "contact_name",
            "phone",
            "email",
            "address",
            "contracted_rates",
            "active",
        ]
        labels = {"active": "In use (offered on booking forms)"}
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "contracted_rates": forms.Textarea(attrs={"rows": 2}),
        }


class RateForm(KeyedForm):
    """A contracted rate: the units offered are those the vendor's kind is paid in."""

    unit = forms.ChoiceField(label="Charged per")
    amount = forms.DecimalField(
        label="Amount (USD)",
        min_value=Decimal("0.01"),
        max_digits=10,
        decimal_places=2,
        error_messages={"min_value": "A rate is more than $0."},
    )
    valid_from = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(
        label="Until (last day)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Empty: until further notice. A rate already running until further notice "
        "ends the day before this one starts.",
    )
    notes = forms.CharField(required=False, max_length=200, label="Notes (contract reference)")

    def __init__(self, *args: Any, vendor: Vendor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = UNITS_OF_KIND.get(vendor.kind, ())
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = [(u, VendorRate.Unit(u).label) for u in units]
        if not self.is_bound:
            self.initial.setdefault("valid_from", vendor.port.local_today())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "The rate ends before it starts.")
        return data


class EndRateForm(forms.Form):
    last_day = forms.DateField(label="Last day", widget=forms.DateInput(attrs={"type": "date"}))
