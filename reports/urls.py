from django.urls import path

from reports.views import drafts, end_of_day, incidents, statistics

app_name = "reports"

urlpatterns = [
    path("incidents/", incidents.incident_list, name="incidents"),
    path("ports/<str:iata>/incidents/new/", drafts.new_incident, name="incident_new"),
    path(
        "ports/<str:iata>/incidents/autosave/",
        drafts.autosave,
        name="incident_autosave",
    ),
    path("incidents/<int:pk>/", incidents.incident_detail, name="incident"),
    path("incidents/<int:pk>/edit/", drafts.edit_incident, name="incident_edit"),
    path("incidents/<int:pk>/submit/", incidents.submit, name="incident_submit"),
    path(
        "incidents/<int:pk>/attachments/",
        incidents.add_attachment,
        name="incident_add_attachment",
    ),
    path(
        "incidents/<int:pk>/attachments/<int:attachment_pk>/",
        incidents.attachment,
        name="incident_attachment",
    ),
    path("incidents/<int:pk>/pdf/", incidents.request_pdf, name="incident_pdf"),
    path("statistics/", statistics.statistics_page, name="statistics"),
    path("statistics/report/", statistics.request_report, name="statistics_report"),
    path("end-of-day/", end_of_day.end_of_day_overview, name="end_of_day_overview"),
    path("ports/<str:iata>/end-of-day/", end_of_day.end_of_day, name="end_of_day"),
    path(
        "statistics/<slug:table>.<slug:fmt>",
        statistics.statistics_download,
        name="statistics_download",
    ),
]
