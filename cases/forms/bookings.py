"""A case's bookings: hotel, ground transport, escort and the custody record. Times are typed in
the port's local time and checked against its daylight-saving changes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from cases import ssr
from cases.forms.signatures import SignatureField
from cases.forms.vendors import VendorChoiceField
from cases.models import (
    ESCORT_STATUSES,
    Case,
    CustodyHandover,
    Individual,
)
from cases.models.bookings import (
    EscortAssignment,
    GroundTransportBooking,
    MealOrder,
    Vendor,
)
from cases.services.bookings import MealLine
from cases.services.custody import Giver, Receiver
from poe_ops.forms import KeyedForm, PeopleField, in_table, local_instant
from poe_ops.models import Port


def _people_field(case: Case, label: str, required: bool = False) -> PeopleField:
    return PeopleField(
        queryset=case.individuals.order_by("person_number"),
        required=required,
        label=label,
        help_text="" if required else "Tick none for the whole case.",
    )


def _vendors(port: Port, kind: str) -> VendorChoiceField:
    return VendorChoiceField(port, kind)


MONEY = {"min_value": Decimal("0"), "max_digits": 10, "decimal_places": 2, "required": False}
FROM_RATES = "Leave empty to use the contracted rate."


def _reason(label: str) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=300,
        label=label,
        help_text="Needed only when the cost typed differs from the contracted rate.",
    )


class HotelForm(KeyedForm):
    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), label="Hotel")
    check_in = forms.DateField(
        label="Check-in date", widget=forms.DateInput(attrs={"type": "date"})
    )
    nights = forms.IntegerField(min_value=1, max_value=30, initial=1)
    rooms = forms.IntegerField(min_value=1, max_value=20, initial=1)
    accessible_room = forms.BooleanField(required=False, label="Accessible room")
    crib = forms.BooleanField(required=False, label="Crib")
    cost = forms.DecimalField(label="Room cost (USD)", help_text=FROM_RATES, **MONEY)  # type: ignore[arg-type]
    cost_reason = _reason("Why the room cost differs")
    meal_cost = forms.DecimalField(label="Meal cost (USD)", help_text=FROM_RATES, **MONEY)  # type: ignore[arg-type]
    meal_cost_reason = _reason("Why the meal cost differs")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["vendor"] = _vendors(case.port, Vendor.Kind.HOTEL)
        self.fields["vendor"].label = "Hotel"
        self.fields["individuals"] = _people_field(case, "Who stays")
        if not self.is_bound:
            self.initial.setdefault("check_in", case.port.local_today())
        self.people = list(case.individuals.order_by("person_number"))
        for person in self.people:
            self.fields[f"meal_{person.pk}"] = in_table(
                forms.ChoiceField(choices=MealOrder.Meal.choices, initial=MealOrder.Meal.REGULAR),
                f"Meal for {person}",
            )
            self.fields[f"count_{person.pk}"] = in_table(
                forms.IntegerField(min_value=0, max_value=60, initial=3),
                f"Number of meals for {person}",
            )
            self.fields[f"allergies_{person.pk}"] = in_table(
                forms.CharField(required=False, max_length=200), f"Allergies of {person}"
            )

    def main_fields(self) -> list[Any]:
        """The booking's own fields, without the per-person meal fields (shown as a table)."""
        meal_fields = {
            f"{kind}_{p.pk}" for p in self.people for kind in ("meal", "count", "allergies")
        }
        return [self[name] for name in self.fields if name not in meal_fields]

    def meal_rows(self) -> list[tuple[Individual, Any, Any, Any]]:
        return [
            (p, self[f"meal_{p.pk}"], self[f"count_{p.pk}"], self[f"allergies_{p.pk}"])
            for p in self.people
        ]

    def service_kwargs(self, people: list[Individual] | None = None) -> dict[str, Any]:
        """The ``book_hotel`` arguments; meals for ``people`` (default: those ticked, or all)."""
        data = self.cleaned_data
        eaters = people or list(data.get("individuals") or []) or self.people
        return {
            "vendor": data["vendor"],
            "check_in": data["check_in"],
            "nights": data["nights"],
            "rooms": data["rooms"],
            "accessible_room": data["accessible_room"],
            "crib": data["crib"],
            "cost": data["cost"],
            "cost_reason": data["cost_reason"],
            "meal_cost": data["meal_cost"],
            "meal_cost_reason": data["meal_cost_reason"],
            "notes": data["notes"],
            "meals": [
                MealLine(
                    p,
                    data[f"meal_{p.pk}"],
                    data[f"count_{p.pk}"],
                    data[f"allergies_{p.pk}"],
                )
                for p in eaters
            ],
        }


class TransportForm(KeyedForm):
    vendor = forms.ModelChoiceField(queryset=Vendor.objects.none(), label="Company")
    pickup_day = forms.DateField(
        label="Pickup date", widget=forms.DateInput(attrs={"type": "date"})
    )
    pickup_time = forms.TimeField(
        label="Pickup time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    pickup_place = forms.CharField(max_length=200, label="Pickup place")
    dropoff = forms.ChoiceField(choices=GroundTransportBooking.DropOff.choices, label="Drop-off")
    dropoff_detail = forms.CharField(
        required=False, max_length=250, label="Drop-off details (terminal, hotel or address)"
    )
    wheelchair_accessible = forms.BooleanField(
        required=False, label="Wheelchair-accessible vehicle"
    )
    child_seats = forms.IntegerField(min_value=0, max_value=10, initial=0)
    luggage_count = forms.IntegerField(
        min_value=0, max_value=60, initial=0, label="Pieces of luggage"
    )
    cost = forms.DecimalField(label="Cost (USD)", help_text=FROM_RATES, **MONEY)  # type: ignore[arg-type]
    cost_reason = _reason("Why the cost differs")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, case: Case, with_people: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["vendor"] = _vendors(case.port, Vendor.Kind.GROUND_TRANSPORT)
        self.fields["vendor"].label = "Company"
        if with_people:
            self.fields["individuals"] = _people_field(case, "Who rides")
        if not self.is_bound:
            self.initial.setdefault("pickup_day", case.port.local_today())
            self.initial.setdefault("pickup_place", f"{case.port.iata} international arrivals")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("pickup_day") and data.get("pickup_time"):
            try:
                data["pickup_at"] = local_instant(
                    self.case.port, data["pickup_day"], data["pickup_time"], "pickup_time"
                )
            except forms.ValidationError as error:
                self.add_error("pickup_time", error)
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs = {
            name: data[name]
            for name in (
                "vendor",
                "pickup_at",
                "pickup_place",
                "dropoff",
                "dropoff_detail",
                "wheelchair_accessible",
                "child_seats",
                "luggage_count",
                "cost",
                "cost_reason",
                "notes",
            )
        }
        if "individuals" in data:
            kwargs["individuals"] = list(data["individuals"])
        return kwargs


class EscortForm(KeyedForm):
    kind = forms.ChoiceField(choices=EscortAssignment.Kind.choices, label="Escort")
    staff = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="IOM staff member (if a POE Ops user)",
    )
    name = forms.CharField(max_length=120, required=False, label="Name")
    organisation = forms.CharField(max_length=120, required=False)
    purpose = forms.ChoiceField(choices=EscortAssignment.Purpose.choices, label="For")
    leg = forms.CharField(max_length=120, required=False, label="Leg (e.g. DL1234 ATL → BOI)")

    def __init__(self, *args: Any, case: Case, staff: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["individuals"] = _people_field(case, "Who is escorted", required=True)
        self.fields["staff"].queryset = staff  # type: ignore[attr-defined]
        self.fields["staff"].label_from_instance = (  # type: ignore[attr-defined]
            lambda u: u.get_full_name() or u.get_username()
        )
        needing = [
            p.pk
            for p in case.individuals.all()
            if p.programme_status in ESCORT_STATUSES or ssr.has_escort_need(p.ssr_codes)
        ]
        if not self.is_bound and needing:
            self.initial.setdefault("individuals", needing)


PARTY_CHOICES = CustodyHandover.Party.choices


class CustodyForm(KeyedForm):
    """A link of the chain of custody recorded from the case page: people passing to the
    airline at the gate, a hospital, CBP or an IOM escort, or the documents IOM holds. (Handing
    people over at the end is the tablet's "Hand over…", which moves their step too.)"""

    subject = forms.ChoiceField(choices=CustodyHandover.Subject.choices, label="Handover of")
    from_kind = forms.ChoiceField(choices=PARTY_CHOICES, label="From")
    from_name = forms.CharField(max_length=120, label="From: name")
    from_organisation = forms.CharField(
        max_length=120, required=False, label="From: organisation", initial="IOM"
    )
    to_kind = forms.ChoiceField(choices=PARTY_CHOICES, label="To", initial="airline")
    to_name = forms.CharField(max_length=120, label="To: name of the receiving person")
    to_organisation = forms.CharField(max_length=120, label="To: organisation or relationship")
    to_id_type = forms.ChoiceField(
        choices=[("", "—"), *CustodyHandover.IdType.choices],
        required=False,
        label="To: identity document",
        help_text="Needed when people are handed to anyone outside IOM staff.",
    )
    to_id_last_digits = forms.CharField(
        max_length=6, required=False, label="To: last 4 characters of its number"
    )
    to_phone = forms.CharField(
        max_length=40,
        required=False,
        label="To: phone",
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    reason = forms.CharField(
        max_length=300,
        required=False,
        label="Why this receiver",
        help_text="Needed when an agency worker or U.S. tie is not the expected receiver.",
    )
    place = forms.CharField(max_length=200, label="Place")

    def __init__(self, *args: Any, case: Case, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields = {
            "subject": self.fields.pop("subject"),
            "individuals": PeopleField(
                queryset=case.individuals.order_by("person_number"),
                required=False,
                label="Who (or whose documents)",
                help_text="For documents, tick none for the whole case's.",
            ),
            **self.fields,
        }
        self.fields["from_signature"] = SignatureField(
            who="The signature of the one handing over", label="Signature: from"
        )
        self.fields["to_signature"] = SignatureField(
            who="The receiver's signature", label="Signature: to"
        )
        if not self.is_bound:
            if user is not None:
                self.initial.setdefault("from_name", user.get_full_name() or user.get_username())
            self.initial.setdefault("place", f"{case.port.iata} arrivals hall")

    def parties(self) -> tuple[Giver, Receiver]:
        data = self.cleaned_data
        return (
            Giver(data["from_kind"], data["from_name"], data["from_organisation"]),
            Receiver(
                data["to_kind"],
                data["to_name"],
                data["to_organisation"],
                phone=data["to_phone"],
                id_type=data["to_id_type"],
                id_last_digits=data["to_id_last_digits"],
            ),
        )
