from django.urls import path

from arrivals import board_views, booking_views, document_views, flight_views, import_views, views

app_name = "arrivals"

urlpatterns = [
    path("ports/<str:iata>/today/", views.port_today, name="port_today"),
    path("ports/<str:iata>/flights/<int:pk>/", views.flight, name="flight"),
    path(
        "ports/<str:iata>/flights/<int:pk>/status/",
        flight_views.flight_status,
        name="flight_status",
    ),
    path(
        "ports/<str:iata>/individuals/<int:pk>/step/",
        views.individual_step,
        name="individual_step",
    ),
    path("ports/<str:iata>/cases/<int:pk>/step/", views.case_step, name="case_step"),
    path("ports/<str:iata>/steps/<int:pk>/undo/", views.undo_step, name="undo_step"),
    path(
        "ports/<str:iata>/individuals/<int:pk>/hand-over/",
        booking_views.hand_over,
        name="hand_over",
    ),
    path("ports/<str:iata>/costs.csv", booking_views.costs_csv, name="costs_csv"),
    path("cases/<str:case_number>/rebook/", booking_views.rebook, name="rebook"),
    path(
        "ports/<str:iata>/documents/manifest/",
        document_views.request_manifest,
        name="request_manifest",
    ),
    path(
        "cases/<str:case_number>/documents/arrival-sheet/",
        document_views.request_case_sheet,
        name="request_case_sheet",
    ),
    path("board/", board_views.board, name="board"),
    path("board/export.csv", board_views.board_csv, name="board_csv"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
]
