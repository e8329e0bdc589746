"""The signature box the hand-over and the custody record share: drawn on the tablet, kept as
PNG."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cases.services.signatures import png_from_data_url
from poe_ops.refusals import Refusal


class SignatureWidget(forms.Widget):
    """A box to sign in with a finger (``static/js/signature.js`` over signature_pad), sending
    the drawing as a PNG data URL in a hidden input. A signature is never drawn back into a
    form that was refused: whoever signs, signs for what the form now says."""

    template_name = "cases/widgets/signature.html"

    def format_value(self, value: Any) -> str:
        return ""

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        # Templates cannot read "aria-describedby": the canvas gets the hint and errors too.
        described = context["widget"]["attrs"].get("aria-describedby", "")
        context["widget"]["attrs"]["aria_describedby"] = described
        return context

    def id_for_label(self, id_: str) -> str:
        return f"{id_}_pad" if id_ else ""


class SignatureField(forms.CharField):
    """A signature drawn on the tablet, cleaned to the PNG bytes that are stored."""

    widget = SignatureWidget

    def __init__(self, *, who: str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 800_000)
        super().__init__(**kwargs)
        self.who = who
        self.template_name = "cases/forms/signature_field.html"

    def clean(self, value: Any) -> bytes | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return png_from_data_url(text, self.who)
        except Refusal as refusal:
            raise ValidationError(str(refusal)) from None


# --- Agencies and offices (Operations HQ) -----------------------------------------------------
