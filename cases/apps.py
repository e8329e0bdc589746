from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Who travels: cases by ABN, individuals, their needs, bookings and vendors."""

    name = "cases"

    def ready(self) -> None:
        from cases import documents
        from cases.services import retention

        documents.register()
        retention.register()
