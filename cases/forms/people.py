"""A person's programme status (URM, separated minor, …)."""

from __future__ import annotations

from django import forms

from cases.models import (
    ProgrammeStatus,
)


class ProgrammeStatusForm(forms.Form):
    programme_status = forms.ChoiceField(
        choices=ProgrammeStatus.choices,
        required=False,
        label="Programme status",
        help_text="As the programme says (not the airline's UMNR code). URM and separated minors "
        "are handed over only to the expected receiver, with signatures.",
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Reason",
        help_text="Needed to take a URM or separated minor out of that status (officers only).",
    )


# --- The hand-over --------------------------------------------------------------------------
