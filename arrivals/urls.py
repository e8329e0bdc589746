from django.urls import path

from arrivals import import_views, views

app_name = "arrivals"

urlpatterns = [
    path("ports/<str:iata>/today/", views.port_today, name="port_today"),
    path("ports/<str:iata>/flights/<int:pk>/", views.flight, name="flight"),
    path(
        "ports/<str:iata>/individuals/<int:pk>/step/",
        views.individual_step,
        name="individual_step",
    ),
    path("ports/<str:iata>/cases/<int:pk>/step/", views.case_step, name="case_step"),
    path("ports/<str:iata>/steps/<int:pk>/undo/", views.undo_step, name="undo_step"),
    path("board/", views.board, name="board"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
]

# Flight status updates (appended so parallel edits above merge cleanly).
from arrivals import flight_views  # noqa: E402

urlpatterns += [
    path(
        "ports/<str:iata>/flights/<int:pk>/status/",
        flight_views.flight_status,
        name="flight_status",
    ),
]
