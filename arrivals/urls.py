from django.urls import path

from arrivals import views

app_name = "arrivals"

urlpatterns = [
    path("ports/<str:iata>/today/", views.port_today, name="port_today"),
    path("board/", views.board, name="board"),
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
