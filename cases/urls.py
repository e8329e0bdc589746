from django.urls import path

from cases import views

app_name = "cases"

urlpatterns = [
    path("ports/<str:iata>/search/", views.search, name="search"),
    path("cases/<str:case_number>/", views.detail, name="detail"),
]
