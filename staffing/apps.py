from django.apps import AppConfig


class StaffingConfig(AppConfig):
    """Staff profiles, credentials, rosters, leave and timesheets."""

    name = "staffing"

    def ready(self) -> None:
        from poe_ops.registry import ApprovalSource, DemoSeeder, register, register_demo
        from staffing import demo, documents
        from staffing.models import LeaveRequest, Timesheet
        from staffing.services.leave import decide_leave
        from staffing.services.timesheets import decide_timesheet
        from staffing.views.leave import prepare_inbox_rows

        register(
            ApprovalSource(
                key="timesheet",
                label="Timesheet",
                model=Timesheet,
                row_template="staffing/approvals/timesheet_row.html",
                decide=decide_timesheet,
            )
        )
        register(
            ApprovalSource(
                key="leave",
                label="Leave request",
                model=LeaveRequest,
                row_template="staffing/approvals/leave_row.html",
                decide=decide_leave,
                prepare=prepare_inbox_rows,
                options=("release_shifts",),
                approve_template="staffing/approvals/leave_approve.html",
            )
        )
        documents.register()
        register_demo(DemoSeeder(self.name, demo.seed_demo))
