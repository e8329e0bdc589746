from __future__ import annotations

from django.contrib import admin

from arrivals.models import Flight, ImportBatch, Segment, StepEvent


@admin.register(Flight)
class FlightAdmin(admin.ModelAdmin[Flight]):
    list_display = ["code", "scheduled_date", "port", "origin", "destination", "status"]
    list_filter = ["port", "status", "scheduled_date"]
    search_fields = ["carrier", "number"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin[Segment]):
    list_display = ["case", "flight", "direction", "replaced_by"]
    raw_id_fields = ["case", "flight", "replaced_by"]


@admin.register(StepEvent)
class StepEventAdmin(admin.ModelAdmin[StepEvent]):
    list_display = ["at", "individual", "from_step", "to_step", "accepted", "actor"]
    list_filter = ["port", "to_step", "accepted"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin[ImportBatch]):
    list_display = ["uploaded_at", "port", "file_name", "status", "row_count", "uploaded_by"]
    list_filter = ["port", "status"]
