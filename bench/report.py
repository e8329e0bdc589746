"""How a benchmark hands a figure to ``bench/run.py``: one ``BENCH-ROW`` JSON line each."""

from __future__ import annotations

import json
from typing import Any


def emit(
    key: str, what: str, value: float, unit: str, target: str = "", ok: Any = None, **extra: Any
) -> None:
    row = {
        "key": key,
        "what": what,
        "value": round(value, 2),
        "unit": unit,
        "target": target,
        "ok": ok,
        **extra,
    }
    print("BENCH-ROW " + json.dumps(row), flush=True)
