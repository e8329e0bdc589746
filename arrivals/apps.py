from django.apps import AppConfig


class ArrivalsConfig(AppConfig):
    """The operational day: flights, segments, manifest import, arrival steps, the board."""

    name = "arrivals"

    def ready(self) -> None:
        from arrivals import documents, pages

        documents.register()
        pages.register()
