"""The resettlement agencies and their local offices, kept by Operations HQ."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q

from cases.models import (
    AgencyOffice,
    ResettlementAgency,
)


class AgencyForm(forms.ModelForm[ResettlementAgency]):
    class Meta:
        model = ResettlementAgency
        fields = ["code", "name", "active", "ended_on", "note"]
        widgets = {"ended_on": forms.DateInput(attrs={"type": "date"})}
        labels = {"active": "Active (offered in lists)"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("active") is False and not (data.get("note") or "").strip():
            self.add_error("note", "Say why the agency is inactive; staff read it on old cases.")
        return data


class AgencyOfficeForm(forms.ModelForm[AgencyOffice]):
    class Meta:
        model = AgencyOffice
        fields = [
            "agency",
            "name",
            "city",
            "state",
            "address",
            "duty_phone",
            "after_hours_phone",
            "email",
            "notify",
            "active",
            "ports",
        ]
        widgets = {
            "ports": forms.CheckboxSelectMultiple,
            "duty_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "after_hours_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "state": forms.TextInput(attrs={"maxlength": 2, "autocapitalize": "characters"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # An office of an agency that has since ended keeps its agency.
        kept = Q(pk=self.instance.agency_id) if self.instance.pk else Q(pk__in=[])
        agencies = ResettlementAgency.objects.filter(Q(active=True) | kept)
        self.fields["agency"].queryset = agencies.order_by("code")  # type: ignore[attr-defined]
        self.fields["agency"].empty_label = "Choose…"  # type: ignore[attr-defined]

    def clean_state(self) -> str:
        return str(self.cleaned_data.get("state") or "").strip().upper()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("notify") and not data.get("email"):
            self.add_error("email", "Give an email address, or untick “send this office…”.")
        return data


# --- A case's receivers ------------------------------------------------------------------------
