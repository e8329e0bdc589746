from __future__ import annotations

from django.contrib import admin

from staffing.models import (
    Credential,
    LeaveRequest,
    Shift,
    StaffLanguage,
    StaffProfile,
    Timesheet,
    TimesheetEntry,
)


class StaffLanguageInline(admin.TabularInline[StaffLanguage, StaffProfile]):
    model = StaffLanguage
    extra = 1


class CredentialInline(admin.TabularInline[Credential, StaffProfile]):
    model = Credential
    extra = 1


@admin.register(StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin[StaffProfile]):
    list_display = ["__str__", "role"]
    list_filter = ["role", "home_ports"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    filter_horizontal = ["home_ports"]
    inlines = [StaffLanguageInline, CredentialInline]


@admin.register(Credential)
class CredentialAdmin(admin.ModelAdmin[Credential]):
    list_display = ["profile", "kind", "number", "authority", "expires"]
    list_filter = ["kind"]
    search_fields = ["number", "profile__user__last_name"]
    date_hierarchy = "expires"


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin[Shift]):
    list_display = ["start", "end", "port", "staff", "position"]
    list_filter = ["port", "position"]
    raw_id_fields = ["staff", "created_by"]
    date_hierarchy = "start"


@admin.register(LeaveRequest)
class LeaveRequestAdmin(admin.ModelAdmin[LeaveRequest]):
    list_display = ["author", "port", "kind", "first_day", "last_day", "status"]
    list_filter = ["port", "status", "kind"]
    raw_id_fields = ["author", "decided_by"]


class TimesheetEntryInline(admin.TabularInline[TimesheetEntry, Timesheet]):
    model = TimesheetEntry
    extra = 0


@admin.register(Timesheet)
class TimesheetAdmin(admin.ModelAdmin[Timesheet]):
    list_display = ["author", "port", "month", "status", "decided_by"]
    list_filter = ["port", "status"]
    raw_id_fields = ["author", "decided_by"]
    inlines = [TimesheetEntryInline]
