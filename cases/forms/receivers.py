"""Who receives a case: its agency office, its U.S. ties and its expected receiver."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Case as Ordered
from django.db.models import IntegerField, Q, QuerySet, Value, When

from cases.models import (
    AgencyOffice,
    Case,
    ExpectedReceiver,
    USTie,
)
from poe_ops.forms import KeyedForm


def offices_for(case: Case) -> QuerySet[AgencyOffice]:
    """The offices a case may be given: active ones of active agencies, the case's agency's
    first (with the office it already has, even if inactive now, so the form shows it)."""
    usable = Q(active=True, agency__active=True)
    if case.agency_office_id:
        usable |= Q(pk=case.agency_office_id)
    order = Ordered(
        When(agency_id=case.agency_id or 0, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        AgencyOffice.objects.filter(usable)
        .select_related("agency")
        .annotate(own_agency_first=order)
        .order_by("own_agency_first", "agency__code", "name")
    )


class OfficeChoiceField(forms.ModelChoiceField[AgencyOffice]):
    def label_from_instance(self, obj: AgencyOffice) -> str:
        return f"{obj.name} ({obj.agency.code}, {obj.city}, {obj.state})"


class CaseOfficeForm(forms.Form):
    agency_office = OfficeChoiceField(
        queryset=AgencyOffice.objects.none(),
        required=False,
        empty_label="None",
        label="Agency office receiving the case",
        help_text="It is told of the hand-over, delays and rebookings, hotel nights, hospital "
        "admissions and approved incident reports about this case.",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency_office"].queryset = offices_for(case)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.setdefault("agency_office", case.agency_office_id)


class USTieForm(KeyedForm):
    name = forms.CharField(max_length=120, label="Name")
    relationship = forms.CharField(
        max_length=60, label="Relationship", help_text="To the principal applicant, e.g. brother."
    )
    phone = forms.CharField(
        max_length=40, label="Phone", widget=forms.TextInput(attrs={"type": "tel"})
    )
    city = forms.CharField(max_length=120, required=False, label="City and state")


RECEIVER_FROM_TIE = "tie"


class ExpectedReceiverForm(forms.Form):
    """Whom the case is expected to be handed to: an agency worker of an office, or one of the
    case's U.S. ties. For a case with a URM or separated minor only an officer may set or
    change it, with a reason (``cases.services.receivers``)."""

    kind = forms.ChoiceField(
        choices=ExpectedReceiver.Kind.choices,
        widget=forms.RadioSelect,
        label="Who receives the case",
        initial=ExpectedReceiver.Kind.AGENCY,
    )
    name = forms.CharField(max_length=120, required=False, label="Agency worker's name")
    agency_office = OfficeChoiceField(
        queryset=AgencyOffice.objects.none(), required=False, label="Their office"
    )
    phone = forms.CharField(
        max_length=40,
        required=False,
        label="Agency worker's phone",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    us_tie = forms.ModelChoiceField(
        queryset=USTie.objects.none(), required=False, label="Which U.S. tie", empty_label="—"
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Reason",
        help_text="Needed to change a minor's expected receiver (officers only).",
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["agency_office"].queryset = offices_for(case)  # type: ignore[attr-defined]
        self.fields["us_tie"].queryset = case.us_ties.all()  # type: ignore[attr-defined]
        current = ExpectedReceiver.objects.filter(case=case).first()
        if not self.is_bound and current is not None:
            agency = current.kind == ExpectedReceiver.Kind.AGENCY
            self.initial.update(
                kind=current.kind,
                name=current.name if agency else "",
                agency_office=current.agency_office_id or case.agency_office_id,
                phone=current.phone if agency else "",
                us_tie=current.us_tie_id,
            )
        elif not self.is_bound:
            self.initial.setdefault("agency_office", case.agency_office_id)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ExpectedReceiver.Kind.AGENCY:
            if not (data.get("name") or "").strip():
                self.add_error("name", "Name the agency worker who will receive the case.")
            if not data.get("agency_office"):
                self.add_error("agency_office", "Choose their office.")
        elif data.get("kind") == ExpectedReceiver.Kind.US_TIE and not data.get("us_tie"):
            self.add_error("us_tie", "Choose the U.S. tie (add them first if they are not listed).")
        return data
