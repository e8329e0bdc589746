from django.urls import path

from reports import views

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
    path("documents/<int:pk>/", views.document, name="document"),
    path("documents/<int:pk>/download/", views.download, name="download"),
]
