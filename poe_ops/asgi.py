"""ASGI entry point."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

application = get_asgi_application()

# Django is set up: load the reference tables now, before the first request needs them.
from poe_ops.warmup import load_reference_tables  # noqa: E402

load_reference_tables()
