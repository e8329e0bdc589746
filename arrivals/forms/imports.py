"""The manifest upload: which port and which file, its type and size checked before it is read."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from arrivals.manifest.files import MAX_UPLOAD_BYTES
from poe_ops.models import Port

ACCEPTED = (".csv", ".xlsx")


class ManifestUploadForm(forms.Form):
    """Which port, which file (type and size checked before it is read), and whether the file
    lists every arrival of its days (then the cases of those days it leaves out are cancelled)."""

    port = forms.ModelChoiceField(
        queryset=Port.objects.none(),
        empty_label=None,
        label="Port of Entry",
        help_text="Every row's poe column must name this port.",
    )
    file = forms.FileField(
        label="ABN manifest (.csv or .xlsx, at most 5 MB)",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED)}),
    )
    scope = forms.ChoiceField(
        label="What does this file list?",
        choices=[
            (
                "complete",
                "Every arrival of its days: cases of those days that it leaves out are cancelled",
            ),
            ("partial", "Only some cases: cases it leaves out are not touched"),
        ],
        widget=forms.RadioSelect,
        help_text="Nothing is written until you have seen what the file would change and "
        "confirmed it.",
        error_messages={"required": "Say whether the file lists every arrival of its days."},
    )

    def __init__(self, ports: QuerySet[Port], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["port"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ports

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not name.endswith(ACCEPTED):
            raise forms.ValidationError(
                f"“{upload.name}” is not a .csv or .xlsx file. Export the manifest from Excel "
                "as Excel Workbook (.xlsx) or CSV UTF-8."
            )
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size / 1024 / 1024:.1f} MB; the limit is "
                f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB. Split the manifest into smaller files."
            )
        return upload

    @property
    def complete(self) -> bool:
        return bool(self.cleaned_data.get("scope") == "complete")
