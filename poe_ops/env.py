"""Read settings from the environment, refusing malformed values instead of guessing.

Every reader raises ``ImproperlyConfigured`` naming the variable and what was wrong with it,
so a bad deployment stops at start-up with a sentence an operator can act on.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        if required:
            raise ImproperlyConfigured(f"{name} must be set in the environment.")
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default  # an empty value (e.g. `${VAR:-}` in compose) never turns a protection off
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, schemes: set[str], *, default: str | None = None) -> str | None:
    """A URL whose scheme is one of ``schemes``; its host must be present for network schemes."""
    value = env_str(name, default)
    if value is None:
        return None
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        allowed = ", ".join(sorted(f"{s}://" for s in schemes))
        raise ImproperlyConfigured(
            f"{name} must start with one of {allowed}; got {parts.scheme or 'no scheme'!s}."
        )
    if not parts.scheme.startswith("sqlite") and not parts.hostname:
        raise ImproperlyConfigured(f"{name} has no host name: {_redact(value)}.")
    try:
        parts.port  # noqa: B018 - property access validates the port
    except ValueError:
        raise ImproperlyConfigured(
            f"{name} has a port that is not a number: {_redact(value)}."
        ) from None
    return value


def _redact(url: str) -> str:
    """The URL without its password, for error messages."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@")
    return url
