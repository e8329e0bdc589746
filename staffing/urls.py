from django.urls import path

from staffing import roster_views, views

app_name = "staffing"

urlpatterns = [
    path("staffing/", views.home, name="home"),
    path("staffing/<str:iata>/roster/", roster_views.roster, name="roster"),
    path("staffing/<str:iata>/roster/shifts/new/", roster_views.add_shift, name="add_shift"),
    path("staffing/<str:iata>/roster/shifts/<int:pk>/", roster_views.edit_shift, name="edit_shift"),
    path(
        "staffing/<str:iata>/roster/shifts/<int:pk>/delete/",
        roster_views.delete_shift,
        name="delete_shift",
    ),
    path("staffing/<str:iata>/coverage/", roster_views.day_coverage, name="coverage"),
    path("staffing/<str:iata>/leave/new/", views.new_leave, name="new_leave"),
    path("staffing/leave/<int:pk>/", views.leave_detail, name="leave_detail"),
    path("staffing/leave/<int:pk>/decide/", views.decide_leave, name="decide_leave"),
    path(
        "staffing/<str:iata>/timesheets/<str:month>/",
        views.my_timesheet,
        name="my_timesheet",
    ),
    path("staffing/timesheets/<int:pk>/", views.timesheet, name="timesheet"),
    path(
        "staffing/timesheets/<int:pk>/pdf/", views.request_timesheet, name="request_timesheet_pdf"
    ),
    path("staffing/timesheets/<int:pk>/submit/", views.submit_timesheet, name="submit_timesheet"),
    path("staffing/timesheets/<int:pk>/decide/", views.decide_timesheet, name="decide_timesheet"),
    path("staffing/<str:iata>/payroll/<str:month>/", views.payroll, name="payroll"),
    path("staffing/<str:iata>/payroll/<str:month>/csv/", views.payroll_csv, name="payroll_csv"),
    path("staffing/<str:iata>/payroll/<str:month>/xlsx/", views.payroll_xlsx, name="payroll_xlsx"),
]
