from django.urls import path

from reports import incident_views

app_name = "reports"

urlpatterns = [
    path("incidents/", incident_views.incident_list, name="incidents"),
    path("ports/<str:iata>/incidents/new/", incident_views.new_incident, name="incident_new"),
    path(
        "ports/<str:iata>/incidents/autosave/",
        incident_views.autosave,
        name="incident_autosave",
    ),
    path("incidents/<int:pk>/", incident_views.incident_detail, name="incident"),
    path("incidents/<int:pk>/edit/", incident_views.edit_incident, name="incident_edit"),
    path("incidents/<int:pk>/submit/", incident_views.submit, name="incident_submit"),
    path(
        "incidents/<int:pk>/attachments/",
        incident_views.add_attachment,
        name="incident_add_attachment",
    ),
    path(
        "incidents/<int:pk>/attachments/<int:attachment_pk>/",
        incident_views.attachment,
        name="incident_attachment",
    ),
    path("incidents/<int:pk>/pdf/", incident_views.request_pdf, name="incident_pdf"),
]
