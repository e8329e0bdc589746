"""The arrival steps that ask for details first (the family's bags, the hospital), by step."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.step_details import MAX_BAGS, check_detail
from cases.steps import ArrivalStep
from poe_ops.forms import KeyedForm
from poe_ops.refusals import Refusal


class StepDetailForm(KeyedForm):
    """What a step carries, asked in a small form when its button is tapped (the detail cannot
    be guessed). ``cases.step_details.check_detail`` decides; its refusals land on their fields."""

    step: str = ""

    @property
    def step_label(self) -> str:
        return str(ArrivalStep(self.step).label)

    def detail(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "key"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                check_detail(self.step, self.detail())
            except Refusal as refusal:
                self.add_error(
                    refusal.field if refusal.field in self.fields else None, str(refusal)
                )
        return data


class BagsClaimedForm(StepDetailForm):
    step = ArrivalStep.BAGS_CLAIMED

    bags = forms.IntegerField(
        min_value=0,
        max_value=MAX_BAGS,
        label="Bags claimed",
        help_text="Checked bags collected from the belt; 0 for hand luggage only.",
        error_messages={"required": "Say how many bags were claimed (0 for none)."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    tags = forms.CharField(
        required=False,
        max_length=600,
        label="Claim tags",
        help_text="The numbers on the bag-tag stubs, separated by spaces (10 digits each, or the "
        "airline code and 6 digits).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    missing = forms.IntegerField(
        min_value=0,
        max_value=MAX_BAGS,
        required=False,
        initial=0,
        label="Bags missing",
        help_text="Bags that did not come off the belt.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pir = forms.CharField(
        required=False,
        max_length=12,
        label="Lost-bag report number",
        help_text="The airline's property irregularity report for the missing bags, e.g. "
        "ATLDL12345.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class HospitalForm(StepDetailForm):
    step = ArrivalStep.HOSPITAL

    hospital = forms.CharField(
        max_length=120,
        label="Hospital",
        help_text="Where the ambulance takes them.",
        error_messages={"required": "Name the hospital they are taken to."},
    )
    accompanied_by = forms.CharField(
        required=False,
        max_length=120,
        label="Who goes with them",
        help_text="Name and role: a family member, an IOM associate, an escort.",
    )


DETAIL_FORMS: dict[str, type[StepDetailForm]] = {
    ArrivalStep.BAGS_CLAIMED: BagsClaimedForm,
    ArrivalStep.HOSPITAL: HospitalForm,
}
