"""The arrivals forms: the manifest upload (which port, which file: type and size checked before
reading) and the rebooking form (the flight being replaced, who, the new flight, and optionally
a hotel and transport in the same submit)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from arrivals.manifest.reading import MAX_UPLOAD_BYTES
from arrivals.models import Flight, InterpreterBooking, Segment
from arrivals.queries.board import FLAGS
from arrivals.services.flights import ARRIVAL_STATUSES, DEPARTURE_STATUSES
from arrivals.services.group_rebooking import GroupHotel, GroupRide
from arrivals.services.rebooking import NewFlight
from cases.forms import HotelForm, TransportForm, VendorChoiceField
from cases.models import Case, Individual, ResettlementAgency, Vendor
from cases.step_details import MAX_BAGS, check_detail
from cases.steps import ArrivalStep
from poe_ops.forms import KeyedForm, PeopleField, local_instant
from poe_ops.models import Port
from poe_ops.refusals import Refusal

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


class DayForm(forms.Form):
    """The day a page shows (``?date=YYYY-MM-DD``). ``today.requested_date`` reads it, keeping
    its own message for a malformed one; this form shows the picker."""

    date = forms.DateField(
        required=False, label="Day", widget=forms.DateInput(attrs={"type": "date"})
    )


class AgencyChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.code)


class BoardFiltersForm(DayForm):
    """The HQ board's filters; ``board._board_for`` reads them from the query string."""

    port = forms.ChoiceField(required=False)
    agency = AgencyChoice(
        queryset=ResettlementAgency.objects.filter(active=True),
        required=False,
        to_field_name="code",
        empty_label="All agencies",
    )
    flag = forms.ChoiceField(
        required=False, label="Needs", choices=[("", "Everyone"), *FLAGS.items()]
    )

    def __init__(self, *args: Any, ports: list[Port], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        port = self.fields["port"]
        assert isinstance(port, forms.ChoiceField)
        port.choices = [("", "All ports"), *((p.iata, p.iata) for p in ports)]


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


class FlightStatusForm(forms.Form):
    """A flight's status and times, typed in the port's local time. The times are read and
    checked by ``flights.update_flight``, whose refusals are keyed by these field names."""

    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in ARRIVAL_STATUSES],
        error_messages={
            "required": "Choose a status from the list.",
            "invalid_choice": "Choose a status from the list.",
        },
    )
    estimated_arrival = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty if the airline gives no estimate.",
    )
    actual_arrival = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Choosing “Landed” with this empty records the time now.",
    )

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estimated_arrival"].label = f"Estimated arrival ({port.iata} local time)"
        self.fields["actual_arrival"].label = f"Actual arrival ({port.iata} local time)"


class DepartureStatusForm(forms.Form):
    """A departing domestic flight's status, times and gate, typed in the port's local time;
    read and checked by ``flights.update_departure`` (its refusals keyed by these names)."""

    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in DEPARTURE_STATUSES],
        error_messages={
            "required": "Choose a status from the list.",
            "invalid_choice": "Choose a status from the list.",
        },
        help_text="Cancelled puts everyone booked on it into “needs rebooking” and tells HQ.",
    )
    estimated_departure = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Leave empty if the airline gives no estimate.",
    )
    actual_departure = forms.CharField(
        required=False,
        widget=forms.TextInput(attrs={"type": "datetime-local"}),
        help_text="Choosing “Departed” with this empty records the time now.",
    )
    gate = forms.CharField(
        required=False,
        max_length=8,
        label="Gate",
        help_text="e.g. B12",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["estimated_departure"].label = f"Estimated departure ({port.iata} local time)"
        self.fields["actual_departure"].label = f"Actual departure ({port.iata} local time)"


class StepDetailForm(KeyedForm):
    """What a step carries, asked in a small form when its button is tapped (the detail cannot
    be guessed). ``cases.step_details.check_detail`` decides; its refusals land on their fields."""

    step: str = ""

    @property
    def step_label(self) -> str:
        return str(ArrivalStep(self.step).label)

    def detail(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if name != "key"}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors:
            try:
                check_detail(self.step, self.detail())
            except Refusal as refusal:
                self.add_error(
                    refusal.field if refusal.field in self.fields else None, str(refusal)
                )
        return data


class BagsClaimedForm(StepDetailForm):
    step = ArrivalStep.BAGS_CLAIMED

    bags = forms.IntegerField(
        min_value=0,
        max_value=MAX_BAGS,
        label="Bags claimed",
        help_text="Checked bags collected from the belt; 0 for hand luggage only.",
        error_messages={"required": "Say how many bags were claimed (0 for none)."},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    tags = forms.CharField(
        required=False,
        max_length=600,
        label="Claim tags",
        help_text="The numbers on the bag-tag stubs, separated by spaces (10 digits each, or the "
        "airline code and 6 digits).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    missing = forms.IntegerField(
        min_value=0,
        max_value=MAX_BAGS,
        required=False,
        initial=0,
        label="Bags missing",
        help_text="Bags that did not come off the belt.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    pir = forms.CharField(
        required=False,
        max_length=12,
        label="Lost-bag report number",
        help_text="The airline's property irregularity report for the missing bags, e.g. "
        "ATLDL12345.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class HospitalForm(StepDetailForm):
    step = ArrivalStep.HOSPITAL

    hospital = forms.CharField(
        max_length=120,
        label="Hospital",
        help_text="Where the ambulance takes them.",
        error_messages={"required": "Name the hospital they are taken to."},
    )
    accompanied_by = forms.CharField(
        required=False,
        max_length=120,
        label="Who goes with them",
        help_text="Name and role: a family member, an IOM associate, an escort.",
    )


DETAIL_FORMS: dict[str, type[StepDetailForm]] = {
    ArrivalStep.BAGS_CLAIMED: BagsClaimedForm,
    ArrivalStep.HOSPITAL: HospitalForm,
}


def _segment_label(segment: Segment) -> str:
    flight = segment.flight
    who = ", ".join(str(p) for p in segment.individuals.all()) or "whole case"
    # "QR755 · Sun 29 Nov": an inbound leg by the day it lands, an onward one by the day it leaves.
    return (
        f"{segment.flight_label} {flight.origin} → {flight.destination} "
        f"({segment.get_direction_display().lower()}) — {who}"
    )


class RebookForm(KeyedForm):
    segment = forms.ChoiceField(label="Flight being replaced", widget=forms.RadioSelect)
    carrier = forms.CharField(max_length=3, label="New flight: airline", help_text="e.g. DL")
    number = forms.CharField(max_length=5, label="Flight number", help_text="e.g. 1234")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    departure = forms.TimeField(
        label="Departs (local time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    destination = forms.CharField(max_length=3, label="To (airport code)")
    reason = forms.CharField(
        max_length=200, required=False, label="Reason", initial="Missed connection"
    )
    with_hotel = forms.BooleanField(required=False, label="Book a hotel for the night")
    with_transport = forms.BooleanField(required=False, label="Book ground transport")

    def __init__(
        self,
        data: Any = None,
        *,
        case: Case,
        segments: list[Segment],
        person: Individual | None = None,
    ) -> None:
        super().__init__(data)
        self.case = case
        self.segments = {str(s.pk): s for s in segments}
        choices = [(k, _segment_label(s)) for k, s in self.segments.items()]
        self.fields["segment"].choices = choices  # type: ignore[attr-defined]
        self.fields["individuals"] = PeopleField(
            queryset=case.individuals.order_by("person_number"),
            required=False,
            label="Who is rebooked",
            help_text="Tick none for everyone on the flight being replaced.",
        )
        self.hotel = HotelForm(data, case=case, prefix="hotel")
        self.transport = TransportForm(data, case=case, prefix="ride", with_people=False)
        for sub in (self.hotel, self.transport):
            del sub.fields["key"]
        del self.hotel.fields["individuals"]
        if not self.is_bound:
            chosen = self._preselected(person, segments)
            if chosen is not None:
                old = chosen.flight
                self.initial.update(
                    segment=str(chosen.pk),
                    carrier=old.carrier,
                    date=old.scheduled_date + dt.timedelta(days=1),
                    destination=old.destination,
                    individuals=[p.pk for p in chosen.individuals.all()],
                )
            self.transport.initial["dropoff"] = "hotel"

    @staticmethod
    def _preselected(person: Individual | None, segments: list[Segment]) -> Segment | None:
        onward = [s for s in segments if s.direction == Segment.Direction.ONWARD]
        # A cancelled leg first: that is what needs replacing.
        onward.sort(key=lambda s: s.flight.status != Flight.Status.CANCELLED)
        if person is not None:
            for s in onward:
                named = {p.pk for p in s.individuals.all()}
                if not named or person.pk in named:
                    return s
        return onward[0] if onward else (segments[0] if segments else None)

    def is_valid(self) -> bool:
        valid = super().is_valid()
        if self.is_bound and self.cleaned_data.get("with_hotel"):
            valid = self.hotel.is_valid() and valid
        if self.is_bound and self.cleaned_data.get("with_transport"):
            valid = self.transport.is_valid() and valid
        return valid

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date") and data.get("departure"):
            try:
                data["departure_at"] = local_instant(
                    self.case.port, data["date"], data["departure"], "departure"
                )
            except forms.ValidationError as error:
                self.add_error("departure", error)
        return data

    @property
    def has_errors(self) -> bool:
        return bool(self.errors or self.hotel.errors or self.transport.errors)

    def new_flight(self) -> NewFlight:
        data = self.cleaned_data
        return NewFlight(
            carrier=data["carrier"],
            number=data["number"],
            date=data["date"],
            destination=data["destination"],
            departure=data.get("departure_at"),
        )

    def people(self) -> list[Individual]:
        return list(self.cleaned_data.get("individuals") or [])

    def hotel_kwargs(self, people: list[Individual]) -> dict[str, Any] | None:
        if not self.cleaned_data.get("with_hotel"):
            return None
        return self.hotel.service_kwargs(people)

    def transport_kwargs(self) -> dict[str, Any] | None:
        if not self.cleaned_data.get("with_transport"):
            return None
        return self.transport.service_kwargs()


class GroupRebookForm(KeyedForm):
    """Everyone booked on one flight moved to a new one in one submit, with a hotel (one
    booking per case) and a ride when they stay the night."""

    carrier = forms.CharField(max_length=3, label="New flight: airline", help_text="e.g. DL")
    number = forms.CharField(max_length=5, label="Flight number", help_text="e.g. 1234")
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    departure = forms.TimeField(
        label="Departs (local time)", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    reason = forms.CharField(max_length=200, required=False, label="Reason")
    with_hotel = forms.BooleanField(required=False, label="Book a hotel for the night (each case)")
    hotel = forms.ModelChoiceField(queryset=Vendor.objects.none(), required=False, label="Hotel")
    check_in = forms.DateField(
        required=False, label="Check-in date", widget=forms.DateInput(attrs={"type": "date"})
    )
    nights = forms.IntegerField(min_value=1, max_value=30, initial=1, required=False)
    people_per_room = forms.IntegerField(
        min_value=1,
        max_value=8,
        initial=4,
        required=False,
        label="People per room",
        help_text="Each case gets one room per this many of its people.",
    )
    room_rate = forms.DecimalField(
        required=False, min_value=0, max_digits=8, decimal_places=2, label="Room rate (USD a night)"
    )
    with_ride = forms.BooleanField(required=False, label="Book ground transport (each case)")
    company = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), required=False, label="Company"
    )
    pickup_time = forms.TimeField(
        required=False, label="Pickup time", widget=forms.TimeInput(attrs={"type": "time"})
    )
    pickup_place = forms.CharField(max_length=200, required=False, label="Pickup place")

    def __init__(self, data: Any = None, *, flight: Flight) -> None:
        super().__init__(data)
        self.flight = flight
        port = flight.port
        hotels = self.fields["hotel"]
        companies = self.fields["company"]
        assert isinstance(hotels, forms.ModelChoiceField)
        assert isinstance(companies, forms.ModelChoiceField)
        active = Vendor.objects.filter(port=port, active=True).order_by("name")
        hotels.queryset = active.filter(kind=Vendor.Kind.HOTEL)
        companies.queryset = active.filter(kind=Vendor.Kind.GROUND_TRANSPORT)
        if not self.is_bound:
            today = port.local_today()
            self.initial.update(
                carrier=flight.carrier,
                date=max(flight.scheduled_date + dt.timedelta(days=1), today),
                reason=f"{flight.code} {flight.get_status_display().lower()}",
                check_in=today,
                pickup_place=f"{port.iata} domestic departures",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        port = self.flight.port
        if data.get("date") and data.get("departure"):
            try:
                data["departure_at"] = local_instant(port, data["date"], data["departure"], "d")
            except forms.ValidationError as error:
                self.add_error("departure", error)
        if data.get("with_hotel"):
            for name in ("hotel", "check_in", "nights", "people_per_room"):
                if not data.get(name):
                    self.add_error(name, "Needed to book the hotel.")
        if data.get("with_ride"):
            for name in ("company", "pickup_time", "pickup_place"):
                if not data.get(name):
                    self.add_error(name, "Needed to book the ride.")
            day = data.get("check_in") or port.local_today()
            if data.get("pickup_time"):
                try:
                    data["pickup_at"] = local_instant(port, day, data["pickup_time"], "p")
                except forms.ValidationError as error:
                    self.add_error("pickup_time", error)
        return data

    def new_flight(self) -> NewFlight:
        data = self.cleaned_data
        return NewFlight(
            carrier=data["carrier"],
            number=data["number"],
            date=data["date"],
            destination=self.flight.destination,
            departure=data.get("departure_at"),
        )

    def group_hotel(self) -> GroupHotel | None:
        data = self.cleaned_data
        if not data.get("with_hotel"):
            return None
        return GroupHotel(
            vendor=data["hotel"],
            check_in=data["check_in"],
            nights=data["nights"],
            people_per_room=data["people_per_room"],
            room_rate=data.get("room_rate"),
        )

    def group_ride(self) -> GroupRide | None:
        data = self.cleaned_data
        if not data.get("with_ride"):
            return None
        dropoff = "hotel" if data.get("with_hotel") else "domestic_terminal"
        return GroupRide(data["company"], data["pickup_at"], data["pickup_place"], dropoff)


# --- the shift log and interpreter bookings -----------------------------------------------------


class FlightChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        when = obj.latest_arrival.astimezone(obj.port.zone) if obj.latest_arrival else None
        return f"{obj.code} from {obj.origin}" + (f", {when:%H:%M}" if when else "")


def _flights_around(port: Port, day: dt.date) -> QuerySet[Flight]:
    """The port's flights of ``day`` and the day before (a night shift spans two dates)."""
    return (
        Flight.objects.filter(
            port=port,
            scheduled_date__gte=day - dt.timedelta(days=1),
            scheduled_date__lte=day + dt.timedelta(days=1),
        )
        .select_related("port")
        .order_by("scheduled_arrival", "carrier", "number")
    )


class CaseNumberField(forms.CharField):
    """A case of the port by its number; ``clean`` gives the case, or says it is not here."""

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.port = port

    def clean(self, value: Any) -> Any:
        number = str(super().clean(value) or "").strip().upper()
        if not number:
            return None
        case = Case.objects.filter(port=self.port, case_number=number).first()
        if case is None:
            raise forms.ValidationError(f"No case {number} at {self.port.iata}.")
        return case


class ShiftLogForm(KeyedForm):
    text = forms.CharField(
        label="What happened, what the next shift must know",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    time = forms.TimeField(
        required=False,
        label="At (local time)",
        help_text="Empty: now.",
        widget=forms.TimeInput(attrs={"type": "time"}),
    )
    flight = FlightChoice(queryset=Flight.objects.none(), required=False, empty_label="—")
    for_supervisor = forms.BooleanField(
        required=False,
        label="For the supervisor (sent to the officer on duty now)",
    )

    def __init__(self, *args: Any, port: Port, day: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.port, self.day = port, day
        self.fields["flight"].queryset = _flights_around(port, day)  # type: ignore[attr-defined]
        self.fields["case"] = CaseNumberField(label="Case number", port=port)
        self.order_fields(["text", "time", "flight", "case", "for_supervisor", "key"])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("time") is not None:
            now = self.port.local_now()
            day = now.date()
            # A time later than now was yesterday evening's (a night shift writing at 02:00).
            if data["time"] > now.time().replace(second=59, microsecond=0):
                day -= dt.timedelta(days=1)
            try:
                data["at"] = local_instant(self.port, day, data["time"], "time")
            except forms.ValidationError as error:
                self.add_error("time", error)
        return data


class InterpreterForm(KeyedForm):
    vendor: forms.ModelChoiceField[Vendor] = forms.ModelChoiceField(
        queryset=Vendor.objects.none(), label="Interpreter service"
    )
    language = forms.CharField(
        max_length=60,
        help_text="Its name (Dari, Tigrinya) or ISO 639 code (prs).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label="From (local time)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    hours = forms.DecimalField(
        min_value=Decimal("0.25"), max_value=Decimal("12"), decimal_places=2, initial=Decimal("2")
    )
    mode = forms.ChoiceField(label="How", choices=InterpreterBooking.Mode.choices)
    flight = FlightChoice(queryset=Flight.objects.none(), required=False, empty_label="—")
    cost = forms.DecimalField(
        label="Cost (USD)",
        required=False,
        min_value=Decimal("0"),
        max_digits=10,
        decimal_places=2,
        help_text="Leave empty to use the contracted hourly rate.",
    )
    cost_reason = forms.CharField(
        required=False,
        max_length=300,
        label="Why the cost differs",
        help_text="Needed only when the cost typed differs from the contracted rate.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, port: Port, day: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.port = port
        self.fields["vendor"] = VendorChoiceField(port, "interpreter")
        self.fields["vendor"].label = "Interpreter service"
        self.fields["flight"].queryset = _flights_around(port, day)  # type: ignore[attr-defined]
        self.fields["case"] = CaseNumberField(
            label="Case number", port=port, help_text="A flight, a case, or both."
        )
        self.order_fields(
            ["vendor", "language", "day", "start_time", "hours", "mode", "flight", "case"]
        )
        if not self.is_bound:
            self.initial.setdefault("day", day)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("day") and data.get("start_time"):
            try:
                data["starts_at"] = local_instant(
                    self.port, data["day"], data["start_time"], "start_time"
                )
            except forms.ValidationError as error:
                self.add_error("start_time", error)
        if not self.errors and not data.get("flight") and not data.get("case"):
            self.add_error("flight", "Say which flight or case the interpreter is for.")
        return data

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = ("vendor", "language", "starts_at", "hours", "mode", "flight", "case")
        return {
            **{name: data[name] for name in names},
            "cost": data["cost"],
            "cost_reason": data["cost_reason"],
            "notes": data["notes"],
            "idempotency_key": data["key"],
        }
