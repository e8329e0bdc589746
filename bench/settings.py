"""Settings for the benchmarks: the project's own, plus the floor view's URL (``bench.urls``).

gunicorn runs with ``DJANGO_SETTINGS_MODULE=bench.settings`` during ``make bench`` so that the
floor view sits on the same stack as the pages it is compared with, while the production URLconf
never contains it."""

from poe_ops.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

# Logins are not measured; a fast hasher (as the test suite uses) lets 32 clients sign in
# within a second instead of spending PBKDF2's deliberate cost 32 times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
