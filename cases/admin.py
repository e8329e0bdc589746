from __future__ import annotations

from django.contrib import admin

from cases.models import (
    AgencyOffice,
    Case,
    CaseRevision,
    Individual,
    ResettlementAgency,
    Vendor,
)


@admin.register(ResettlementAgency)
class ResettlementAgencyAdmin(admin.ModelAdmin[ResettlementAgency]):
    """Operations HQ keeps agencies on its own screens (/agencies/), audited; here for
    administrators."""

    list_display = ["code", "name", "active", "ended_on"]


@admin.register(AgencyOffice)
class AgencyOfficeAdmin(admin.ModelAdmin[AgencyOffice]):
    list_display = ["name", "agency", "city", "state", "duty_phone", "notify", "active"]
    list_filter = ["agency", "active", "notify"]
    search_fields = ["name", "city"]


class IndividualInline(admin.TabularInline[Individual, Case]):
    model = Individual
    extra = 0
    fields = [
        "person_number",
        "given_names",
        "surname",
        "date_of_birth",
        "programme_status",
        "current_step",
    ]
    readonly_fields = ["programme_status", "current_step"]  # changed on the case page, audited


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin[Case]):
    list_display = ["case_number", "abn_number", "abn_version", "port", "agency", "status"]
    list_filter = ["port", "agency", "status"]
    search_fields = ["case_number", "abn_number"]
    inlines = [IndividualInline]


@admin.register(CaseRevision)
class CaseRevisionAdmin(admin.ModelAdmin[CaseRevision]):
    list_display = ["case", "abn_version", "replaced_at", "replaced_by"]


@admin.register(Vendor)
class VendorAdmin(admin.ModelAdmin[Vendor]):
    list_display = ["name", "kind", "port", "phone", "active"]
    list_filter = ["port", "kind", "active"]
    search_fields = ["name"]
