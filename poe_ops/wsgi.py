"""WSGI entry point (gunicorn poe_ops.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

application = get_wsgi_application()

# Django is set up: load the reference tables now, before the first request needs them.
from poe_ops.warmup import load_reference_tables  # noqa: E402

load_reference_tables()
