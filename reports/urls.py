from django.urls import path

from reports import incident_views, timesheets, views

app_name = "reports"

urlpatterns = [
    path("ports/<str:iata>/documents/manifest/", views.request_manifest, name="request_manifest"),
    path(
        "cases/<str:case_number>/documents/arrival-sheet/",
        views.request_case_sheet,
        name="request_case_sheet",
    ),
    path(
        "hotel-bookings/<int:pk>/documents/form/",
        views.request_hotel_form,
        name="request_hotel_form",
    ),
    path(
        "custody-handovers/<int:pk>/documents/form/",
        views.request_custody_form,
        name="request_custody_form",
    ),
    path(
        "ports/<str:iata>/documents/transport-manifest/",
        views.request_transport_manifest,
        name="request_transport_manifest",
    ),
    path(
        "staffing/timesheets/<int:pk>/pdf/",
        timesheets.request_timesheet,
        name="request_timesheet_pdf",
    ),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/download/", views.download, name="download"),
    path("incidents/", incident_views.incident_list, name="incidents"),
    path("ports/<str:iata>/incidents/new/", incident_views.new_incident, name="incident_new"),
    path(
        "ports/<str:iata>/incidents/autosave/",
        incident_views.autosave,
        name="incident_autosave",
    ),
    path("incidents/<int:pk>/", incident_views.incident_detail, name="incident"),
    path("incidents/<int:pk>/edit/", incident_views.edit_incident, name="incident_edit"),
    path("incidents/<int:pk>/submit/", incident_views.submit, name="incident_submit"),
    path(
        "incidents/<int:pk>/attachments/",
        incident_views.add_attachment,
        name="incident_add_attachment",
    ),
    path(
        "incidents/<int:pk>/attachments/<int:attachment_pk>/",
        incident_views.attachment,
        name="incident_attachment",
    ),
    path("incidents/<int:pk>/pdf/", incident_views.request_pdf, name="incident_pdf"),
]
