from django.urls import path

from cases.views import bookings, costs, documents, packet, vendors

app_name = "cases"

urlpatterns = [
    path("cases/<str:case_number>/hotel/", bookings.book_hotel, name="book_hotel"),
    path("cases/<str:case_number>/transport/", bookings.book_transport, name="book_transport"),
    path("cases/<str:case_number>/escorts/", bookings.assign_escort, name="assign_escort"),
    path("cases/<str:case_number>/custody/", bookings.record_custody, name="record_custody"),
    path(
        "cases/<str:case_number>/packet/<int:pk>/status/",
        packet.document_status,
        name="document_status",
    ),
    path("bookings/<str:kind>/<int:pk>/status/", bookings.booking_status, name="booking_status"),
    path(
        "bookings/<str:kind>/<int:pk>/feedback/", bookings.booking_feedback, name="booking_feedback"
    ),
    path("ports/<str:iata>/costs.csv", costs.costs_csv, name="costs_csv"),
    path("ports/<str:iata>/vendors/", vendors.vendors, name="vendors"),
    path("ports/<str:iata>/vendor-feedback/", vendors.vendor_feedback, name="vendor_feedback"),
    path("ports/<str:iata>/vendors/<int:pk>/", vendors.vendor_detail, name="vendor"),
    path("vendor-problems/<int:pk>/resolve/", vendors.resolve_problem, name="resolve_problem"),
    path(
        "hotel-bookings/<int:pk>/documents/form/",
        documents.request_hotel_form,
        name="request_hotel_form",
    ),
    path(
        "custody-handovers/<int:pk>/documents/form/",
        documents.request_custody_form,
        name="request_custody_form",
    ),
    path(
        "ports/<str:iata>/documents/transport-manifest/",
        documents.request_transport_manifest,
        name="request_transport_manifest",
    ),
]
