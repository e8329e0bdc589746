"""POE Ops settings: one file, everything that differs between machines comes from the environment.

Production is the default (``DEBUG`` off). There, ``SECRET_KEY``, ``ALLOWED_HOSTS``,
``DATABASE_URL`` and ``REDIS_URL`` are required and a missing or malformed value stops start-up
with ``ImproperlyConfigured``. ``make run`` sets ``DEBUG=true`` and leaves the rest unset, which
gives SQLite under ``var/``, a local-memory cache and Celery tasks run in-process.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
import django_stubs_ext
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from poe_ops.env import env_bool, env_int, env_list, env_str, env_url

# Lets ``admin.ModelAdmin[Port]`` and friends be subscripted at run time, as the type stubs do.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("POE_VAR_DIR", str(BASE_DIR / "var")) or BASE_DIR / "var")

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", required=not DEBUG) or "dev-only-insecure-key-do-not-deploy"
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("SECRET_KEY must be at least 50 characters long in production.")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else None)
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "ALLOWED_HOSTS must be set in the environment (comma-separated host names)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # The widget templates, found by the project's template engine (FORM_RENDERER below).
    "django.forms",
    "django_htmx",
    "template_partials",
    "guardian",
    "axes",
    # The second factor: an authenticator app (TOTP) and recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "django_countries",
    "poe_ops.apps.PoeOpsConfig",
    "cases",
    "arrivals",
    "staffing",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "poe_ops.middleware.RequestIdMiddleware",
    "poe_ops.middleware.PortPermissionCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "poe_ops.middleware.RequestSizeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "poe_ops.middleware.SessionTimeoutMiddleware",
    "poe_ops.middleware.NoStoreForAuthenticatedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "poe_ops.middleware.ControlCharacterMiddleware",
    "poe_ops.middleware.SecondFactorMiddleware",
    "poe_ops.middleware.RefusalMiddleware",
    # Axes last, as its documentation asks, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "poe_ops.urls"
WSGI_APPLICATION = "poe_ops.wsgi.application"
ASGI_APPLICATION = "poe_ops.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "poe_ops.context_processors.navigation",
            ],
        },
    }
]

# Every form field renders through one project template: {{ form.x.as_field_group }}.
FORM_RENDERER = "poe_ops.forms.FormRenderer"

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_url(
    "DATABASE_URL", {"postgres", "postgresql", "pgsql", "postgis", "sqlite"}, default=None
)
if DATABASE_URL is None and not DEBUG and not env_bool("ALLOW_SQLITE", False):
    raise ImproperlyConfigured(
        "DATABASE_URL must be set in production (postgres://user:password@host:5432/name)."
    )
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Parameters bound by PostgreSQL, not pasted into the text by psycopg, and a statement
        # a connection sends a fifth time prepared (psycopg's prepare_threshold: Django turns
        # it off unless asked, for the sake of connection poolers, and there is none here), so
        # the tap's and every page's repeated statements (the session, the user, the locks, the
        # writes) are parsed once per connection (CONN_MAX_AGE keeps it) instead of once per
        # request.
        # Each execution is still planned for its own values (plan_cache_mode), here and in
        # triggers and foreign-key checks: a plan cached for every value would be made once,
        # while a table was small (a fresh database, an import in progress), and kept while it
        # grows — a lookup by key turned into a scan of thousands of rows in the test suite.
        # A tap's transaction alone plans once (``poe_ops.planning``).
        options = DATABASES["default"].setdefault("OPTIONS", {})
        options["server_side_binding"] = True
        options.setdefault("prepare_threshold", 5)
        options["options"] = " ".join(
            filter(None, [options.get("options", ""), "-c plan_cache_mode=force_custom_plan"])
        )
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "poe_ops.sqlite3"),
        }
    }
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection kept between requests (and between a worker's tasks) is checked before it is
# used again, so a PostgreSQL restart costs a reconnect, not a failed request or task.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker, results and cache ------------------------------------------------
REDIS_URL = env_url("REDIS_URL", {"redis", "rediss"}, default=None)
if REDIS_URL is None and not DEBUG and not env_bool("ALLOW_EAGER_TASKS", False):
    raise ImproperlyConfigured(
        "REDIS_URL must be set in production (redis://host:6379/0); "
        "it carries notifications and paperwork to the Celery workers."
    )

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's Redis cache, keeping one client per connection pool (poe_ops.cache).
            "BACKEND": "poe_ops.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "poe",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged only when it has finished; a worker that dies mid-task gives it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_RESULT_EXPIRES = timedelta(days=1)
# Our tasks report through the database (outbox rows, documents), not through results; a task
# that must answer (ping) asks for its result. Without this, queueing subscribes to the result
# store and a dead Redis holds the request for 20 reconnection attempts.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
}
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
# Celery's Django fixup otherwise closes the database connection after every task: a worker
# delivering notifications would spend more time connecting to PostgreSQL than sending. A kept
# connection that died (PostgreSQL restarted) is replaced before the next task: poe_ops.worker.
CELERY_DB_REUSE_MAX = env_int("CELERY_DB_REUSE_MAX", 500, minimum=0)
# The heartbeat is late (/healthz "degraded", the worker's compose check failing) after this
# long; so are notifications and documents left pending longer than the backlog limit.
POE_WORKER_LATE_SECONDS = env_int("POE_WORKER_LATE_SECONDS", 120, minimum=30)
POE_BACKLOG_LATE_SECONDS = env_int("POE_BACKLOG_LATE_SECONDS", 300, minimum=60)
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Proves beat, the broker, a worker and its database all work (/healthz reads its age).
    # A heartbeat no worker took within 25 s is dropped, so a stuck worker does not come back
    # to a pile of them.
    "poe_ops.heartbeat": {
        "task": "poe_ops.heartbeat",
        "schedule": 30.0,
        "options": {"expires": 25},
    },
    # Re-queues notifications left pending (broker outage, lost task) or held by a dead worker.
    "poe_ops.sweep_notifications": {"task": "poe_ops.sweep_notifications", "schedule": 60.0},
    # Paperwork left pending by a broker outage or a lost task is queued again.
    "poe_ops.sweep_documents": {"task": "poe_ops.sweep_documents", "schedule": 60.0},
    # Personal data past its retention period anonymised, old PDFs and photos deleted
    # (docs/retention.md).
    "poe_ops.apply_retention": {
        "task": "poe_ops.apply_retention",
        "schedule": crontab(hour=7, minute=30),  # 02:30/03:30 on the U.S. east coast
    },
    # Manifest uploads waiting to be checked are queued again; day-old previews expire.
    "arrivals.sweep_imports": {"task": "arrivals.sweep_imports", "schedule": 60.0},
    # Officers hear each morning of staff credentials expiring within 30 days (once a day).
    "staffing.notify_expiring_credentials": {
        "task": "staffing.notify_expiring_credentials",
        "schedule": crontab(hour=11, minute=0),  # 06:00/07:00 on the U.S. east coast
    },
    # ...and, in the days before timesheets fall due, of those still missing or not approved.
    "staffing.remind_missing_timesheets": {
        "task": "staffing.remind_missing_timesheets",
        "schedule": crontab(hour=11, minute=5),
    },
    # Each office's statistics of the month just ended, on the 1st (12:00 UTC: the month has
    # ended at every port, Los Angeles included).
    "reports.make_monthly_reports": {
        "task": "reports.make_monthly_reports",
        "schedule": crontab(day_of_month=1, hour=12, minute=0),
    },
}

# --- Retention (docs/retention.md): how many days each kind of record is kept ------------------
# Each POE_RETAIN_<KIND>_DAYS in the environment changes one (e.g. POE_RETAIN_DOCUMENTS_DAYS).
RETENTION_DEFAULT_DAYS = {
    "case_personal_data": 365,  # after the case closed (completed or cancelled)
    "documents": 30,  # after the PDF was asked for; it can be made again while its record lives
    "notifications": 180,  # after it was written, once delivered (or given up)
    "import_details": 180,  # after the upload: its problems, warnings and summary name people
    "incident_attachments": 730,  # after the report was approved
    "incident_text": 1825,  # after the report was approved: what happened, who was involved
}
POE_RETENTION_DAYS = {
    kind: env_int(f"POE_RETAIN_{kind.upper()}_DAYS", days, minimum=1)
    for kind, days in RETENTION_DEFAULT_DAYS.items()
}

# --- Request limits (the production shape: see the README and docker/gunicorn.conf.py) ---------
# The largest request body taken at all (an incident photo is at most 10 MB, a manifest 5 MB):
# a bigger one is answered 413 before it is read. The proxy in front should refuse it first.
POE_MAX_REQUEST_BYTES = env_int("POE_MAX_REQUEST_BYTES", 12 * 1024 * 1024, minimum=1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000  # a timesheet month is ~300 fields; Django's 1000 is tight
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Per user: (how many, per how many seconds) of each expensive kind of request (poe_ops.ratelimit).
POE_RATE_LIMITS: dict[str, tuple[int, int]] = {
    "import": (env_int("POE_RATE_LIMIT_IMPORTS", 10, minimum=1), 60),
    "pdf": (env_int("POE_RATE_LIMIT_PDFS", 30, minimum=1), 60),
    "search": (env_int("POE_RATE_LIMIT_SEARCHES", 60, minimum=1), 60),
}

# --- Authentication and roles -----------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A tap sent with a token that is no longer valid is answered so the page's script can recover.
CSRF_FAILURE_VIEW = "poe_ops.errors.csrf_failure"
GUARDIAN_RAISE_403 = False
ANONYMOUS_USER_NAME = None  # guardian: no anonymous user row; anonymous never holds a port.

# Login throttling: after AXES_FAILURE_LIMIT failures an account is locked for that client only,
# so a brute-forced account is stopped without locking out everyone behind the airport's NAT.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("PROXY_COUNT", 0, minimum=0) or None
AXES_VERBOSE = False

# Sessions: a shift is 12 hours; a tablet left alone for POE_SESSION_IDLE_MINUTES is signed out,
# and no session outlives POE_SESSION_MAX_HOURS however busy it is.
# Where POE Ops is served, for links in notification emails (e.g. https://poe-ops.example.org).
POE_SITE_URL = env_url("POE_SITE_URL", {"https", "http"}, default=None) or ""

# How often the HQ arrival board refreshes itself while its tab is visible.
POE_BOARD_REFRESH_SECONDS = env_int("POE_BOARD_REFRESH_SECONDS", 30, minimum=1)
# How often a tablet's port day and flight pages fetch what other tablets recorded, while shown.
POE_TABLET_REFRESH_SECONDS = env_int("POE_TABLET_REFRESH_SECONDS", 15, minimum=1)

# Manifest uploads larger than this are checked by a worker while the page shows progress
# (about 800 rows); smaller ones are checked in the request.
POE_IMPORT_BACKGROUND_BYTES = env_int("POE_IMPORT_BACKGROUND_BYTES", 256 * 1024, minimum=0)

SESSION_IDLE_MINUTES = env_int("POE_SESSION_IDLE_MINUTES", 60, minimum=1)
SESSION_MAX_HOURS = env_int("POE_SESSION_MAX_HOURS", 13, minimum=1)

# Second factor (poe_ops.services.second_factor): officers, senior associates, HQ, focal points
# and administrators. "Remember this browser" lasts a shift at most (never past
# SESSION_MAX_HOURS); wrong codes slow down exponentially per device (django-otp's throttling).
OTP_TOTP_ISSUER = "POE Ops"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
POE_SECOND_FACTOR_REMEMBER_HOURS = env_int("POE_SECOND_FACTOR_REMEMBER_HOURS", 12, minimum=0)
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"

# --- Transport security: on unless DEBUG --------------------------------------------------
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: everything from our own origin, no inline script or style.
# htmx is configured (see base.html) not to inject its indicator <style> nor to eval.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Email ---------------------------------------------------------------------------------
# The quick start writes each email to a file under var/mail/ (one file per message) instead
# of printing its raw MIME to the console, where it buried the address to open.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true.")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "POE Ops <poe-ops@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Internationalisation: store UTC, show each port's local time -------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Static and private files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")) or "staticfiles")
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
if not STATIC_MANIFEST:
    # Without collectstatic, WhiteNoise serves straight from the source folders.
    WHITENOISE_USE_FINDERS = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    # Generated paperwork holds personal data: it has no public URL and is served by a view
    # that checks the port permission.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "private"), "base_url": None},
    },
    "staticfiles": {
        # Hashed, compressed names need `collectstatic`; the quick start and the tests skip it.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO; only its warnings matter.
    "loggers": {
        "axes": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # In-process (eager) tasks of the quick start would log every email they send.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
        "kombu": {"level": "ERROR" if CELERY_TASK_ALWAYS_EAGER else "WARNING"},
    },
}
