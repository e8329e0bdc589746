"""A port's day and the search at the counter: which date, which name or case number."""

from __future__ import annotations

from typing import Any

from django import forms


class DayForm(forms.Form):
    """The day a page shows (``?date=YYYY-MM-DD``). ``today.requested_date`` reads it, keeping
    its own message for a malformed one; this form shows the picker."""

    date = forms.DateField(
        required=False, label="Day", widget=forms.DateInput(attrs={"type": "date"})
    )


class SearchForm(forms.Form):
    """The search box (posted, so names stay out of URLs); ``search.search_cases`` reads it."""

    q = forms.CharField(
        required=False,
        max_length=100,
        label="Find a person or case",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, case no., ABN or flight (QR747)",
                "autocomplete": "off",
                "autocapitalize": "off",
                "spellcheck": "false",
                "enterkeyhint": "search",
            }
        ),
    )

    def __init__(self, *args: Any, autofocus: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if autofocus:
            self.fields["q"].widget.attrs["autofocus"] = True
