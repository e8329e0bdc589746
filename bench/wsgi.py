"""gunicorn's application for the benchmarks: the project's own (``poe_ops.wsgi``), each answer
carrying how long the application took to make it, in seconds, in ``bench.load.APP_SECONDS`` —
from the moment gunicorn hands it the request (Django builds its request object, runs the
middleware and the view) to the moment it starts the response. gunicorn's own reading and
writing of HTTP is left out, the same for every request.

The check-in's rate is judged by these times (``bench/checkin.py``, ``mixed_run``): a tap and a
floor request taking turns on the same server, second by second, meet the same machine."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from bench.load import APP_SECONDS
from poe_ops.wsgi import application as project


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    started = time.perf_counter()

    def timed(status: str, headers: list[tuple[str, str]], *exc_info: Any) -> Any:
        headers.append((APP_SECONDS, f"{time.perf_counter() - started:.6f}"))
        return start_response(status, headers, *exc_info)

    return project(environ, timed)
