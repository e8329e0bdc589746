from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Incident reports, statistics and exports: the layer that reads everything."""

    name = "reports"

    def ready(self) -> None:
        from poe_ops.registry import ApprovalSource, DemoSeeder, register, register_demo
        from reports import demo, documents, links
        from reports.models import IncidentReport
        from reports.queries.incidents import awaiting_decision, restrict_visible
        from reports.services.incidents import decide_for_inbox, read_first

        register(
            ApprovalSource(
                key="incident",
                label="Incident report",
                model=IncidentReport,
                row_template="reports/incidents/_approval_row.html",
                decide=decide_for_inbox,
                select_related=("port", "author", "flight", "case"),
                visible_to=restrict_visible,
                awaiting=awaiting_decision,
                open_first=read_first,
            )
        )
        documents.register()
        links.register()
        from reports.services import retention

        retention.register()
        register_demo(DemoSeeder(self.name, demo.seed_demo))
