from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Who travels: cases by ABN, individuals, their needs, bookings and vendors."""

    name = "cases"

    def ready(self) -> None:
        from cases import demo, documents
        from cases.services import retention
        from poe_ops.registry import DemoSeeder, register_demo

        documents.register()
        retention.register()
        register_demo(DemoSeeder(self.name, demo.seed_demo))
