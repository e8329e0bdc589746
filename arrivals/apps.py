from django.apps import AppConfig


class ArrivalsConfig(AppConfig):
    """The operational day: flights, segments, manifest import, arrival steps, the board."""

    name = "arrivals"

    def ready(self) -> None:
        from arrivals import demo, documents, pages
        from arrivals.services import retention
        from poe_ops.registry import DemoSeeder, register_demo

        documents.register()
        pages.register()
        retention.register()
        register_demo(DemoSeeder(self.name, demo.seed_demo))
