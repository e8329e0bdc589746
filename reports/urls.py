from django.urls import path

from reports import timesheets, views

app_name = "reports"

urlpatterns = [
    path("ports/<str:iata>/documents/manifest/", views.request_manifest, name="request_manifest"),
    path(
        "cases/<str:case_number>/documents/arrival-sheet/",
        views.request_case_sheet,
        name="request_case_sheet",
    ),
    path(
        "staffing/timesheets/<int:pk>/pdf/",
        timesheets.request_timesheet,
        name="request_timesheet_pdf",
    ),
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/download/", views.download, name="download"),
]
