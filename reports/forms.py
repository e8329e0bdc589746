"""The incident form (the same for a new draft, its autosave and a returned report) and the
list's filters. Everything a form can link to is looked up within the report's port."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import format_html

from arrivals.models import Flight
from cases.models import Case, Individual
from poe_ops.forms import KeyedForm
from poe_ops.localtime import LocalTimeError, to_utc
from poe_ops.models import Port, ReviewStatus
from poe_ops.text import display_name
from reports.models import IncidentCategory, IncidentReport, IncidentSeverity
from reports.queries import periods
from reports.services import attachments
from reports.services.incidents import staff_of

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
TEXT_LIMIT = 20_000


def local_input(value: dt.datetime | None, port: Port) -> str:
    """A UTC instant as the value of a ``datetime-local`` input at ``port``."""
    return timezone.localtime(value, port.zone).strftime(LOCAL_INPUT) if value else ""


class StaffField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return display_name(obj)


class IncidentForm(forms.Form):
    """Every field is optional here, so an autosave keeps whatever is valid so far;
    ``reports.services.incidents.submit_incident`` insists on what an officer needs. Any flight or
    person of the port is accepted; the form offers only those of ``offer_flights`` and
    ``offer_people``."""

    occurred_at = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"type": "datetime-local"})
    )
    flight = forms.ModelChoiceField(
        queryset=Flight.objects.none(),
        required=False,
        label=format_html('{} <span class="muted">(optional)</span>', "Flight"),
        error_messages={"invalid_choice": "That flight is not one handled at this port."},
    )
    case_number = forms.CharField(
        required=False,
        max_length=32,
        label=format_html('{} <span class="muted">(optional)</span>', "Case number"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    individuals = forms.ModelMultipleChoiceField(
        queryset=Individual.objects.none(),
        required=False,
        label="People involved",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Someone chosen is not on a case at this port."},
    )
    category = forms.ChoiceField(
        choices=[("", "Choose…"), *IncidentCategory.choices],
        required=False,
        label="What kind of incident",
    )
    severity = forms.ChoiceField(
        choices=[("", "Choose…"), *IncidentSeverity.choices],
        required=False,
        label="How serious",
        help_text="High, critical and every medical emergency alert Operations HQ as soon as "
        "you submit.",
    )
    narrative = forms.CharField(
        required=False,
        max_length=TEXT_LIMIT,
        label="What happened",
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    actions_taken = forms.CharField(
        required=False,
        max_length=TEXT_LIMIT,
        label="Immediate actions taken",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_needed = forms.CharField(
        required=False,
        max_length=TEXT_LIMIT,
        label="Follow-up needed",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    staff_concerned = StaffField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Staff the report is about",
        help_text="A member of staff you name here never sees this report, whatever their role.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Someone chosen does not work at this port."},
    )

    def __init__(self, *args: Any, port: Port, author: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.port = port
        staff = self.fields["staff_concerned"]
        assert isinstance(staff, forms.ModelMultipleChoiceField)
        staff.queryset = staff_of(port).exclude(pk=getattr(author, "pk", None))
        flights = self.fields["flight"]
        people = self.fields["individuals"]
        assert isinstance(flights, forms.ModelChoiceField)
        assert isinstance(people, forms.ModelMultipleChoiceField)
        flights.queryset = Flight.objects.filter(port=port)
        people.queryset = Individual.objects.filter(case__port=port).select_related("case")
        self.fields["occurred_at"].label = format_html(
            'When it happened <span class="muted">({} time)</span>', port.iata
        )
        self.fields["category"].help_text = (
            "Protection / PSEA concerns go to the protection focal points at Operations HQ, "
            f"not to the {port.iata} officers. Unaccompanied-minor concerns are seen only by "
            f"you, the {port.iata} officers and HQ; what happened in a medical emergency only "
            "by them and the medical focal point."
        )

    def offer_flights(self, flights: list[Flight]) -> None:
        """The flights the form lists (any flight of the port is still accepted)."""
        self.fields["flight"].widget.choices = [
            ("", "No flight"),
            *(
                (
                    f.pk,
                    f"{f.label_at(self.port.iata)} from {f.origin}"
                    if f.destination == self.port.iata
                    else f"{f.label_at(self.port.iata)} to {f.destination}",
                )
                for f in flights
            ),
        ]

    def offer_people(self, people: list[Individual]) -> None:
        """The people the form offers to tick, each with their case and relationship."""
        field = self.fields["individuals"]
        field.widget.choices = [
            (
                p.pk,
                format_html(
                    '{} <span class="muted">{} · {}</span>',
                    p,
                    p.case.case_number,
                    p.get_relationship_display(),
                ),
            )
            for p in people
        ]
        # The bound field copies the hint when first used (the views read its value early).
        self["individuals"].help_text = (
            "" if people else "Give a case number or a flight to choose the people involved."
        )

    def clean_occurred_at(self) -> dt.datetime | None:
        raw = (self.cleaned_data.get("occurred_at") or "").strip()
        if not raw:
            return None
        try:
            naive = dt.datetime.strptime(raw, LOCAL_INPUT)
        except ValueError:
            raise forms.ValidationError(
                f"“{raw}” is not a date and time; use the picker or YYYY-MM-DD HH:MM."
            ) from None
        try:
            return to_utc(naive, self.port.time_zone)
        except LocalTimeError as error:
            raise forms.ValidationError(f"Check the time: {error}") from None

    def clean_case_number(self) -> Case | None:
        number = (self.cleaned_data.get("case_number") or "").strip().upper()
        if not number:
            return None
        case = Case.objects.filter(port=self.port, case_number__iexact=number).first()
        if case is None:
            raise forms.ValidationError(f"There is no case {number} at {self.port.iata}.")
        return case

    def draft_data(self) -> dict[str, Any]:
        """The valid fields only, as the service takes them (call after ``is_valid``)."""
        data = {
            name: value
            for name, value in self.cleaned_data.items()
            if name not in self.errors and name != "case_number"
        }
        if "case_number" in self.cleaned_data:
            data["case"] = self.cleaned_data["case_number"]
        for name in ("narrative", "actions_taken", "follow_up_needed"):
            if name in data:
                data[name] = data[name].replace("\r\n", "\n")
        return data

    @classmethod
    def initial_for(cls, report: IncidentReport) -> dict[str, Any]:
        return {
            "occurred_at": local_input(report.occurred_at, report.port),
            "flight": report.flight_id,
            "case_number": report.case.case_number if report.case else "",
            "individuals": [p.pk for p in report.individuals.all()],
            "category": report.category,
            "severity": report.severity,
            "narrative": report.narrative,
            "actions_taken": report.actions_taken,
            "follow_up_needed": report.follow_up_needed,
            "staff_concerned": [s.pk for s in report.staff_concerned.all()],
        }


class AttachmentForm(forms.Form):
    """A photo or scan added to a report; ``attachments.add_attachment`` checks what it is."""

    file = forms.FileField(
        label="Add a photo or scan",
        help_text=f"JPEG, PNG or HEIC photos and PDF scans, up to "
        f"{attachments.MAX_BYTES // 1024 // 1024} MB each.",
        widget=forms.FileInput(attrs={"accept": ",".join(attachments.EXTENSIONS)}),
    )


class PortChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.iata)


class IncidentFilters(forms.Form):
    """The filters of ``/incidents/``; an invalid one is ignored and shown as an error."""

    port = PortChoice(queryset=Port.objects.none(), required=False, to_field_name="iata")
    category = forms.ChoiceField(choices=[("", "All"), *IncidentCategory.choices], required=False)
    severity = forms.ChoiceField(choices=[("", "All"), *IncidentSeverity.choices], required=False)
    status = forms.ChoiceField(choices=[("", "All"), *ReviewStatus.choices], required=False)
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, ports: QuerySet[Port], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["port"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ports
        field.empty_label = "All my ports"

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "“To” is before “From”.")
        return data

    def apply(self, queryset: QuerySet[IncidentReport]) -> QuerySet[IncidentReport]:
        """Filter by the valid fields. Dates are the day of the incident at its port, read
        as the port-local day (each report's own port time zone)."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors and v}
        if "port" in data:
            queryset = queryset.filter(port=data["port"])
        for name in ("category", "severity", "status"):
            if name in data:
                queryset = queryset.filter(**{name: data[name]})
        start, end = data.get("date_from"), data.get("date_to")
        if start or end:
            # The widest UTC window first (cheap, indexed), then each port's own day.
            ids = []
            rows = queryset.filter(occurred_at__isnull=False)
            if start:
                rows = rows.filter(occurred_at__gte=_utc_bound(start, -14))
            if end:
                rows = rows.filter(occurred_at__lt=_utc_bound(end + dt.timedelta(days=1), 14))
            for pk, at, zone in rows.values_list("pk", "occurred_at", "port__time_zone"):
                day = timezone.localtime(at, _zone(zone)).date()
                if (not start or day >= start) and (not end or day <= end):
                    ids.append(pk)
            queryset = queryset.filter(pk__in=ids)
        return queryset


def _utc_bound(day: dt.date, hours: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC) + dt.timedelta(hours=hours)


def _zone(name: str) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(name or "UTC")


INCIDENT_LABELS = {
    "occurred_at": "When it happened",
    "flight": "Flight",
    "case_number": "Case number",
    "individuals": "People involved",
    "category": "Kind of incident",
    "severity": "How serious",
    "narrative": "What happened",
    "actions_taken": "Immediate actions taken",
    "follow_up_needed": "Follow-up needed",
    "staff_concerned": "Staff the report is about",
}


def errors_text(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)


class StatisticsFilters(forms.Form):
    """The filters of ``/statistics/``, all in the URL: a period (any day in it; a custom one
    from ``start`` to ``end``) and, optionally, one of the reader's ports."""

    period = forms.ChoiceField(
        choices=[
            (periods.WEEK, "Week"),
            (periods.MONTH, "Month"),
            (periods.QUARTER, "Quarter"),
            (periods.CUSTOM, "From … to …"),
        ],
        required=False,
    )
    start = forms.DateField(
        required=False,
        label="Day in the period",
        help_text="Any day of the week, month or quarter; the first day of your own.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        required=False,
        label="Last day",
        help_text="For “From … to …”.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    port = PortChoice(queryset=Port.objects.none(), required=False, to_field_name="iata")

    def __init__(self, *args: Any, ports: QuerySet[Port], today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["port"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = ports
        field.empty_label = "All my ports"
        field.error_messages["invalid_choice"] = "That is not one of your ports."
        self.today = today

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("period") or periods.MONTH
        start, end = data.get("start"), data.get("end")
        if kind == periods.CUSTOM:
            if not start:
                self.add_error("start", "Give the first day of the period.")
            elif not end:
                self.add_error("end", "Give the last day of the period.")
            elif end < start:
                self.add_error("end", "The last day is before the first.")
            elif (end - start).days + 1 > periods.LONGEST_CUSTOM_DAYS:
                self.add_error(
                    "end",
                    f"A period is at most {periods.LONGEST_CUSTOM_DAYS} days; "
                    "choose a shorter one.",
                )
        return data

    def chosen_period(self) -> periods.Period:
        """The period asked for (this month when nothing is asked); call once valid."""
        data = self.cleaned_data
        kind = data.get("period") or periods.MONTH
        start = data.get("start") or self.today
        return periods.period_of(kind, start, last=data.get("end"))

    def chosen_ports(self, ports: QuerySet[Port]) -> list[Port]:
        port = self.cleaned_data.get("port")
        return [port] if port else list(ports)


class SignOffForm(KeyedForm):
    """Signing a day off: a note for each open item (``note-<item key>``), built from the
    items the page shows."""

    def __init__(self, *args: Any, items: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"note-{item.key}"] = forms.CharField(
                required=False,
                max_length=500,
                label=item.text,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def notes(self) -> dict[str, str]:
        return {item.key: self.cleaned_data.get(f"note-{item.key}") or "" for item in self.items}

    def grouped(self, groups: list[tuple[str, list[Any]]]) -> list[tuple[str, list[Any]]]:
        """``(label, [(item, its note field)])`` for each group of items the page shows."""
        return [(label, [(i, self[f"note-{i.key}"]) for i in items]) for label, items in groups]
