"""How a benchmark hands a figure to ``bench/run.py``: one ``BENCH-ROW`` JSON line each."""

from __future__ import annotations

import json
from typing import Any


def emit(
    key: str,
    what: str,
    value: float,
    unit: str,
    target: str = "",
    ok: Any = None,
    *,
    digits: int = 2,
    **extra: Any,
) -> None:
    """One figure: ``target`` and ``ok`` (the verdict: ``None`` for a figure without one),
    ``value`` rounded to ``digits``, anything else (a ratio, a detail) beside it."""
    row = {
        "key": key,
        "what": what,
        "value": round(value, digits),
        "unit": unit,
        "target": target,
        "ok": ok,
        **extra,
    }
    print("BENCH-ROW " + json.dumps(row), flush=True)
