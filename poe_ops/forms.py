from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.forms.renderers import TemplatesSetting

from poe_ops.http import DEVICE_LABEL_MAX, clean_device_label
from poe_ops.models import EXTERNAL_KINDS, UNMUTABLE_KINDS, NotificationKind, Port
from poe_ops.refusals import Refusal

FieldT = TypeVar("FieldT", bound=forms.Field)


class FormRenderer(TemplatesSetting):
    """The project's form renderer (``FORM_RENDERER``): ``{{ form.x.as_field_group }}`` shows a
    field through one template, with its label, hint, errors and required mark; widgets render
    from Django's own templates through the project's template engine."""

    field_template_name = "poe_ops/forms/field.html"


def in_table(field: FieldT, label: str) -> FieldT:
    """``field`` shown in a table cell (a row per person, a column per field), still rendered with
    ``as_field_group``: the column header is what a sighted user reads, and ``label``, naming
    the row and the column ("Meal for Amina Haidari"), is kept for screen readers and voice
    control (``poe_ops/forms/table_cell.html``)."""
    field.label = label
    # Field.template_name (Django 5.0) is missing from django-stubs 5.2.
    field.template_name = "poe_ops/forms/table_cell.html"  # type: ignore[attr-defined]
    return field


class LoginForm(AuthenticationForm):
    """Django's login form with attributes that suit a shared tablet."""

    username = forms.CharField(
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocapitalize": "none",
                "autocomplete": "username",
                "spellcheck": "false",
            }
        )
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class SignInDialogForm(LoginForm):
    """The sign-in form of the dialog that opens over a page when its session has ended: its own
    ids (``signin-…``), and no autofocus — the dialog focuses it when it opens. Its ``code``
    field is shown (static/js/signin.js) only once the server says the account needs its second
    factor; the session endpoint reads it, not this form."""

    prefix = "signin"

    code = forms.CharField(
        label="Code",
        required=False,
        max_length=32,
        help_text="The six digits your authenticator app shows for POE Ops, or one of your "
        "recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.pop("autofocus", None)


class DeviceNameForm(forms.Form):
    """The name a tablet is given once, recorded with every step tapped on it."""

    name = forms.CharField(
        max_length=DEVICE_LABEL_MAX,
        label="Name of this tablet",
        help_text="A short name written on the tablet, e.g. “ATL tablet 3”. The step history "
        "shows it beside every step tapped here.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_name(self) -> str:
        name = clean_device_label(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("Give the tablet a name, e.g. “ATL tablet 3”.")
        return name


class KindCheckboxes(forms.CheckboxSelectMultiple):
    """One checkbox per kind, with the id ``<name>-<kind>``; the ``locked`` kinds are ticked,
    cannot be unticked, and are described by the field's hint (which says why)."""

    def __init__(self, locked: Iterable[str], attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs)
        self.locked = set(locked)

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: Any,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option["attrs"]["id"] = f"{name}-{value}"
        if value in self.locked:
            option["attrs"].update(checked=True, disabled=True)
            if attrs and attrs.get("id"):  # the field's id: its hint is "<id>_helptext"
                option["attrs"]["aria-describedby"] = f"{attrs['id']}_helptext"
        return option


class EmailSettingsForm(forms.Form):
    """Which notifications a user also gets by email. The kinds HQ must always hear of stay
    ticked; ``notifications.set_muted_kinds`` ignores them anyway."""

    email = forms.MultipleChoiceField(
        choices=[
            (kind.value, f"{kind.label} (always sent)" if kind in UNMUTABLE_KINDS else kind.label)
            for kind in NotificationKind
            if kind not in EXTERNAL_KINDS
        ],
        required=False,
        label="Email me about",
        help_text="Those marked “always sent” reach you whatever you choose: "
        "HQ must always hear of them.",
        widget=KindCheckboxes(locked=UNMUTABLE_KINDS),
    )


class ReturnForm(forms.Form):
    """The comment of an officer who returns a record for changes (approving needs none).
    The review services insist on it; the browser asks for it before sending."""

    comment = forms.CharField(
        required=False,
        max_length=2000,
        label="What needs changing",
        widget=forms.TextInput(attrs={"required": True}),
    )


def new_key() -> str:
    return str(uuid.uuid4())


def refusal_on_field(form: forms.BaseForm, refusal: Refusal) -> str:
    """Put a service's refusal beside the field it names (``Refusal.field``), when the form has
    that field; otherwise return its words for the top of the form (empty when placed)."""
    if refusal.field and refusal.field in form.fields:
        form.add_error(refusal.field, refusal.message)
        return ""
    return refusal.message


class KeyedForm(forms.Form):
    """Carries the idempotency key of the submit: a double submit is recorded once."""

    key = forms.CharField(widget=forms.HiddenInput, max_length=48)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", new_key())


FormT = TypeVar("FormT", bound=forms.BaseForm)


def with_key(form: FormT) -> FormT:
    """Give a model form that creates a record the ``key`` a ``KeyedForm`` has (a model form
    cannot inherit both); ``cleaned_data["key"]`` then holds it."""
    form.fields["key"] = forms.CharField(widget=forms.HiddenInput, max_length=48)
    if not form.is_bound:
        form.initial.setdefault("key", new_key())
    return form


def local_instant(port: Port, day: dt.date, time: dt.time, field: str) -> dt.datetime:
    """``day`` ``time`` at ``port`` as an aware datetime; a time the clocks skip or repeat
    is refused (the form says which)."""
    naive = dt.datetime.combine(day, time)
    first = naive.replace(tzinfo=port.zone, fold=0)
    second = naive.replace(tzinfo=port.zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(dt.UTC).astimezone(port.zone).replace(tzinfo=None)
        what = "does not exist" if back != naive else "happens twice"
        raise forms.ValidationError(
            f"{naive:%Y-%m-%d %H:%M} {what} at {port.iata} (daylight-saving change): "
            "choose another time.",
            code=field,
        )
    return first


class PeopleField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


class SecondFactorForm(forms.Form):
    """The code of the second factor: six digits from the authenticator app, or a recovery
    code. ``remember`` lets this browser skip the code for the rest of the shift."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The six digits your authenticator app shows for POE Ops, or one of your "
        "recovery codes.",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "inputmode": "text",
            }
        ),
    )
    remember = forms.BooleanField(
        required=False,
        label="Remember this browser until the end of my shift",
        help_text="Only on a device no one else uses. Your password is still asked for.",
    )

    def __init__(self, *args: Any, remember_hours: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if remember_hours <= 0:
            del self.fields["remember"]
        else:
            self.fields[
                "remember"
            ].label = f"Remember this browser for {remember_hours} hours (the end of my shift)"


class EnrolForm(forms.Form):
    """Confirms a newly added authenticator app with the code it shows."""

    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        help_text="After adding POE Ops to the app, type the six digits it shows.",
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "pattern": "[0-9 ]*",
            }
        ),
    )


class PersonChoiceField(forms.ModelChoiceField):
    """People by their display name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.get_full_name() or obj.get_username())


class DelegationForm(KeyedForm):
    """Acting officer: whose approvals, to whom, which port-local days."""

    officer = PersonChoiceField(queryset=None, label="Approvals of", empty_label="Choose…")
    delegate = PersonChoiceField(
        queryset=None, label="Acting officer (a senior associate)", empty_label="Choose…"
    )
    first_day = forms.DateField(label="First day", widget=forms.DateInput(attrs={"type": "date"}))
    last_day = forms.DateField(
        label="Last day",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="It ends by itself at midnight after this day (port-local).",
    )
    note = forms.CharField(
        required=False, max_length=200, label="Note (why, how to reach the officer)"
    )

    def __init__(
        self, *args: Any, officers: Any, seniors: Any, fixed_officer: Any = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers  # type: ignore[attr-defined]
        self.fields["delegate"].queryset = seniors  # type: ignore[attr-defined]
        self.fixed_officer = fixed_officer
        if fixed_officer is not None:
            del self.fields["officer"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("first_day"), data.get("last_day")
        if first and last and last < first:
            self.add_error("last_day", "The last day is before the first.")
        if self.fixed_officer is not None:
            data["officer"] = self.fixed_officer
        return data
