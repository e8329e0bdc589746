"""Feedback on a booking or a vendor, and recording it."""

from __future__ import annotations

from typing import Any

from django import forms

from cases.models.bookings import (
    Vendor,
    VendorProblem,
)
from cases.services import vendors as vendor_services
from poe_ops.models import Port
from poe_ops.refusals import Refusal


class FeedbackForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[("", "No rating")] + [(str(n), f"{n} / 5") for n in range(5, 0, -1)],
        coerce=int,
        required=False,
        empty_value=None,
    )
    comment = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    problem = forms.ChoiceField(
        choices=[("", "No problem"), *list(VendorProblem.Kind.choices)],
        required=False,
        label="Problem",
    )
    description = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), label="What happened"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("rating") is None and not data.get("problem"):
            raise forms.ValidationError("Give a rating, log a problem, or both.")
        if data.get("problem") and not (data.get("description") or "").strip():
            self.add_error("description", "Say in a few words what happened.")
        return data


class VendorFeedbackForm(FeedbackForm):
    """Feedback on a vendor that was not booked here (an interpreter service, typically)."""

    field_order = ["vendor", "rating", "comment", "problem", "description"]

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["vendor"] = forms.ModelChoiceField(
            queryset=Vendor.objects.filter(port=port, active=True).order_by("kind", "name"),
            empty_label="Choose…",
            label="Vendor",
        )
        self.order_fields(self.field_order)


def record_feedback(request: Any, form: FeedbackForm, target: Any) -> str:
    """Record the rating and/or the problem a valid feedback form gives about ``target`` (a
    booking or a vendor), together; the refusal's words, or "" when recorded."""
    data = form.cleaned_data
    try:
        vendor_services.record_feedback(
            request.user,
            target,
            rating=data["rating"],
            comment=data["comment"],
            problem=data["problem"],
            description=data["description"],
        )
    except Refusal as error:
        return str(error)
    return ""
