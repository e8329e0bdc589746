"""Make the benchmarks import this checkout's code, never another copy of the project.

An editable install (``pip install -e``) adds a finder that answers for any module of the
project the checkout lacks — with a shared virtualenv, another checkout's newer module (and
models without migrations here). The benchmarks measure this checkout: drop that finder."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.meta_path[:] = [
    finder
    for finder in sys.meta_path
    if not str(getattr(finder, "__module__", type(finder).__module__)).startswith("__editable__")
]
