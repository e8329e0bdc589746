from django.urls import path

from arrivals import import_views, views

app_name = "arrivals"

urlpatterns = [
    path("ports/<str:iata>/today/", views.port_today, name="port_today"),
    path("board/", views.board, name="board"),
    path("imports/", import_views.imports, name="imports"),
    path("imports/<int:pk>/", import_views.import_detail, name="import_detail"),
]
