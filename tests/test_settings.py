"""Settings come from the environment; a malformed or missing required value stops start-up with
a clear ImproperlyConfigured. Each case runs in a fresh interpreter, as a deployment would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x" * 30 + "-production-secret-key-for-tests-only",
    "ALLOWED_HOSTS": "poe-ops.example.org",
    "DATABASE_URL": "postgres://poe:secret@db.internal:5432/poe_ops",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def run_django(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """``code`` in a fresh interpreter with the project's settings and ``env``."""
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "poe_ops.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def load_settings(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    code = "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)"
    return run_python(code, env)


def test_it_passes_check_deploy_with_production_settings():
    result = run_django(PRODUCTION, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_it_defaults_debug_to_off():
    result = load_settings(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("SECRET_KEY", "SECRET_KEY must be set"),
        ("ALLOWED_HOSTS", "ALLOWED_HOSTS must be set"),
        ("DATABASE_URL", "DATABASE_URL must be set in production"),
        ("REDIS_URL", "REDIS_URL must be set in production"),
    ],
)
def test_it_refuses_a_missing_required_value_in_production(missing, message):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = load_settings(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false"),
        ("DATABASE_URL", "mysql://db/poe", "DATABASE_URL must start with one of"),
        ("DATABASE_URL", "postgres://db.internal:fivefour/poe", "port that is not a number"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with one of"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
        ("SECRET_KEY", "short", "at least 50 characters"),
    ],
)
def test_it_refuses_a_malformed_value(name, value, message):
    result = load_settings({**PRODUCTION, name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_an_empty_security_switch_keeps_its_production_default():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE)"
    )
    base = {k: v for k, v in os.environ.items() if k in {"PATH", "HOME", "LANG"}}
    env = {
        **base,
        **PRODUCTION,
        "DJANGO_SETTINGS_MODULE": "poe_ops.settings",
        "SECURE_SSL_REDIRECT": "",
        "SECURE_COOKIES": " ",
    }
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def test_it_never_shows_a_database_password_in_errors():
    result = load_settings({**PRODUCTION, "DATABASE_URL": "postgres://poe:hunter2@db:notaport/x"})
    assert result.returncode != 0
    assert "hunter2" not in result.stderr


def test_it_falls_back_to_sqlite_and_eager_tasks_for_the_quick_start(tmp_path):
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.CACHES['default']['BACKEND'])"
    )
    result = run_python(code, {"DEBUG": "true", "POE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    engine, name, eager, cache = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert name == str(tmp_path / "poe_ops.sqlite3")
    assert eager == "True"
    assert cache.endswith("LocMemCache")


def test_the_suite_runs_on_postgresql_and_redis(settings):
    """make test must exercise the real services, not the quick-start fallbacks."""
    assert settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
    assert settings.REDIS_URL
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


def test_a_web_process_loads_its_reference_tables_as_it_starts():
    """The airports' time zones and the languages' names are read when gunicorn loads the
    application, not by the first tap after each worker starts (a tenth of a second each)."""
    code = (
        "import pycountry, poe_ops.wsgi\n"
        "from poe_ops.models.ports import _airports_by_iata\n"
        "print(_airports_by_iata.cache_info().currsize, pycountry.languages._is_loaded)"
    )
    done = run_python(code, PRODUCTION)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1", "True"]
