"""The incident form (the same for a new draft, its autosave and a returned report) and the
list's filters. Everything a form can link to is looked up within the report's port."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils import timezone

from arrivals.models import Flight
from cases.models import Case, Individual
from poe_ops.localtime import LocalTimeError, to_utc
from poe_ops.models import Port, ReviewStatus
from reports.models import IncidentCategory, IncidentReport, IncidentSeverity

LOCAL_INPUT = "%Y-%m-%dT%H:%M"
TEXT_LIMIT = 20_000


def local_input(value: dt.datetime | None, port: Port) -> str:
    """A UTC instant as the value of a ``datetime-local`` input at ``port``."""
    return timezone.localtime(value, port.zone).strftime(LOCAL_INPUT) if value else ""


class IncidentForm(forms.Form):
    """Every field is optional here, so an autosave keeps whatever is valid so far;
    ``reports.services.incidents.submit_incident`` insists on what an officer needs."""

    occurred_at = forms.CharField(required=False)
    flight = forms.ModelChoiceField(
        queryset=Flight.objects.none(),
        required=False,
        error_messages={"invalid_choice": "That flight is not one handled at this port."},
    )
    case_number = forms.CharField(required=False, max_length=32)
    individuals = forms.ModelMultipleChoiceField(
        queryset=Individual.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Someone chosen is not on a case at this port."},
    )
    category = forms.ChoiceField(
        choices=[("", "Choose…"), *IncidentCategory.choices], required=False
    )
    severity = forms.ChoiceField(
        choices=[("", "Choose…"), *IncidentSeverity.choices], required=False
    )
    narrative = forms.CharField(required=False, max_length=TEXT_LIMIT)
    actions_taken = forms.CharField(required=False, max_length=TEXT_LIMIT)
    follow_up_needed = forms.CharField(required=False, max_length=TEXT_LIMIT)

    def __init__(self, *args: Any, port: Port, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.port = port
        flights = self.fields["flight"]
        people = self.fields["individuals"]
        assert isinstance(flights, forms.ModelChoiceField)
        assert isinstance(people, forms.ModelMultipleChoiceField)
        flights.queryset = Flight.objects.filter(port=port)
        people.queryset = Individual.objects.filter(case__port=port).select_related("case")

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
        }


class PortChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.iata)


class IncidentFilters(forms.Form):
    """The filters of ``/incidents/``; an invalid one is ignored and shown as an error."""

    port = PortChoice(queryset=Port.objects.none(), required=False, to_field_name="iata")
    category = forms.ChoiceField(choices=[("", "All"), *IncidentCategory.choices], required=False)
    severity = forms.ChoiceField(choices=[("", "All"), *IncidentSeverity.choices], required=False)
    status = forms.ChoiceField(choices=[("", "All"), *ReviewStatus.choices], required=False)
    date_from = forms.DateField(required=False, label="From")
    date_to = forms.DateField(required=False, label="To")

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
}


def errors_text(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [m for messages_ in error.message_dict.values() for m in messages_]
    return list(error.messages)
