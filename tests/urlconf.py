"""Build a URLconf for one test: the project's URLs plus extra patterns a test needs."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from poe_ops import urls as root_urls


def urlconf_with(*patterns: Any) -> ModuleType:
    module = ModuleType("tests.urlconf_for_test")
    module.urlpatterns = [*patterns, *root_urls.urlpatterns]  # type: ignore[attr-defined]
    for handler in ("handler400", "handler403", "handler404", "handler500"):
        setattr(module, handler, getattr(root_urls, handler))
    return module
