from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Incident reports, generated documents, statistics and exports."""

    name = "reports"
