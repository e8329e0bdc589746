from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Incident reports, generated documents, statistics and exports."""

    name = "reports"

    def ready(self) -> None:
        from reports import documents

        documents.register()
        from poe_ops.registry import ApprovalSource, register
        from reports.incidents import decide_for_inbox, restrict_visible
        from reports.models import IncidentReport

        register(
            ApprovalSource(
                key="incident",
                label="Incident report",
                model=IncidentReport,
                row_template="reports/incidents/_approval_row.html",
                decide=decide_for_inbox,
                select_related=("port", "author", "flight", "case"),
                visible_to=restrict_visible,
            )
        )
