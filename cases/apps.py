from django.apps import AppConfig


class CasesConfig(AppConfig):
    """Who travels: cases by ABN, individuals, their needs, bookings and vendors."""

    name = "cases"

    def ready(self) -> None:
        from cases import demo, documents
        from poe_ops.registry import DemoSeeder, register_demo

        documents.register()
        register_demo(DemoSeeder(self.name, demo.seed_demo))
