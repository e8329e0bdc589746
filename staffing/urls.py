from django.urls import path

from staffing.views import home, leave, oncall, payroll, roster, staff, timesheets

app_name = "staffing"

urlpatterns = [
    path("staffing/", home.home, name="home"),
    path("staffing/<str:iata>/roster/", roster.roster, name="roster"),
    path("staffing/<str:iata>/roster/shifts/new/", roster.add_shift, name="add_shift"),
    path("staffing/<str:iata>/roster/shifts/<int:pk>/", roster.edit_shift, name="edit_shift"),
    path(
        "staffing/<str:iata>/roster/shifts/<int:pk>/delete/",
        roster.delete_shift,
        name="delete_shift",
    ),
    path("staffing/<str:iata>/coverage/", roster.day_coverage, name="coverage"),
    path("staffing/<str:iata>/leave/new/", leave.new_leave, name="new_leave"),
    path("staffing/leave/<int:pk>/", leave.leave_detail, name="leave_detail"),
    path("staffing/leave/<int:pk>/decide/", leave.decide_leave, name="decide_leave"),
    path(
        "staffing/<str:iata>/timesheets/<str:month>/",
        timesheets.my_timesheet,
        name="my_timesheet",
    ),
    path("staffing/timesheets/<int:pk>/", timesheets.timesheet, name="timesheet"),
    path(
        "staffing/timesheets/<int:pk>/pdf/",
        timesheets.request_timesheet,
        name="request_timesheet_pdf",
    ),
    path(
        "staffing/timesheets/<int:pk>/submit/", timesheets.submit_timesheet, name="submit_timesheet"
    ),
    path(
        "staffing/timesheets/<int:pk>/decide/", timesheets.decide_timesheet, name="decide_timesheet"
    ),
    path("staffing/<str:iata>/staff/", staff.staff, name="staff"),
    path("staffing/<str:iata>/staff/<int:pk>/", staff.staff_member_page, name="staff_member"),
    path(
        "staffing/<str:iata>/staff/<int:pk>/languages/",
        staff.add_language,
        name="add_language",
    ),
    path(
        "staffing/<str:iata>/staff/<int:pk>/languages/remove/",
        staff.remove_language,
        name="remove_language",
    ),
    path(
        "staffing/<str:iata>/staff/<int:pk>/credentials/new/",
        staff.add_credential,
        name="add_credential",
    ),
    path(
        "staffing/<str:iata>/staff/<int:pk>/credentials/<int:credential_pk>/renew/",
        staff.renew_credential,
        name="renew_credential",
    ),
    path(
        "staffing/<str:iata>/staff/<int:pk>/credentials/<int:credential_pk>/scan/",
        staff.credential_scan,
        name="credential_scan",
    ),
    path("staffing/<str:iata>/on-call/", oncall.on_call, name="on_call"),
    path("staffing/<str:iata>/on-call/<str:night>/", oncall.set_night, name="set_on_call"),
    path("staffing/<str:iata>/payroll/<str:month>/", payroll.payroll, name="payroll"),
    path("staffing/<str:iata>/payroll/<str:month>/csv/", payroll.payroll_csv, name="payroll_csv"),
    path(
        "staffing/<str:iata>/payroll/<str:month>/xlsx/", payroll.payroll_xlsx, name="payroll_xlsx"
    ),
]
