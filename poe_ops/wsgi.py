"""WSGI entry point (gunicorn poe_ops.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "poe_ops.settings")

application = get_wsgi_application()
