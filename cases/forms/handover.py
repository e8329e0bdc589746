"""The hand-over of a person to a named receiver, with signatures for a minor."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from cases.forms.receivers import RECEIVER_FROM_TIE
from cases.forms.signatures import SignatureField
from cases.models import (
    CUSTODY_STATUSES,
    Case,
    CustodyHandover,
    ExpectedReceiver,
    Individual,
    USTie,
)
from cases.services.custody import Receiver, ReceiverChoice
from poe_ops.forms import KeyedForm, PeopleField, local_instant

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
