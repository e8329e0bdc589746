from django.urls import path

from arrivals import views

app_name = "arrivals"

urlpatterns = [
    path("ports/<str:iata>/today/", views.port_today, name="port_today"),
    path("board/", views.board, name="board"),
]
