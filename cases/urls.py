from django.urls import path

from cases.views import (
    agencies,
    bookings,
    costs,
    directory,
    documents,
    packet,
    receivers,
    vendors,
)

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
    path(
        "cases/<str:case_number>/agency-office/", receivers.agency_office, name="case_agency_office"
    ),
    path("cases/<str:case_number>/us-ties/", receivers.us_tie, name="add_us_tie"),
    path(
        "cases/<str:case_number>/expected-receiver/",
        receivers.expected_receiver,
        name="expected_receiver",
    ),
    path(
        "custody-handovers/<int:pk>/signatures/<str:side>/",
        receivers.custody_signature,
        name="custody_signature",
    ),
    path("agencies/", agencies.agencies, name="agencies"),
    path("agencies/new/", agencies.agency_form, name="agency_new"),
    path("agencies/messages/", agencies.agency_messages, name="agency_messages"),
    path("agencies/<int:pk>/", agencies.agency_form, name="agency_edit"),
    path("agency-offices/new/", agencies.office_form, name="agency_office_new"),
    path("agency-offices/<int:pk>/", agencies.office, name="agency_office"),
    path("agency-offices/<int:pk>/edit/", agencies.office_form, name="agency_office_edit"),
    path("bookings/<str:kind>/<int:pk>/status/", bookings.booking_status, name="booking_status"),
    path(
        "bookings/<str:kind>/<int:pk>/feedback/", bookings.booking_feedback, name="booking_feedback"
    ),
    path("ports/<str:iata>/costs.csv", costs.costs_csv, name="costs_csv"),
    path("ports/<str:iata>/vendors/", vendors.vendors, name="vendors"),
    path("ports/<str:iata>/vendor-feedback/", vendors.vendor_feedback, name="vendor_feedback"),
    path("ports/<str:iata>/vendors/new/", vendors.new_vendor, name="new_vendor"),
    path("ports/<str:iata>/vendors/<int:pk>/", vendors.vendor_detail, name="vendor"),
    path("ports/<str:iata>/vendors/<int:pk>/edit/", vendors.edit_vendor, name="edit_vendor"),
    path("ports/<str:iata>/vendors/<int:pk>/rates/", vendors.add_rate, name="add_rate"),
    path(
        "ports/<str:iata>/vendors/<int:pk>/rates/<int:rate_pk>/end/",
        vendors.end_rate,
        name="end_rate",
    ),
    path("ports/<str:iata>/contacts/", directory.directory, name="directory"),
    path("ports/<str:iata>/contacts/new/", directory.new_contact, name="new_contact"),
    path("ports/<str:iata>/contacts/<int:pk>/", directory.edit_contact, name="edit_contact"),
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
