from django.apps import AppConfig


class StaffingConfig(AppConfig):
    """Staff profiles, credentials, rosters, leave and timesheets."""

    name = "staffing"
