from django.urls import path

from cases import booking_views, document_views, views

app_name = "cases"

urlpatterns = [
    path("ports/<str:iata>/search/", views.search, name="search"),
    path("cases/<str:case_number>/", views.detail, name="detail"),
    path("cases/<str:case_number>/hotel/", booking_views.book_hotel, name="book_hotel"),
    path("cases/<str:case_number>/transport/", booking_views.book_transport, name="book_transport"),
    path("cases/<str:case_number>/escorts/", booking_views.assign_escort, name="assign_escort"),
    path("cases/<str:case_number>/custody/", booking_views.record_custody, name="record_custody"),
    path(
        "bookings/<str:kind>/<int:pk>/status/", booking_views.booking_status, name="booking_status"
    ),
    path(
        "bookings/<str:kind>/<int:pk>/feedback/",
        booking_views.booking_feedback,
        name="booking_feedback",
    ),
    path("ports/<str:iata>/vendors/", booking_views.vendors, name="vendors"),
    path(
        "ports/<str:iata>/vendor-feedback/", booking_views.vendor_feedback, name="vendor_feedback"
    ),
    path("ports/<str:iata>/vendors/<int:pk>/", booking_views.vendor_detail, name="vendor"),
    path(
        "vendor-problems/<int:pk>/resolve/", booking_views.resolve_problem, name="resolve_problem"
    ),
    path(
        "hotel-bookings/<int:pk>/documents/form/",
        document_views.request_hotel_form,
        name="request_hotel_form",
    ),
    path(
        "custody-handovers/<int:pk>/documents/form/",
        document_views.request_custody_form,
        name="request_custody_form",
    ),
    path(
        "ports/<str:iata>/documents/transport-manifest/",
        document_views.request_transport_manifest,
        name="request_transport_manifest",
    ),
]
