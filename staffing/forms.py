"""Forms for the roster, leave, timesheets, staff profiles, credentials and the on-call rota.
Times are typed in the port's local time."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.contrib.auth.models import User as Person
from django.template.defaultfilters import floatformat

from poe_ops.forms import KeyedForm, in_table
from poe_ops.localtime import LocalTimeError, to_utc
from poe_ops.models import Port
from poe_ops.text import display_name
from staffing.models import Credential, LeaveRequest, Position, StaffLanguage, TimesheetEntry
from staffing.services.timesheets import DayInput

WEEK_RE = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_week(raw: str) -> dt.date | None:
    """'2026-W48' → the Monday of that ISO week; None when malformed."""
    match = WEEK_RE.match(raw.strip())
    if not match:
        return None
    try:
        return dt.date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


def iso_week(monday: dt.date) -> str:
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_month(raw: str) -> dt.date | None:
    match = MONTH_RE.match(raw.strip())
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None


class ShiftForm(forms.Form):
    """One shift: who (for a new one), the local day, start and end; an end at or before the
    start means the shift ends the next morning."""

    staff = forms.TypedChoiceField(label="Staff member", coerce=int)
    day = forms.DateField(label="Day", widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label="Starts", widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(label="Ends", widget=forms.TimeInput(attrs={"type": "time"}))
    position = forms.ChoiceField(choices=Position.choices)
    notes = forms.CharField(required=False, max_length=200)
    override_reason = forms.CharField(
        label="Officer's override reason (badge)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only when rostering someone without a valid airport badge airside. "
        "It is recorded with your name.",
    )

    def __init__(
        self,
        *args: Any,
        port: Port,
        staff: list[Person],
        fixed_staff: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.port = port
        self.staff_by_pk = {u.pk: u for u in staff}
        staff_field = self.fields["staff"]
        assert isinstance(staff_field, forms.ChoiceField)
        staff_field.choices = [(u.pk, display_name(u)) for u in staff]
        if fixed_staff:
            del self.fields["staff"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        day, start, end = data.get("day"), data.get("start_time"), data.get("end_time")
        if day is None or start is None or end is None:
            return data
        end_day = day + dt.timedelta(days=1) if end <= start else day
        try:
            data["start"] = to_utc(dt.datetime.combine(day, start), self.port.time_zone)
            data["end"] = to_utc(dt.datetime.combine(end_day, end), self.port.time_zone)
        except LocalTimeError as error:
            raise forms.ValidationError(f"That shift time is unsure: {error}") from None
        return data

    def chosen_staff(self) -> Person:
        return self.staff_by_pk[self.cleaned_data["staff"]]


class LeaveForm(forms.ModelForm[LeaveRequest]):
    class Meta:
        model = LeaveRequest
        fields = ["kind", "first_day", "last_day", "reason"]
        widgets = {
            "first_day": forms.DateInput(attrs={"type": "date"}),
            "last_day": forms.DateInput(attrs={"type": "date"}),
            "reason": forms.Textarea(attrs={"rows": 3}),
        }


class TimesheetDaysForm(forms.Form):
    """A month's days as a table: a row per day, a column per figure, each box named by both
    ("Overtime Sat 10 Oct"). Figures are kept as typed: ``timesheets.update_days`` checks them
    and names the day and the column of every problem."""

    COLUMNS = (
        ("hours", "Regular hours"),
        ("overtime", "Overtime"),
        ("night", "Night hours"),
        ("notes", "Notes"),
    )

    def __init__(self, *args: Any, entries: list[TimesheetEntry], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        for entry in entries:
            key, day = entry.day.isoformat(), f"{entry.day:%a} {entry.day.day} {entry.day:%b}"
            figures = (entry.hours, entry.overtime, entry.night_hours)
            for (name, label), value in zip(self.COLUMNS, figures, strict=False):
                self.fields[f"{name}-{key}"] = in_table(
                    forms.CharField(
                        required=False,
                        strip=False,
                        initial=floatformat(value, -2),
                        widget=forms.TextInput(
                            attrs={"inputmode": "decimal", "class": "hours-input"}
                        ),
                    ),
                    f"{label} {day}",
                )
            self.fields[f"notes-{key}"] = in_table(
                forms.CharField(required=False, strip=False, initial=entry.notes, max_length=200),
                f"Notes {day}",
            )

    def rows(self) -> list[tuple[TimesheetEntry, list[Any]]]:
        return [
            (e, [self[f"{name}-{e.day.isoformat()}"] for name, _ in self.COLUMNS])
            for e in self.entries
        ]

    def days(self) -> dict[dt.date, DayInput]:
        """What was posted for each day shown (a day not in the post is left alone)."""
        days = {}
        for entry in self.entries:
            key = entry.day.isoformat()
            if f"hours-{key}" not in self.data:
                continue
            days[entry.day] = DayInput(
                hours=self.data.get(f"hours-{key}", ""),
                overtime=self.data.get(f"overtime-{key}", ""),
                night_hours=self.data.get(f"night-{key}", ""),
                notes=self.data.get(f"notes-{key}", ""),
            )
        return days


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "Approve"), ("return", "Return")])
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Comment (required to return it)",
    )
    release_shifts = forms.BooleanField(required=False)

    def __init__(self, *args: Any, shifts: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if shifts:
            self.fields["release_shifts"].label = release_label(shifts)
            self.fields["release_shifts"].initial = True
        else:
            del self.fields["release_shifts"]


def release_label(shifts: int) -> str:
    return (
        f"When approving, take them off the {shifts} shift{'s' if shifts != 1 else ''} "
        "rostered in it"
    )


class ReleaseShiftsForm(forms.Form):
    """The choice offered beside Approve on a leave request that overlaps rostered shifts."""

    release_shifts = forms.BooleanField(required=False, initial=True)

    def __init__(self, *args: Any, shifts: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["release_shifts"].label = release_label(shifts)


# --- staff, credentials, on-call ---------------------------------------------------------------

DATE = {"widget": forms.DateInput(attrs={"type": "date"})}
SCAN_HELP = "A photo or scan of the card or certificate: JPEG, PNG, PDF or HEIC, at most 10 MB."


class PhoneForm(forms.Form):
    phone = forms.CharField(
        required=False,
        max_length=40,
        label="Phone",
        help_text="The number the port rings them on.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


class LanguageForm(forms.Form):
    code = forms.CharField(
        max_length=60,
        label="Language",
        help_text="Its name (Dari, Pashto, Tigrinya) or ISO 639 code (prs).",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    level = forms.ChoiceField(choices=StaffLanguage.Level.choices, initial="fluent")


class CredentialForm(KeyedForm):
    kind = forms.ChoiceField(choices=Credential.Kind.choices)
    title = forms.CharField(
        required=False, max_length=120, help_text="For “Training: other”: which training."
    )
    number = forms.CharField(
        required=False, max_length=60, label="Number", help_text="Badge or certificate number."
    )
    authority = forms.CharField(
        required=False,
        max_length=120,
        label="Issuing authority",
        help_text="e.g. ATL Airport Authority, CBP, IOM.",
    )
    issued = forms.DateField(required=False, **DATE)  # type: ignore[arg-type]
    expires = forms.DateField(
        required=False,
        help_text="Empty: does not expire.",
        **DATE,  # type: ignore[arg-type]
    )
    scan = forms.FileField(
        required=False,
        help_text=SCAN_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.heic"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        issued, expires = data.get("issued"), data.get("expires")
        if issued and expires and expires < issued:
            self.add_error("expires", "It expires before it was issued.")
        return data


class RenewForm(forms.Form):
    expires = forms.DateField(label="New expiry", **DATE)  # type: ignore[arg-type]
    issued = forms.DateField(required=False, label="Issued on", **DATE)  # type: ignore[arg-type]
    number = forms.CharField(
        required=False, max_length=60, help_text="Empty: the same number as before."
    )
    authority = forms.CharField(
        required=False,
        max_length=120,
        label="Issuing authority",
        help_text="Empty: the same as before.",
    )
    scan = forms.FileField(
        required=False,
        help_text=SCAN_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf,.heic"}),
    )


class OnCallForm(forms.Form):
    """One night of the rota: who, and the number to ring (their profile's, unless typed)."""

    person = forms.TypedChoiceField(label="On call", coerce=int)
    phone = forms.CharField(
        required=False,
        max_length=40,
        label="Phone to ring",
        help_text="Empty: their number on the staff list.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    note = forms.CharField(required=False, max_length=200)

    def __init__(self, *args: Any, people: list[Person], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {u.pk: u for u in people}
        person_field = self.fields["person"]
        assert isinstance(person_field, forms.ChoiceField)
        person_field.choices = [("", "Choose…"), *[(u.pk, display_name(u)) for u in people]]

    def chosen(self) -> Person:
        return self.people[self.cleaned_data["person"]]
