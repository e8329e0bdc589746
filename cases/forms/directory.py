"""The port's directory of contacts, and searching it."""

from __future__ import annotations

from typing import Any

from django import forms

from poe_ops.models import Contact


class ContactForm(forms.ModelForm[Contact]):
    class Meta:
        model = Contact
        fields = [
            "kind",
            "name",
            "organisation",
            "role",
            "phone",
            "after_hours_phone",
            "email",
            "notes",
            "active",
        ]
        labels = {"active": "Listed in the directory"}
        widgets = {
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "after_hours_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class DirectorySearchForm(forms.Form):
    """The directory's search box and kind filter (what the view already reads)."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Search the directory",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text="A name, organisation, airline or phone number.",
    )
    kind = forms.ChoiceField(required=False, label="Kind", choices=[])

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)
        kind_field.choices = [("", "All kinds"), *kinds]
