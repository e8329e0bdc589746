"""Forms for who receives a case: the agencies and their local offices (kept by Operations HQ),
a case's agency office, U.S. ties and expected receiver, a person's programme status, the
hand-over itself, and the signature box the hand-over and the custody record share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case as Ordered
from django.db.models import IntegerField, Q, QuerySet, Value, When

from cases.models import (
    CUSTODY_STATUSES,
    AgencyOffice,
    Case,
    CustodyHandover,
    ExpectedReceiver,
    Individual,
    ProgrammeStatus,
    ResettlementAgency,
    USTie,
)
from cases.services.custody import Receiver, ReceiverChoice
from cases.services.signatures import png_from_data_url
from poe_ops.forms import KeyedForm, PeopleField, local_instant
from poe_ops.refusals import Refusal

# --- The signature box ---------------------------------------------------------------------


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

EXPECTED = "expected"
SOMEONE_ELSE = "other"


def _tie_choice(tie: USTie) -> str:
    return f"{RECEIVER_FROM_TIE}:{tie.pk}"


class HandOverForm(KeyedForm):
    """Handing people over on the tablet: who goes, to whom (the expected receiver, a U.S. tie,
    or someone else with a reason), the receiver's ID and phone, and both signatures."""

    receiver = forms.ChoiceField(widget=forms.RadioSelect, label="Handed to")
    to_kind = forms.ChoiceField(
        choices=ExpectedReceiver.Kind.choices,
        required=False,
        label="Someone else: who they are",
        initial=ExpectedReceiver.Kind.AGENCY,
    )
    to_name = forms.CharField(max_length=120, required=False, label="Someone else: name")
    to_organisation = forms.CharField(
        max_length=120,
        required=False,
        label="Someone else: organisation or relationship",
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Why this receiver",
        help_text="Needed when the receiver is not the expected one.",
    )
    to_id_type = forms.ChoiceField(
        choices=[("", "Choose…"), *CustodyHandover.IdType.choices],
        label="Their identity document",
    )
    to_id_last_digits = forms.CharField(
        max_length=6,
        label="Last 4 characters of its number",
        help_text="Only these are kept, never the whole number.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    to_phone = forms.CharField(
        max_length=40,
        required=False,
        label="Their phone",
        help_text="Left empty: the phone on record for the expected receiver or U.S. tie.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    time = forms.TimeField(label="Time handed over", widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(max_length=200, label="Place")

    def __init__(
        self,
        *args: Any,
        case: Case,
        people: list[Individual],
        chosen: list[int],
        may_override: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case, self.port = case, case.port
        self.expected = ExpectedReceiver.objects.filter(case=case).first()
        self.ties = list(case.us_ties.all())
        self.minors = [p for p in people if p.programme_status in CUSTODY_STATUSES]
        choices = []
        if self.expected is not None:
            kind = self.expected.get_kind_display()
            kind = kind if kind.startswith("U.S.") else kind.lower()
            choices.append(
                (
                    EXPECTED,
                    f"Expected receiver: {self.expected.name} ({self.expected.organisation}, "
                    f"{kind})",
                )
            )
        choices += [
            (_tie_choice(t), f"U.S. tie: {t.name} ({t.relationship})")
            for t in self.ties
            if not (self.expected and self.expected.us_tie_id == t.pk)
        ]
        choices.append((SOMEONE_ELSE, "Someone else"))
        self.fields["receiver"].choices = choices  # type: ignore[attr-defined]
        people_field = PeopleField(
            queryset=case.individuals.filter(pk__in=[p.pk for p in people]).order_by(
                "person_number"
            ),
            label="Who is handed over",
        )
        self.fields = {"individuals": people_field, **self.fields}
        if may_override and self.minors:
            self.fields["override"] = forms.BooleanField(
                required=False,
                label="Officer override: I authorise this receiver for the minor",
                help_text="Only when the expected receiver cannot come; give the reason above.",
            )
        hint = "Needed when a URM or separated minor is handed over." if self.minors else ""
        self.fields["from_signature"] = SignatureField(
            who="Your signature", label="Signature of the IOM staff member", help_text=hint
        )
        self.fields["to_signature"] = SignatureField(
            who="The receiver's signature", label="Signature of the receiver", help_text=hint
        )
        for name in ("from_signature", "to_signature"):
            # Marked as needed when the case has a minor in the programme's care; whether it is
            # depends on who is ticked, so clean() decides.
            self.fields[name].shown_required = bool(self.minors)  # type: ignore[attr-defined]
        if not self.is_bound:
            self.initial.update(
                individuals=chosen,
                receiver=choices[0][0],
                time=self.port.local_now().time().replace(second=0, microsecond=0),
                place=f"{self.port.iata} arrivals hall",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        minors = [p for p in data.get("individuals") or [] if p.needs_custody]
        if minors:
            for name, who in (
                ("from_signature", "You sign"),
                ("to_signature", "The receiver signs"),
            ):
                if not data.get(name) and name not in self.errors:
                    self.add_error(
                        name,
                        f"{who} here: {minors[0]} is a {minors[0].get_programme_status_display()}.",
                    )
        if data.get("receiver") == SOMEONE_ELSE:
            if not (data.get("to_name") or "").strip():
                self.add_error("to_name", "Name the person who receives them.")
            if not (data.get("to_organisation") or "").strip():
                self.add_error("to_organisation", "Their organisation, or how they are related.")
            if not data.get("to_kind"):
                self.add_error("to_kind", "Agency worker or U.S. tie?")
        if data.get("time"):
            data["at"] = self._instant(data["time"])
        return data

    def _instant(self, time: dt.time) -> dt.datetime | None:
        """Today at ``time`` (port-local); a time later than now is last night's (a hand-over
        at 23:50 written down at 00:10)."""
        today = self.port.local_today()
        try:
            at = local_instant(self.port, today, time, "time")
            if at > self.port.local_now() + dt.timedelta(minutes=5):
                at = local_instant(self.port, today - dt.timedelta(days=1), time, "time")
        except ValidationError as error:
            self.add_error("time", error)
            return None
        return at

    def receiver_parts(self) -> tuple[Receiver, ReceiverChoice]:
        """The service's receiver and choice, from a valid form."""
        data = self.cleaned_data
        choice = data["receiver"]
        phone = data.get("to_phone", "").strip()
        identity = {"id_type": data["to_id_type"], "id_last_digits": data["to_id_last_digits"]}
        if choice == EXPECTED and self.expected is not None:
            expected = self.expected
            receiver = Receiver(
                kind=expected.kind,
                name=expected.name,
                organisation=expected.organisation,
                phone=phone or expected.phone,
                agency_office=expected.agency_office,
                us_tie=expected.us_tie,
                **identity,
            )
        elif choice.startswith(f"{RECEIVER_FROM_TIE}:"):
            tie = next(t for t in self.ties if _tie_choice(t) == choice)
            receiver = Receiver(
                kind=ExpectedReceiver.Kind.US_TIE,
                name=tie.name,
                organisation=tie.relationship,
                phone=phone or tie.phone,
                us_tie=tie,
                **identity,
            )
        else:
            receiver = Receiver(
                kind=data["to_kind"],
                name=data["to_name"],
                organisation=data["to_organisation"],
                phone=phone,
                **identity,
            )
        return receiver, ReceiverChoice(
            reason=data.get("reason", ""), override=bool(data.get("override"))
        )
